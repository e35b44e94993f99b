using Dtx.Campaign.Scoring.IndexSets;
using Dtx.Campaign.Scoring.Scoring;
using Dtx.Campaign.Server.Units;

namespace Dtx.Campaign.Server.Results;

/// <summary>What one unit brings to the results: its answers and the council's and disputes' judgements.</summary>
internal sealed record ResultInputs(
    Guid UnitId,
    string UnitCode,
    string UnitName,
    string Category,
    IReadOnlySet<string> Flags,
    IndexSet IndexSet,
    string Status,
    string? ExclusionReason,
    IReadOnlyDictionary<string, IndicatorInput> Answers,
    IReadOnlyDictionary<string, decimal> SelfPoints,
    IReadOnlyDictionary<string, (decimal Points, string? Note)> Verified,
    IReadOnlyDictionary<string, (decimal Points, string? Note)> AfterDispute,
    IReadOnlyDictionary<string, int> BonusClaimed)
{
    /// <summary>The units this one came from (merge, split, rename), for a year-over-year change when it did not exist last year.</summary>
    public IReadOnlyList<PredecessorLink> Predecessors { get; init; } = [];
}

internal sealed record PredecessorLink(Guid UnitId, decimal Share, long? Population);

/// <summary>
/// Turns every unit's inputs into the campaign's results: scores, ranks within each category, the
/// category aggregates, year-over-year changes and strengths and weaknesses. Pure and ordered, so the
/// same inputs always give the same document.
/// </summary>
internal static class ResultCalculator
{
    public const string Assessed = "assessed";
    public const string NotSubmitted = "not-submitted";
    public const string Excluded = "excluded";

    public static ResultDocument Compute(Guid campaignId, int year, string campaignName, string kind, IReadOnlyList<ResultInputs> units,
        ResultDocument? previous)
    {
        var previousByUnit = previous?.Categories.SelectMany(c => c.Units).ToDictionary(u => u.UnitId) ?? [];
        var categories = units.GroupBy(u => u.Category, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => Category(g.Key, g.ToList(), previous?.Year, previousByUnit)).ToList();
        return new ResultDocument(campaignId, year, campaignName, kind, categories);
    }

    private sealed record Scored(ResultInputs Inputs, UnitScore Score, IReadOnlyList<IndicatorResult> Indicators, IReadOnlyList<BonusResult> Bonus);

