using Dtx.Campaign.Scoring.IndexSets;
using Dtx.Campaign.Scoring.Refusals;

namespace Dtx.Campaign.Scoring.Scoring;

/// <summary>
/// Turns a unit's answers into points, per leaf, group and in total, with bonus points, the percentage
/// of the maximum that applies to the unit, and its rating band. Pure: the same inputs give the same
/// figures, to the last digit.
/// </summary>
public static class ScoringEngine
{
    /// <summary>Points and percentages are kept to two decimals, halves rounded away from zero (68,345 → 68,35).</summary>
    public static decimal Round(decimal value) => Math.Round(value, 2, MidpointRounding.AwayFromZero);

    public static bool AppliesTo(IndicatorNode node, UnitProfile unit) =>
        node.AppliesTo is null || unit.Flags.Contains(node.AppliesTo.RequiresFlag);

    /// <param name="set">The index set.</param>
    /// <param name="unit">Whom it is scored for (category and flags decide what applies).</param>
    /// <param name="inputs">The unit's answers by indicator code.</param>
    /// <param name="claims">Bonus items claimed (or accepted by the council).</param>
    /// <param name="judged">Points the council set for some leaves (verification, disputes): they replace what the answer scores.</param>
    public static UnitScore Score(IndexSet set, UnitProfile unit, IReadOnlyDictionary<string, IndicatorInput> inputs, IReadOnlyList<BonusClaim>? claims = null,
        IReadOnlyDictionary<string, decimal>? judged = null)
    {
        var groups = set.Groups.Select(g => ScoreNode(g, unit, inputs, judged, parentApplies: true)).ToList();
        var total = Round(groups.Sum(g => g.Points));
        var max = groups.Sum(g => g.MaxPoints);
        var bonus = Bonus(set, claims ?? []);
        var percentage = max == 0 ? 0 : Math.Min(100m, Round(100m * (total + bonus) / max));
        return new UnitScore(groups, total, max, bonus, percentage, BandOf(set, percentage));
    }

    /// <summary>The band whose range holds the percentage; the last band includes 100.</summary>
    public static RatingBand? BandOf(IndexSet set, decimal percentage) =>
        set.RatingBands.FirstOrDefault(b => percentage >= b.FromPercent && (percentage < b.ToPercent || (b.ToPercent == 100 && percentage == 100)));

    public static decimal Bonus(IndexSet set, IReadOnlyList<BonusClaim> claims)
    {
        var sum = 0m;
        foreach (var rule in set.BonusRules)
        {
            var count = claims.Where(c => c.RuleKey == rule.Key).Sum(c => Math.Max(0, c.Count));
            var points = count * rule.PointsPerItem;
            sum += rule.Cap is { } cap ? Math.Min(points, cap) : points;
        }
        return Round(set.BonusCap is { } setCap ? Math.Min(sum, setCap) : sum);
    }

    private static NodeScore ScoreNode(IndicatorNode node, UnitProfile unit, IReadOnlyDictionary<string, IndicatorInput> inputs,
        IReadOnlyDictionary<string, decimal>? judged, bool parentApplies)
    {
        var applies = parentApplies && AppliesTo(node, unit);
        if (node.IsLeaf)
        {
            if (!applies || !node.Scored)
                return new NodeScore(node.Code, applies, 0, 0, null, []);
            var (points, reason) = ScoreLeaf(node, inputs.GetValueOrDefault(node.Code));
            if (judged is not null && judged.TryGetValue(node.Code, out var set) && Round(Math.Clamp(set, 0, node.MaxPoints)) is var council && council != points)
                (points, reason) = (council, council < node.MaxPoints ? ShortfallReason.CouncilAdjusted : null);
            return new NodeScore(node.Code, true, points, node.MaxPoints, reason, []);
        }
        var children = node.Children.Select(c => ScoreNode(c, unit, inputs, judged, applies)).ToList();
        var sum = Round(children.Sum(c => c.Points));
        var max = children.Sum(c => c.MaxPoints);
        // A group applies when at least one of its indicators applies to the unit.
        return new NodeScore(node.Code, applies && children.Any(c => c.Applicable), sum, max, sum < max ? ShortfallReason.ChildrenShort : null, children);
    }

    /// <summary>One leaf's points for one input (none = not answered), and why it fell short of the maximum.</summary>
    public static (decimal Points, string? Reason) ScoreLeaf(IndicatorNode node, IndicatorInput? input)
    {
        if (node.Method is null)
            throw new ArgumentException($"Indicator {node.Code} has no scoring method.", nameof(node));
        if (input is null || IsEmpty(input))
            return (0, ShortfallReason.NotAnswered);
        var max = node.MaxPoints;
        var (raw, reason) = node.Method switch
        {
            YesNoMethod => input.Yes != true ? (0m, ShortfallReason.AnsweredNo)
                : node.EvidenceRequired && !input.HasEvidence ? (0m, ShortfallReason.NoEvidence)
                : (max, null),
            RatioMethod ratio => RatioValue(input) is { } value
                ? (max * Math.Min(value / ratio.Target, 1m), value >= ratio.Target ? null : ShortfallReason.BelowTarget)
                : (0m, ShortfallReason.NotAnswered),
            TiersMethod tiers => Tier(tiers, input.Number ?? 0),
            CountMethod count => Count(count, max, input.Number ?? 0),
            CouncilJudgementMethod => (Math.Clamp(input.Number ?? 0, 0, max), (input.Number ?? 0) < max ? ShortfallReason.CouncilJudgement : null),
            _ => throw new NotSupportedException(node.Method.GetType().Name),
        };
        var points = Round(Math.Clamp(raw, 0, max));
        return (points, points < max ? reason ?? ShortfallReason.BelowTarget : null);
    }

