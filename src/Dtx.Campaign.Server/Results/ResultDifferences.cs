using System.Text.Json;

namespace Dtx.Campaign.Server.Results;

/// <summary>Names the units and figures in which a stored result document differs from a recomputed one.</summary>
internal static class ResultDifferences
{
    /// <summary>Enough to find the edit; a restore from the wrong day would otherwise print every unit.</summary>
    private const int MaxListed = 50;

    public static IReadOnlyList<string> Between(string storedJson, ResultDocument recomputed)
    {
        ResultDocument stored;
        try
        {
            stored = CanonicalJson.Read(storedJson);
        }
        catch (JsonException e)
        {
            return [$"the stored document is not a readable result document: {e.Message}"];
        }
        var found = new List<string>();
        var storedUnits = stored.Categories.SelectMany(c => c.Units.Select(u => (c.Category, Unit: u))).ToDictionary(x => (x.Category, x.Unit.UnitCode));
        var recomputedUnits = recomputed.Categories.SelectMany(c => c.Units.Select(u => (c.Category, Unit: u))).ToDictionary(x => (x.Category, x.Unit.UnitCode));
        foreach (var (key, s) in storedUnits)
        {
            if (!recomputedUnits.TryGetValue(key, out var r))
            {
                found.Add($"{key.UnitCode} ({key.Category}): in the stored document only");
                continue;
            }
            Compare(found, key.UnitCode, "status", s.Unit.Status, r.Unit.Status);
            Compare(found, key.UnitCode, "total", s.Unit.Total, r.Unit.Total);
            Compare(found, key.UnitCode, "bonus", s.Unit.Bonus, r.Unit.Bonus);
            Compare(found, key.UnitCode, "percentage", s.Unit.Percentage, r.Unit.Percentage);
            Compare(found, key.UnitCode, "rank", s.Unit.Rank, r.Unit.Rank);
            Compare(found, key.UnitCode, "band", s.Unit.Band, r.Unit.Band);
            var indicators = r.Unit.Indicators.ToDictionary(i => i.Code, StringComparer.Ordinal);
            foreach (var indicator in s.Unit.Indicators)
                Compare(found, key.UnitCode, $"indicator {indicator.Code} points", indicator.Points, indicators.GetValueOrDefault(indicator.Code)?.Points);
        }
        found.AddRange(recomputedUnits.Keys.Where(k => !storedUnits.ContainsKey(k)).Select(k => $"{k.UnitCode} ({k.Category}): in the recomputation only"));
        foreach (var (s, r) in stored.Categories.Join(recomputed.Categories, c => c.Category, c => c.Category, (s, r) => (s, r)))
            Compare(found, $"category {s.Category}", "average total", s.Aggregate.AverageTotal, r.Aggregate.AverageTotal);
        return found.Count > MaxListed ? [.. found.Take(MaxListed), $"… and {found.Count - MaxListed} more"] : found;
    }

    private static void Compare<T>(List<string> found, string unit, string figure, T stored, T recomputed)
    {
        if (!EqualityComparer<T>.Default.Equals(stored, recomputed))
            found.Add($"{unit} {figure}: stored {stored?.ToString() ?? "none"}, recomputed {recomputed?.ToString() ?? "none"}");
    }
}
