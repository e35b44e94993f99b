using Dtx.Campaign.Scoring.IndexSets;

namespace Dtx.Campaign.Scoring.Scoring;

/// <summary>Why a node scored less than its maximum, in words a unit can act on.</summary>
public static class ShortfallReason
{
    public const string NotAnswered = "not-answered";
    public const string NoEvidence = "no-evidence";
    public const string AnsweredNo = "answered-no";
    public const string BelowTarget = "below-target";
    public const string BelowFirstTier = "below-first-tier";
    public const string BelowTopTier = "below-top-tier";
    public const string BelowCap = "below-cap";
    public const string CouncilJudgement = "council-judgement";
    public const string ChildrenShort = "children-short";
    /// <summary>The council set fewer points than the answer scores; its note says why.</summary>
    public const string CouncilAdjusted = "council-adjusted";
}

/// <summary>A node's score. Non-applicable nodes carry 0 of 0 and are left out of every total.</summary>
public sealed record NodeScore(
    string Code,
    bool Applicable,
    decimal Points,
    decimal MaxPoints,
    string? Reason,
    IReadOnlyList<NodeScore> Children)
{
    public decimal Percentage => MaxPoints == 0 ? 0 : ScoringEngine.Round(100m * Points / MaxPoints);
}

/// <summary>A unit's whole score on an index set.</summary>
public sealed record UnitScore(
    IReadOnlyList<NodeScore> Groups,
    decimal Total,
    decimal ApplicableMax,
    decimal Bonus,
    decimal Percentage,
    RatingBand? Band)
{
    public IEnumerable<NodeScore> AllNodes() => Groups.SelectMany(Flatten);

    public NodeScore? Find(string code) => AllNodes().FirstOrDefault(n => n.Code == code);

    private static IEnumerable<NodeScore> Flatten(NodeScore node) => node.Children.SelectMany(Flatten).Prepend(node);
}
