namespace Dtx.Campaign.Scoring.Scoring;

/// <summary>A unit to rank: its percentage, then the tie-break values in the index set's order.</summary>
public sealed record RankingEntry(string UnitId, decimal Percentage, IReadOnlyList<decimal> TieBreakValues);

public sealed record RankedEntry(RankingEntry Entry, int Rank);

/// <summary>
/// Competition ranking within one category: higher percentage first; equal percentages are ordered by
/// the tie-break values; only entries equal on everything share a rank, and the next rank is skipped
/// (1, 2, 2, 4).
/// </summary>
public static class Ranking
{
    public static IReadOnlyList<RankedEntry> Rank(IEnumerable<RankingEntry> entries)
    {
        var ordered = entries.Order(Comparer).ThenBy(e => e.UnitId, StringComparer.Ordinal).ToList();
        var ranked = new List<RankedEntry>(ordered.Count);
        for (var i = 0; i < ordered.Count; i++)
        {
            var rank = i > 0 && Comparer.Compare(ordered[i], ordered[i - 1]) == 0 ? ranked[i - 1].Rank : i + 1;
            ranked.Add(new RankedEntry(ordered[i], rank));
        }
        return ranked;
    }

    // Orders best first.
    private static readonly Comparer<RankingEntry> Comparer = Comparer<RankingEntry>.Create((a, b) =>
    {
        var byPercentage = b.Percentage.CompareTo(a.Percentage);
        if (byPercentage != 0)
            return byPercentage;
        for (var i = 0; i < Math.Max(a.TieBreakValues.Count, b.TieBreakValues.Count); i++)
        {
            var byTieBreak = b.TieBreakValues.ElementAtOrDefault(i).CompareTo(a.TieBreakValues.ElementAtOrDefault(i));
            if (byTieBreak != 0)
                return byTieBreak;
        }
        return 0;
    });
}
