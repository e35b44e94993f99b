using Dtx.Campaign.Scoring.Refusals;

namespace Dtx.Campaign.Scoring.IndexSets;

/// <summary>
/// Something wrong with an index set, located by line (when read from a file) and field path; what is wrong is a
/// <see cref="Refusals.Reason"/> of the refusal catalogue, so that a clerk reads it in Vietnamese and a client by its code.
/// </summary>
public sealed record IndexSetProblem(int? Line, string Field, Reason Reason)
{
    /// <summary>What is wrong, in "vi" or "en".</summary>
    public string Text(string language) => Reason.Text(language);

    /// <summary>The size, depth or node-count limit the file breaks, or null for a content mistake.</summary>
    public string? Limit => FileLimit.NameOf(Reason);

    public override string ToString() => $"{Line} {Field}: {Text("en")}";
}
