namespace Dtx.Campaign.Scoring.IndexSets;

/// <summary>
/// What a unit enters for one leaf. Which fields are used depends on the method:
/// yes-no → <see cref="Yes"/>; ratio → <see cref="Numerator"/>/<see cref="Denominator"/> or <see cref="Number"/> as a percentage;
/// tiers → <see cref="Number"/>; count → <see cref="Number"/> (a whole number); council → <see cref="Number"/> as points.
/// </summary>
public sealed record IndicatorInput(
    bool? Yes = null,
    decimal? Numerator = null,
    decimal? Denominator = null,
    decimal? Number = null,
    bool HasEvidence = false);

/// <summary>A claim under a bonus rule: how many approved items (models, certificates) the unit claims.</summary>
public sealed record BonusClaim(string RuleKey, int Count);

/// <summary>What the scoring engine needs to know of a unit: its category and flags.</summary>
public sealed record UnitProfile(string Category, IReadOnlySet<string> Flags);
