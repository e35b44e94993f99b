using System.Text;
using System.Text.Json;

namespace Dtx.Campaign.Server.Results;

/// <summary>Names the units and figures in which a stored result document differs from a recomputed one, or a unit's row from the document.</summary>
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
            CompareUnits(found, key.UnitCode, s.Unit, r.Unit, ("stored", "recomputed"));
        }
        found.AddRange(recomputedUnits.Keys.Where(k => !storedUnits.ContainsKey(k)).Select(k => $"{k.UnitCode} ({k.Category}): in the recomputation only"));
        foreach (var (s, r) in stored.Categories.Join(recomputed.Categories, c => c.Category, c => c.Category, (s, r) => (s, r)))
            Compare(found, $"category {s.Category}", "average total", s.Aggregate.AverageTotal, r.Aggregate.AverageTotal, ("stored", "recomputed"));
        return Listed(found);
    }

    /// <summary>
    /// Each unit's row against the document's entry for the unit (byte for byte, then the figures that differ) and
    /// against its own checksum, by unit code; a unit of the document without a row and a row of no unit in it. A result
    /// set stored before the rows existed has none: nothing to compare (its units are read from the document).
    /// </summary>
    public static IReadOnlyList<string> OfRows(string storedJson, IReadOnlyList<UnitResultRow> rows)
    {
        if (rows.Count == 0)
            return [];
        var found = new List<string>();
        var entries = new Dictionary<Guid, (string Code, string Json)>();
        var readable = true;
        try
        {
            using var document = JsonDocument.Parse(storedJson);
            foreach (var category in document.RootElement.GetProperty("categories").EnumerateArray())
                foreach (var unit in category.GetProperty("units").EnumerateArray())
                    entries[unit.GetProperty("unitId").GetGuid()] = (unit.GetProperty("unitCode").GetString() ?? "", unit.GetRawText());
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            found.Add($"the unit rows cannot be compared with the stored document, which is not a readable result document: {e.Message}");
            (readable, entries) = (false, []);
        }
        return OfRows(found, entries, readable, rows);
    }

    /// <summary>
    /// The rows against a document's units as <see cref="CanonicalJson.Print"/> printed them (in document order): the same
    /// comparison without parsing the stored text, for a stored document that hashes to the printed one.
    /// </summary>
    public static IReadOnlyList<string> OfRows(ResultDocument document, IReadOnlyList<byte[]> printedUnits, IReadOnlyList<UnitResultRow> rows)
    {
        if (rows.Count == 0)
            return [];
        var entries = document.Categories.SelectMany(c => c.Units).Zip(printedUnits)
            .ToDictionary(x => x.First.UnitId, x => (x.First.UnitCode, Encoding.UTF8.GetString(x.Second)));
        return OfRows([], entries, readable: true, rows);
    }

    private static IReadOnlyList<string> OfRows(List<string> found, Dictionary<Guid, (string Code, string Json)> entries, bool readable,
        IReadOnlyList<UnitResultRow> rows)
    {
        foreach (var row in rows)
        {
            var inDocument = entries.TryGetValue(row.UnitId, out var entry);
            // A row is parsed only to name or explain a difference: most rows are equal to their entry.
            var code = inDocument ? entry.Code : TryRead(row.Result)?.UnitCode ?? $"unit {row.UnitId}";
            var hash = CanonicalJson.Checksum(Encoding.UTF8.GetBytes(row.Result));
            if (hash != row.Checksum)
                found.Add($"{code}: its result row hashes to {hash}, not its checksum {row.Checksum}");
            if (!inDocument)
            {
                if (readable)
                    found.Add($"{code}: a result row of a unit that the document does not have");
                continue;
            }
            if (string.Equals(row.Result, entry.Json, StringComparison.Ordinal))
                continue;
            found.Add($"{code}: its result row differs from the document's entry for the unit");
            if (TryRead(row.Result) is { } fromRow && TryRead(entry.Json) is { } documented)
                CompareUnits(found, code, fromRow, documented, ("row", "document"));
        }
        var withRows = rows.Select(r => r.UnitId).ToHashSet();
        found.AddRange(entries.Where(e => !withRows.Contains(e.Key)).Select(e => $"{e.Value.Code}: no result row"));
        return Listed(found);
    }

    private static UnitResult? TryRead(string json)
    {
        try
        {
            return CanonicalJson.ReadUnit(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static void CompareUnits(List<string> found, string unitCode, UnitResult a, UnitResult b, (string A, string B) names)
    {
        Compare(found, unitCode, "status", a.Status, b.Status, names);
        Compare(found, unitCode, "total", a.Total, b.Total, names);
        Compare(found, unitCode, "bonus", a.Bonus, b.Bonus, names);
        Compare(found, unitCode, "percentage", a.Percentage, b.Percentage, names);
        Compare(found, unitCode, "rank", a.Rank, b.Rank, names);
        Compare(found, unitCode, "band", a.Band, b.Band, names);
        var indicators = b.Indicators.ToDictionary(i => i.Code, StringComparer.Ordinal);
        foreach (var indicator in a.Indicators)
            Compare(found, unitCode, $"indicator {indicator.Code} points", indicator.Points, indicators.GetValueOrDefault(indicator.Code)?.Points, names);
    }

    private static IReadOnlyList<string> Listed(List<string> found) =>
        found.Count > MaxListed ? [.. found.Take(MaxListed), $"… and {found.Count - MaxListed} more"] : found;

    private static void Compare<T>(List<string> found, string unit, string figure, T a, T b, (string A, string B) names)
    {
        if (!EqualityComparer<T>.Default.Equals(a, b))
            found.Add($"{unit} {figure}: {names.A} {Show(a)}, {names.B} {Show(b)}");
    }

    // As the document writes a figure (no trailing zeros: a recomputed 80.0 is the stored 80), in the console's invariant
    // culture whatever the thread's.
    private static string Show(object? value) => value switch
    {
        null => "none",
        decimal d => d.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "none",
    };
}