    private static CategoryResult Category(string category, List<ResultInputs> units, int? previousYear, Dictionary<Guid, UnitResult> previous)
    {
        var set = units[0].IndexSet;
        // Scoring a unit is pure and independent of the others: spread over the cores, kept in order.
        var scored = units.AsParallel().AsOrdered().Select(Score).ToList();
        var ranked = scored.Where(s => s.Inputs.Status != Excluded).ToList();
        var ranks = Ranking.Rank(ranked.Select(s => new RankingEntry(s.Inputs.UnitId.ToString(), s.Score.Percentage,
                set.TieBreakGroups.Select(code => s.Score.Groups.FirstOrDefault(g => g.Code == code)?.Points ?? 0).ToList())))
            .ToDictionary(r => Guid.Parse(r.Entry.UnitId), r => r.Rank);

        // Averages are over the units that were assessed: a unit that did not submit would pull every average down.
        var assessed = scored.Where(s => s.Inputs.Status == Assessed).ToList();
        // The category's average percentage per group, the reference for strengths and weaknesses.
        var groupAverages = set.Groups.ToDictionary(g => g.Code, g =>
        {
            var values = assessed.Select(s => s.Score.Groups.First(x => x.Code == g.Code)).Where(x => x.MaxPoints > 0).Select(x => x.Percentage).ToList();
            return values.Count == 0 ? (decimal?)null : ScoringEngine.Round(values.Average());
        });

        var results = scored.AsParallel().AsOrdered().Select(s =>
        {
            var groups = s.Score.Groups.Where(g => g.MaxPoints > 0).Select(g =>
            {
                var node = set.Groups.First(x => x.Code == g.Code);
                return new GroupResult(g.Code, node.Name.Vi, node.Name.En, g.Points, g.MaxPoints, g.Percentage);
            }).ToList();
            var versusAverage = groups.Where(g => groupAverages[g.Code] is not null)
                .Select(g => new GroupDelta(g.Code, ScoringEngine.Round(g.Percentage - groupAverages[g.Code]!.Value))).ToList();
            var excluded = s.Inputs.Status == Excluded;
            int? rank = ranks.TryGetValue(s.Inputs.UnitId, out var r) ? r : null;
            return new UnitResult(s.Inputs.UnitId, s.Inputs.UnitCode, s.Inputs.UnitName, s.Inputs.Status, s.Inputs.ExclusionReason, rank,
                s.Score.Total, s.Score.Bonus, s.Score.ApplicableMax, s.Score.Percentage, s.Score.Band?.Key, groups, s.Indicators, s.Bonus,
                excluded ? null : Compare(previousYear, LastYear(s.Inputs, previous), s.Score.Percentage, rank, groups),
                excluded ? [] : versusAverage.Where(d => d.Change > 0).OrderByDescending(d => d.Change).ThenBy(d => d.Code, StringComparer.Ordinal).Take(2).ToList(),
                excluded ? [] : versusAverage.Where(d => d.Change < 0).OrderBy(d => d.Change).ThenBy(d => d.Code, StringComparer.Ordinal).Take(2).ToList());
        }).OrderBy(u => u.Rank ?? int.MaxValue).ThenBy(u => u.UnitCode, StringComparer.Ordinal).ToList();

        return new CategoryResult(category, set.Key, set.Version, set.MaxPoints, Aggregate(set, units.Count, assessed), results);
    }

    private static Scored Score(ResultInputs u)
    {
        var set = u.IndexSet;
        var judged = new Dictionary<string, decimal>(StringComparer.Ordinal);
        foreach (var (code, verdict) in u.Verified)
            if (!Scoring.Participation.Participation.IsBonusEvidence(code))
                judged[code] = verdict.Points;
        foreach (var (code, outcome) in u.AfterDispute)
            judged[code] = outcome.Points;
        var bonus = set.BonusRules.Select(rule =>
        {
            var claimed = u.BonusClaimed.GetValueOrDefault(rule.Key);
            var accepted = u.Verified.TryGetValue(Scoring.Participation.Participation.BonusEvidenceCode(rule.Key), out var v) ? (int)v.Points : claimed;
            return (rule, claimed, accepted);
        }).Where(b => b.claimed > 0 || b.accepted > 0).ToList();
        var score = ScoringEngine.Score(set, new UnitProfile(u.Category, u.Flags), u.Answers,
            bonus.Select(b => new BonusClaim(b.rule.Key, b.accepted)).ToList(), judged);

        var indicators = score.AllNodes().Where(n => n.Children.Count == 0 && n.Applicable && n.MaxPoints > 0).Select(n =>
        {
            decimal? verified = u.Verified.TryGetValue(n.Code, out var v) ? v.Points : null;
            decimal? disputed = u.AfterDispute.TryGetValue(n.Code, out var d) ? d.Points : null;
            // The unit reads the latest word on the indicator: the dispute's answer, else the council's note.
            var note = disputed is not null ? d.Note : verified is not null ? v.Note : null;
            return new IndicatorResult(n.Code, n.MaxPoints, u.SelfPoints.GetValueOrDefault(n.Code), verified, disputed, n.Points, n.Reason, note);
        }).ToList();
        var bonusResults = bonus.Select(b => new BonusResult(b.rule.Key, b.claimed, b.accepted,
            ScoringEngine.Bonus(set, [new BonusClaim(b.rule.Key, b.accepted)]))).ToList();
        return new Scored(u, score, indicators, bonusResults);
    }

