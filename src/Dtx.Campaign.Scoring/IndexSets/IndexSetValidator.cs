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
        void Problem(IndicatorNode? node, string field, string message) => problems.Add(new IndexSetProblem(node?.SourceLine, field, message));

        if (string.IsNullOrWhiteSpace(set.Key)) Problem(null, "key", "is required");
        if (set.Version < 1) Problem(null, "version", $"must be 1 or more (got {set.Version})");
        var flags = categories.FlagsOf(set.Level);
        if (flags is null)
            Problem(null, "level", $"unknown unit category '{set.Level}' (known: {string.Join(", ", categories.Keys)})");
        if (set.Groups.Count == 0) Problem(null, "groups", "an index set needs at least one group");

        var seen = new Dictionary<string, IndicatorNode>(StringComparer.Ordinal);
        foreach (var group in set.Groups)
            Check(group, parent: null);

        void Check(IndicatorNode node, IndicatorNode? parent)
        {
            var at = $"node {node.Code}";
            if (string.IsNullOrWhiteSpace(node.Code))
                Problem(node, "code", "is empty");
            else if (!seen.TryAdd(node.Code, node))
                Problem(node, $"{at}.code", $"duplicate code '{node.Code}' (first at line {seen[node.Code].SourceLine?.ToString() ?? "?"})");
            if (parent is not null && !node.Code.StartsWith(parent.Code + ".", StringComparison.Ordinal))
                Problem(node, $"{at}.code", $"'{node.Code}' is under '{parent.Code}' but does not extend its code (expected '{parent.Code}.…')");
            if (node.Scored && node.MaxPoints <= 0)
                Problem(node, $"{at}.max", $"a scored node needs a maximum above 0 (got {node.MaxPoints})");
            if (!node.Scored && node.MaxPoints != 0)
                Problem(node, $"{at}.max", "a node that is assessed but not scored must have a maximum of 0");
            if (node.AppliesTo is { } applies && flags is not null && !flags.Contains(applies.RequiresFlag))
                Problem(node, $"{at}.applies-to.flag", $"flag '{applies.RequiresFlag}' is not defined for '{set.Level}' units (defined: {(flags.Count == 0 ? "none" : string.Join(", ", flags))})");

            if (node.IsLeaf)
            {
                if (node.Method is null)
                    Problem(node, $"{at}.method", "a leaf indicator needs a scoring method (yes-no, ratio, tiers, count or council)");
                else
                    CheckMethod(node, at);
                return;
            }
            if (node.Method is not null)
                Problem(node, $"{at}.method", "only leaf indicators have a scoring method; this node has children");
            var childrenMax = node.Children.Where(c => c.Scored).Sum(c => c.MaxPoints);
            if (node.Scored && childrenMax != node.MaxPoints)
                Problem(node, $"{at}.max", $"the children's maxima add up to {childrenMax}, not {node.MaxPoints}");
            foreach (var child in node.Children)
                Check(child, node);
        }

        void CheckMethod(IndicatorNode node, string at)
        {
            switch (node.Method)
            {
                case RatioMethod ratio when ratio.Target is <= 0 or > 1:
                    Problem(node, $"{at}.method.target", $"a ratio target must be above 0 and at most 1 (got {ratio.Target})");
                    break;
                case TiersMethod tiers:
                    if (tiers.Tiers.Count == 0)
                        Problem(node, $"{at}.method.tiers", "a tiers method needs at least one tier");
                    for (var i = 0; i < tiers.Tiers.Count; i++)
                    {
                        var tier = tiers.Tiers[i];
                        if (tier.Points > node.MaxPoints)
                            Problem(node, $"{at}.method.tiers[{i}].points", $"{tier.Points} points exceed the indicator's maximum {node.MaxPoints}");
                        if (tier.Points < 0)
                            Problem(node, $"{at}.method.tiers[{i}].points", "must not be negative");
                        if (i > 0 && tier.AtLeast <= tiers.Tiers[i - 1].AtLeast)
                            Problem(node, $"{at}.method.tiers[{i}].at-least", $"thresholds must increase: {tier.AtLeast} follows {tiers.Tiers[i - 1].AtLeast}");
                        if (i > 0 && tier.Points < tiers.Tiers[i - 1].Points)
                            Problem(node, $"{at}.method.tiers[{i}].points", $"a higher threshold cannot give fewer points ({tier.Points} after {tiers.Tiers[i - 1].Points})");
                    }
                    break;
                case CountMethod count:
                    if (count.PointsPerItem <= 0)
                        Problem(node, $"{at}.method.per-item", $"points per item must be above 0 (got {count.PointsPerItem})");
                    if (count.Cap > node.MaxPoints)
                        Problem(node, $"{at}.method.cap", $"the cap {count.Cap} exceeds the indicator's maximum {node.MaxPoints}");
                    break;
            }
        }

        CheckBands(set, problems);
        foreach (var duplicate in set.BonusRules.GroupBy(r => r.Key).Where(g => g.Count() > 1))
            problems.Add(new IndexSetProblem(null, $"bonus-rules.{duplicate.Key}", "duplicate bonus rule key"));
        foreach (var rule in set.BonusRules.Where(r => r.PointsPerItem <= 0))
            problems.Add(new IndexSetProblem(null, $"bonus-rules.{rule.Key}.points-per-item", "must be above 0"));
        foreach (var code in set.TieBreakGroups.Where(c => set.Groups.All(g => g.Code != c)))
            problems.Add(new IndexSetProblem(null, "tie-break", $"'{code}' is not a group of this index set"));
        return problems;
    }

    private static void CheckBands(IndexSet set, List<IndexSetProblem> problems)
    {
        if (set.RatingBands.Count == 0)
        {
            problems.Add(new IndexSetProblem(null, "rating-bands", "at least one rating band is needed, covering 0 to 100"));
            return;
        }
        var bands = set.RatingBands.OrderBy(b => b.FromPercent).ToList();
        foreach (var band in bands.Where(b => b.ToPercent <= b.FromPercent))
            problems.Add(new IndexSetProblem(null, $"rating-bands.{band.Key}", $"'to' ({band.ToPercent}) must be above 'from' ({band.FromPercent})"));
        if (bands[0].FromPercent != 0)
            problems.Add(new IndexSetProblem(null, $"rating-bands.{bands[0].Key}.from", $"the lowest band must start at 0 (starts at {bands[0].FromPercent})"));
        if (bands[^1].ToPercent != 100)
            problems.Add(new IndexSetProblem(null, $"rating-bands.{bands[^1].Key}.to", $"the highest band must end at 100 (ends at {bands[^1].ToPercent})"));
        for (var i = 1; i < bands.Count; i++)
        {
            var (previous, band) = (bands[i - 1], bands[i]);
            if (band.FromPercent < previous.ToPercent)
                problems.Add(new IndexSetProblem(null, $"rating-bands.{band.Key}.from", $"overlaps band '{previous.Key}' ({previous.FromPercent}–{previous.ToPercent})"));
            else if (band.FromPercent > previous.ToPercent)
                problems.Add(new IndexSetProblem(null, $"rating-bands.{band.Key}.from", $"leaves a gap after band '{previous.Key}': {previous.ToPercent} to {band.FromPercent} has no rating"));
        }
    }
}
