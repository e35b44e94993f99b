using System.Text.Json.Serialization;

namespace Dtx.Campaign.Scoring.IndexSets;

/// <summary>How a leaf turns a unit's input into points. The kind names are those used in files and APIs.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "kind")]
[JsonDerivedType(typeof(YesNoMethod), "yes-no")]
[JsonDerivedType(typeof(RatioMethod), "ratio")]
[JsonDerivedType(typeof(TiersMethod), "tiers")]
[JsonDerivedType(typeof(CountMethod), "count")]
[JsonDerivedType(typeof(CouncilJudgementMethod), "council")]
public abstract record ScoringMethod
{
    /// <summary>Every method's name, as files write them (and a refusal lists them).</summary>
    public static readonly IReadOnlyList<string> Kinds = ["yes-no", "ratio", "tiers", "count", "council"];

    /// <summary>The method's name in files and APIs; serialised as the <c>kind</c> discriminator, not as a property.</summary>
    [JsonIgnore]
    public string Kind => this switch
    {
        YesNoMethod => "yes-no",
        RatioMethod => "ratio",
        TiersMethod => "tiers",
        CountMethod => "count",
        CouncilJudgementMethod => "council",
        _ => throw new NotSupportedException(GetType().Name),
    };
}

/// <summary>Full points when the answer is yes (and evidence is attached when the node requires it), else 0.</summary>
public sealed record YesNoMethod : ScoringMethod;

/// <summary>points = max × min(value / target, 1), where value is numerator/denominator or a percentage / 100.</summary>
public sealed record RatioMethod(decimal Target = 1m) : ScoringMethod;

/// <summary>The points of the highest tier whose threshold the value reaches; 0 below the first tier.</summary>
public sealed record TiersMethod(IReadOnlyList<Tier> Tiers) : ScoringMethod;

public sealed record Tier(decimal AtLeast, decimal Points);

/// <summary>points = min(count × per item, cap), cap defaulting to the node's maximum.</summary>
public sealed record CountMethod(decimal PointsPerItem, decimal? Cap) : ScoringMethod;

/// <summary>The council enters 0..max; the unit's own entry is its proposal.</summary>
public sealed record CouncilJudgementMethod : ScoringMethod;