    private static bool IsEmpty(IndicatorInput i) => i.Yes is null && i.Numerator is null && i.Denominator is null && i.Number is null;

    /// <summary>The achieved share in [0, 1]: numerator ÷ denominator, or a percentage ÷ 100.</summary>
    private static decimal? RatioValue(IndicatorInput input) =>
        input is { Numerator: { } n, Denominator: { } d } && d > 0 ? Math.Clamp(n / d, 0, 1)
        : input.Number is { } percent ? Math.Clamp(percent / 100m, 0, 1)
        : null;

    private static (decimal, string?) Tier(TiersMethod method, decimal value)
    {
        var reached = method.Tiers.Where(t => value >= t.AtLeast).MaxBy(t => t.AtLeast);
        if (reached is null)
            return (0, ShortfallReason.BelowFirstTier);
        var top = method.Tiers.Max(t => t.Points);
        return (reached.Points, reached.Points < top ? ShortfallReason.BelowTopTier : null);
    }

    private static (decimal, string?) Count(CountMethod method, decimal max, decimal count)
    {
        var cap = Math.Min(method.Cap ?? max, max);
        var points = Math.Min(Math.Max(0, count) * method.PointsPerItem, cap);
        return (points, points < cap ? ShortfallReason.BelowCap : null);
    }

    /// <summary>
    /// What is wrong with an input for a leaf's method, as reasons in both languages for the person who typed it.
    /// Empty when the input is acceptable (an input with no value at all is a cleared answer).
    /// </summary>
    public static IReadOnlyList<Reason> ValidateInput(IndicatorNode node, IndicatorInput input)
    {
        var problems = new List<Reason>();
        void Unused(string field, object? value, string method)
        {
            if (value is not null) problems.Add(Reason.Of("input.unused", ("field", field), ("method", new Label("method." + method)), ("code", node.Code)));
        }
        void NotNegative(string field, decimal? value)
        {
            if (value < 0) problems.Add(Reason.Of("input.negative", ("field", field), ("got", value)));
        }

        switch (node.Method)
        {
            case YesNoMethod:
                Unused("numerator", input.Numerator, "yes-no"); Unused("denominator", input.Denominator, "yes-no"); Unused("number", input.Number, "yes-no");
                break;
            case RatioMethod:
                Unused("yes", input.Yes, "ratio");
                NotNegative("numerator", input.Numerator); NotNegative("denominator", input.Denominator); NotNegative("number", input.Number);
                if (input.Number is not null && (input.Numerator is not null || input.Denominator is not null))
                    problems.Add(Reason.Of("input.ratio-both"));
                else if (input.Numerator is null != input.Denominator is null)
                    problems.Add(Reason.Of("input.ratio-incomplete"));
                else if (input.Denominator == 0)
                    problems.Add(Reason.Of("input.denominator-zero"));
                else if (input.Numerator > input.Denominator)
                    problems.Add(Reason.Of("input.numerator-exceeds", ("numerator", input.Numerator), ("denominator", input.Denominator)));
                if (input.Number > 100)
                    problems.Add(Reason.Of("input.percentage-exceeds", ("got", input.Number)));
                break;
            case TiersMethod:
                Unused("yes", input.Yes, "tiers"); Unused("numerator", input.Numerator, "tiers"); Unused("denominator", input.Denominator, "tiers");
                NotNegative("number", input.Number);
                break;
            case CountMethod:
                Unused("yes", input.Yes, "count"); Unused("numerator", input.Numerator, "count"); Unused("denominator", input.Denominator, "count");
                NotNegative("number", input.Number);
                if (input.Number is { } n && n != decimal.Truncate(n))
                    problems.Add(Reason.Of("input.count-whole", ("got", n)));
                break;
            case CouncilJudgementMethod:
                Unused("yes", input.Yes, "council"); Unused("numerator", input.Numerator, "council"); Unused("denominator", input.Denominator, "council");
                NotNegative("number", input.Number);
                if (input.Number > node.MaxPoints)
                    problems.Add(Reason.Of("input.points-exceed-max", ("got", input.Number), ("max", node.MaxPoints)));
                break;
            default:
                problems.Add(Reason.Of("input.not-scored", ("code", node.Code)));
                break;
        }
        return problems;
    }
}
