namespace Dtx.Campaign.Scoring.IndexSets;

/// <summary>
/// A versioned index set (bộ chỉ số): a tree of groups → component indicators → optional sub-criteria.
/// Immutable once read; the database keeps its status (draft → published → superseded).
/// </summary>
public sealed record IndexSet
{
    /// <summary>Stable key shared by every version, e.g. <c>hanoi-city</c>.</summary>
    public required string Key { get; init; }
    public required int Version { get; init; }
    public required LocalizedText Name { get; init; }
    /// <summary>Legal basis, e.g. "Quyết định 920/QĐ-UBND ngày 20/02/2024".</summary>
    public required string LegalReference { get; init; }
    /// <summary>The unit category this set assesses (department, district, commune, province).</summary>
    public required string Level { get; init; }
    public required int EffectiveYear { get; init; }
    /// <summary>True for the project's sample sets whose component names are invented.</summary>
    public bool IsSample { get; init; }
    public required IReadOnlyList<IndicatorNode> Groups { get; init; }
    public IReadOnlyList<BonusRule> BonusRules { get; init; } = [];
    /// <summary>Optional cap on the sum of all bonus points.</summary>
    public decimal? BonusCap { get; init; }
    public required IReadOnlyList<RatingBand> RatingBands { get; init; }
    /// <summary>Group codes compared in order when two units have the same percentage.</summary>
    public IReadOnlyList<string> TieBreakGroups { get; init; } = [];

    public decimal MaxPoints => Groups.Sum(g => g.MaxPoints);

    /// <summary>Every node, depth first, parents before children.</summary>
    public IEnumerable<IndicatorNode> AllNodes() => Groups.SelectMany(g => g.SelfAndDescendants());

    /// <summary>The nodes a unit enters values for.</summary>
    public IEnumerable<IndicatorNode> Leaves() => AllNodes().Where(n => n.IsLeaf);
}

public sealed record LocalizedText(string Vi, string En)
{
    public string For(string language) => language.StartsWith("en", StringComparison.OrdinalIgnoreCase) ? En : Vi;
}

/// <summary>A group, a component indicator or a sub-criterion. Leaves carry a scoring method.</summary>
public sealed record IndicatorNode
{
    /// <summary>Dotted code, e.g. <c>1</c>, <c>1.2</c>, <c>1.2.a</c>.</summary>
    public required string Code { get; init; }
    public required LocalizedText Name { get; init; }
    public required decimal MaxPoints { get; init; }
    public ScoringMethod? Method { get; init; }
    public IReadOnlyList<IndicatorNode> Children { get; init; } = [];
    /// <summary>Null means: applies to every unit the set assesses.</summary>
    public Applicability? AppliesTo { get; init; }
    /// <summary>What the unit must attach, e.g. "số, ký hiệu, ngày, trích yếu quyết định".</summary>
    public string? EvidenceRequirement { get; init; }
    public bool EvidenceRequired { get; init; }
    public string? DataSource { get; init; }
    public string? VerifyingUnit { get; init; }
    /// <summary>Assessed but not scored (e.g. the national set's smart-city components, 0 points).</summary>
    public bool Scored { get; init; } = true;
    /// <summary>Line in the source file, for error messages; null when not read from a file.</summary>
    public int? SourceLine { get; init; }

    public bool IsLeaf => Children.Count == 0;

    public IEnumerable<IndicatorNode> SelfAndDescendants()
    {
        yield return this;
        foreach (var child in Children)
            foreach (var node in child.SelfAndDescendants())
                yield return node;
    }
}

/// <summary>Restricts a node to units with a flag, e.g. <c>digital-economy</c> for designated departments.</summary>
public sealed record Applicability(string RequiresFlag);

/// <summary>Bonus points, e.g. +5 per approved DT model/initiative/topic, optionally capped.</summary>
public sealed record BonusRule(string Key, LocalizedText Name, decimal PointsPerItem, decimal? Cap);

/// <summary>A rating band over percentages: <see cref="FromPercent"/> inclusive, <see cref="ToPercent"/>
/// exclusive except for the band that ends at 100.</summary>
public sealed record RatingBand(string Key, LocalizedText Name, decimal FromPercent, decimal ToPercent);
