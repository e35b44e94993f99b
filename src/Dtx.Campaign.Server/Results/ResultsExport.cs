using System.Globalization;
using System.Text;
using CsvHelper;
using Dtx.Campaign.Server.Imports;
using MiniExcelLibs;

namespace Dtx.Campaign.Server.Results;

/// <summary>Results as CSV (the ranking) and Excel (ranking, groups, indicators, aggregates), each carrying the result set's checksum.</summary>
internal static class ResultsExport
{
    public static byte[] Csv(ResultDocument document, string checksum)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = new CsvWriter(text, CultureInfo.InvariantCulture))
        {
            csv.WriteRecords(RankingRows(document, checksum));
        }
        // A BOM so that Excel opens the Vietnamese names as UTF-8.
        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    public static byte[] Excel(ResultDocument document, string checksum)
    {
        var units = document.Categories.SelectMany(c => c.Units.Select(u => (c.Category, Unit: u))).ToList();
        var sheets = new Dictionary<string, object>
        {
            ["ranking"] = RankingRows(document, checksum),
            ["groups"] = units.SelectMany(x => x.Unit.Groups.Select(g => new Dictionary<string, object?>
            {
                ["category"] = x.Category, ["unit_code"] = Safe(x.Unit.UnitCode), ["group"] = g.Code, ["name_vi"] = Safe(g.NameVi),
                ["points"] = g.Points, ["max"] = g.Max, ["percentage"] = g.Percentage,
            })).ToList(),
            ["indicators"] = units.SelectMany(x => x.Unit.Indicators.Select(i => new Dictionary<string, object?>
            {
                ["category"] = x.Category, ["unit_code"] = Safe(x.Unit.UnitCode), ["indicator"] = i.Code, ["max"] = i.Max, ["self"] = i.SelfPoints,
                ["verified"] = i.VerifiedPoints, ["after_dispute"] = i.DisputePoints, ["points"] = i.Points, ["note"] = Safe(i.Note),
            })).ToList(),
            ["aggregates"] = document.Categories.Select(c => new Dictionary<string, object?>
            {
                ["category"] = c.Category, ["index_set"] = $"{c.IndexSetKey} v{c.IndexSetVersion}", ["units"] = c.Aggregate.Units, ["assessed"] = c.Aggregate.Assessed,
                ["average_total"] = c.Aggregate.AverageTotal, ["average_max"] = c.Aggregate.AverageMax, ["average_percentage"] = c.Aggregate.AveragePercentage,
                ["median_percentage"] = c.Aggregate.MedianPercentage,
                ["bands"] = string.Join("; ", c.Aggregate.Bands.Select(b => $"{b.Key}: {b.Count}")),
            }).ToList(),
            ["checksum"] = new[] { new Dictionary<string, object?> { ["campaign"] = Safe(document.CampaignName), ["kind"] = document.Kind, ["sha256"] = checksum } },
        };
        using var stream = new MemoryStream();
        stream.SaveAs(sheets);
        return stream.ToArray();
    }

    // Names come from imported files and people: never let a spreadsheet run them as formulas.
    private static string? Safe(string? text) => SpreadsheetText.Safe(text);

    private sealed record RankingRow(string Category, int? Rank, string UnitCode, string UnitName, string Status, decimal Total, decimal Bonus,
        decimal ApplicableMax, decimal Percentage, string? Band, decimal? PercentageChange, int? RankChange, string Checksum, string? ComparedWith);

    private static List<RankingRow> RankingRows(ResultDocument document, string checksum) =>
        document.Categories.SelectMany(c => c.Units.Select(u => new RankingRow(c.Category, u.Rank, Safe(u.UnitCode)!, Safe(u.UnitName)!, u.Status, u.Total, u.Bonus,
            u.ApplicableMax, u.Percentage, Safe(u.Band), u.Previous?.PercentageChange, u.Previous?.RankChange, checksum,
            // A merged or split unit's change is against its predecessors combined: the row says so.
            Safe(u.Previous?.CombinedFrom?.NoteVi)))).ToList();
}
