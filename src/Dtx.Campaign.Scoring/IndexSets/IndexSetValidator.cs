using Dtx.Campaign.Scoring.Refusals;

namespace Dtx.Campaign.Scoring.IndexSets;

/// <summary>
/// Checks that an index set is coherent before anyone is assessed on it. Every problem names the
/// node (its code) and, when the set was read from a file, the line.
/// </summary>
public static class IndexSetValidator
{
    public static IReadOnlyList<IndexSetProblem> Validate(IndexSet set, UnitCategoryCatalog categories)
    {
        var problems = new List<IndexSetProblem>();
        void Problem(IndicatorNode? node, string field, Reason reason) => problems.Add(new IndexSetProblem(node?.SourceLine, field, reason));

        if (string.IsNullOrWhiteSpace(set.Key)) Problem(null, "key", Reason.Of("file.required"));
        if (set.Version < 1) Problem(null, "version", Reason.Of("index-set.version", ("version", set.Version)));
        var flags = categories.FlagsOf(set.Level);
        if (flags is null)
            Problem(null, "level", Reason.Of("index-set.unknown-level", ("level", set.Level), ("known", categories.Keys)));
        if (set.Groups.Count == 0) Problem(null, "groups", Reason.Of("index-set.no-groups"));

        var seen = new Dictionary<string, IndicatorNode>(StringComparer.Ordinal);
        foreach (var group in set.Groups)
            Check(group, parent: null);

        void Check(IndicatorNode node, IndicatorNode? parent)
        {
            var at = $"node {node.Code}";
            if (string.IsNullOrWhiteSpace(node.Code))
                Problem(node, "code", Reason.Of("file.empty-value"));
            else if (!seen.TryAdd(node.Code, node))
                Problem(node, $"{at}.code", Reason.Of("index-set.duplicate-code", ("code", node.Code), ("first", seen[node.Code].SourceLine?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?")));
            if (parent is not null && !node.Code.StartsWith(parent.Code + ".", StringComparison.Ordinal))
                Problem(node, $"{at}.code", Reason.Of("index-set.code-not-extending", ("code", node.Code), ("parent", parent.Code)));
            if (node.Scored && node.MaxPoints <= 0)
                Problem(node, $"{at}.max", Reason.Of("index-set.max-not-positive", ("max", node.MaxPoints)));
            if (!node.Scored && node.MaxPoints != 0)
                Problem(node, $"{at}.max", Reason.Of("index-set.unscored-max"));
            if (node.AppliesTo is { } applies && flags is not null && !flags.Contains(applies.RequiresFlag))
                Problem(node, $"{at}.applies-to.flag", flags.Count == 0
                    ? Reason.Of("index-set.level-without-flags", ("flag", applies.RequiresFlag), ("level", set.Level))
                    : Reason.Of("index-set.unknown-flag", ("flag", applies.RequiresFlag), ("level", set.Level), ("defined", flags)));

            if (node.IsLeaf)
            {
                if (node.Method is null)
                    Problem(node, $"{at}.method", Reason.Of("index-set.leaf-without-method"));
                else
                    CheckMethod(node, at);
                return;
            }
            if (node.Method is not null)
                Problem(node, $"{at}.method", Reason.Of("index-set.method-on-parent"));
            var childrenMax = node.Children.Where(c => c.Scored).Sum(c => c.MaxPoints);
            if (node.Scored && childrenMax != node.MaxPoints)
                Problem(node, $"{at}.max", Reason.Of("index-set.children-sum", ("sum", childrenMax), ("max", node.MaxPoints)));
            foreach (var child in node.Children)
                Check(child, node);
        }

        void CheckMethod(IndicatorNode node, string at)
        {
            switch (node.Method)
            {
                case RatioMethod ratio when ratio.Target is <= 0 or > 1:
                    Problem(node, $"{at}.method.target", Reason.Of("index-set.ratio-target", ("target", ratio.Target)));
                    break;
                case TiersMethod tiers:
                    if (tiers.Tiers.Count == 0)
                        Problem(node, $"{at}.method.tiers", Reason.Of("index-set.no-tiers"));
                    for (var i = 0; i < tiers.Tiers.Count; i++)
                    {
                        var tier = tiers.Tiers[i];
                        if (tier.Points > node.MaxPoints)
                            Problem(node, $"{at}.method.tiers[{i}].points", Reason.Of("index-set.tier-above-max", ("points", tier.Points), ("max", node.MaxPoints)));
                        if (tier.Points < 0)
                            Problem(node, $"{at}.method.tiers[{i}].points", Reason.Of("index-set.negative-points"));
                        if (i > 0 && tier.AtLeast <= tiers.Tiers[i - 1].AtLeast)
                            Problem(node, $"{at}.method.tiers[{i}].at-least", Reason.Of("index-set.tiers-increase", ("atLeast", tier.AtLeast), ("previous", tiers.Tiers[i - 1].AtLeast)));
                        if (i > 0 && tier.Points < tiers.Tiers[i - 1].Points)
                            Problem(node, $"{at}.method.tiers[{i}].points", Reason.Of("index-set.tier-points-decrease", ("points", tier.Points), ("previous", tiers.Tiers[i - 1].Points)));
                    }
                    break;
                case CountMethod count:
                    if (count.PointsPerItem <= 0)
                        Problem(node, $"{at}.method.per-item", Reason.Of("index-set.per-item", ("points", count.PointsPerItem)));
                    if (count.Cap > node.MaxPoints)
                        Problem(node, $"{at}.method.cap", Reason.Of("index-set.cap-above-max", ("cap", count.Cap), ("max", node.MaxPoints)));
                    break;
            }
        }

        CheckBands(set, problems);
        foreach (var duplicate in set.BonusRules.GroupBy(r => r.Key).Where(g => g.Count() > 1))
            problems.Add(new IndexSetProblem(null, $"bonus-rules.{duplicate.Key}", Reason.Of("index-set.duplicate-bonus")));
        foreach (var rule in set.BonusRules.Where(r => r.PointsPerItem <= 0))
            problems.Add(new IndexSetProblem(null, $"bonus-rules.{rule.Key}.points-per-item", Reason.Of("index-set.bonus-points")));
        foreach (var code in set.TieBreakGroups.Where(c => set.Groups.All(g => g.Code != c)))
            problems.Add(new IndexSetProblem(null, "tie-break", Reason.Of("index-set.tie-break-group", ("code", code))));
        return problems;
    }

    private static void CheckBands(IndexSet set, List<IndexSetProblem> problems)
    {
        if (set.RatingBands.Count == 0)
        {
            problems.Add(new IndexSetProblem(null, "rating-bands", Reason.Of("index-set.no-bands")));
            return;
        }
        var bands = set.RatingBands.OrderBy(b => b.FromPercent).ToList();
        foreach (var band in bands.Where(b => b.ToPercent <= b.FromPercent))
            problems.Add(new IndexSetProblem(null, $"rating-bands.{band.Key}", Reason.Of("index-set.band-range", ("to", band.ToPercent), ("from", band.FromPercent))));
        if (bands[0].FromPercent != 0)
            problems.Add(new IndexSetProblem(null, $"rating-bands.{bands[0].Key}.from", Reason.Of("index-set.band-start", ("from", bands[0].FromPercent))));
        if (bands[^1].ToPercent != 100)
            problems.Add(new IndexSetProblem(null, $"rating-bands.{bands[^1].Key}.to", Reason.Of("index-set.band-end", ("to", bands[^1].ToPercent))));
        for (var i = 1; i < bands.Count; i++)
        {
            var (previous, band) = (bands[i - 1], bands[i]);
            if (band.FromPercent < previous.ToPercent)
                problems.Add(new IndexSetProblem(null, $"rating-bands.{band.Key}.from", Reason.Of("index-set.band-overlap", ("band", previous.Key), ("from", previous.FromPercent), ("to", previous.ToPercent))));
            else if (band.FromPercent > previous.ToPercent)
                problems.Add(new IndexSetProblem(null, $"rating-bands.{band.Key}.from", Reason.Of("index-set.band-gap", ("band", previous.Key), ("from", previous.ToPercent), ("to", band.FromPercent))));
        }
    }
}