    private static CategoryAggregate Aggregate(IndexSet set, int units, List<Scored> ranked)
    {
        if (ranked.Count == 0)
            return new CategoryAggregate(units, 0, 0, set.MaxPoints, 0, 0, set.RatingBands.Select(b => new BandCount(b.Key, b.Name.Vi, b.Name.En, 0)).ToList());
        var percentages = ranked.Select(s => s.Score.Percentage).Order().ToList();
        var middle = percentages.Count / 2;
        var median = percentages.Count % 2 == 1 ? percentages[middle] : ScoringEngine.Round((percentages[middle - 1] + percentages[middle]) / 2);
        return new CategoryAggregate(units, ranked.Count,
            ScoringEngine.Round(ranked.Average(s => s.Score.Total + s.Score.Bonus)),
            ScoringEngine.Round(ranked.Average(s => s.Score.ApplicableMax)),
            ScoringEngine.Round(percentages.Average()), median,
            set.RatingBands.Select(b => new BandCount(b.Key, b.Name.Vi, b.Name.En, ranked.Count(s => s.Score.Band?.Key == b.Key))).ToList());
    }

    /// <summary>
    /// The unit's own result last year; else, when it came out of other units, their results combined by the
    /// lineage rule (one step back, over the predecessors that were assessed), marked with the rule and names.
    /// </summary>
    private static (UnitResult Result, CombinedPredecessors? Combined)? LastYear(ResultInputs unit, Dictionary<Guid, UnitResult> previous)
    {
        if (previous.TryGetValue(unit.UnitId, out var own))
            return (own, null);
        var sources = unit.Predecessors.Select(p => (Link: p, Result: previous.GetValueOrDefault(p.UnitId)))
            .Where(x => x.Result is { Status: Assessed }).OrderBy(x => x.Result!.UnitCode, StringComparer.Ordinal).ToList();
        if (sources.Count == 0)
            return null;
        var combined = Lineage.Combine(sources.Select(x => new Lineage.Source(x.Result!.UnitCode, x.Result.UnitName, x.Result.Percentage,
            x.Result.Groups.ToDictionary(g => g.Code, g => g.Percentage, StringComparer.Ordinal), x.Link.Share, x.Link.Population)).ToList(), ScoringEngine.Round);
        var (vi, en) = Lineage.Marker(combined.Rule, sources.Select(x => x.Result!.UnitName));
        // A combined result has no rank of its own: rank change is left empty.
        var result = new UnitResult(unit.UnitId, unit.UnitCode, unit.UnitName, Assessed, null, null, 0, 0, 0, combined.Percentage, null,
            combined.Groups.Select(g => new GroupResult(g.Key, "", "", 0, 0, g.Value)).ToList(), [], [], null, [], []);
        return (result, new CombinedPredecessors(combined.Rule,
            sources.Select(x => new PredecessorFigure(x.Result!.UnitCode, x.Result.UnitName, x.Result.Percentage, x.Link.Share, x.Link.Population)).ToList(), vi, en));
    }

    private static YearOverYear? Compare(int? previousYear, (UnitResult Result, CombinedPredecessors? Combined)? lastYear, decimal percentage, int? rank, IReadOnlyList<GroupResult> groups)
    {
        var last = lastYear?.Result;
        if (previousYear is null || last is null || last.Status == Excluded)
            return null;
        // Groups are compared by code, so a changed index-set version still compares what it shares.
        var lastGroups = last.Groups.ToDictionary(g => g.Code, StringComparer.Ordinal);
        var deltas = groups.Where(g => lastGroups.ContainsKey(g.Code))
            .Select(g => new GroupDelta(g.Code, ScoringEngine.Round(g.Percentage - lastGroups[g.Code].Percentage))).ToList();
        return new YearOverYear(previousYear.Value, last.Percentage, last.Rank, ScoringEngine.Round(percentage - last.Percentage),
            rank is not null && last.Rank is not null ? last.Rank - rank : null, deltas) { CombinedFrom = lastYear!.Value.Combined };
    }
}
