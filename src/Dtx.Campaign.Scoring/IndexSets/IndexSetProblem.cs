namespace Dtx.Campaign.Scoring.IndexSets;

/// <summary>Something wrong with an index set, located by line (when read from a file) and field path.</summary>
public sealed record IndexSetProblem(int? Line, string Field, string Message);
