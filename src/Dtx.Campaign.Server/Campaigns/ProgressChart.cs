using System.Globalization;
using Dtx.Campaign.Server.Hosting;

namespace Dtx.Campaign.Server.Campaigns;

/// <summary>
/// Where the units of a campaign stand, one bar per category: each unit in exactly one segment, so the segments add up
/// to the category's units. A unit past its deadline without submitting counts as overdue, not as "in progress"; a late
/// submission is told apart from one in time. Extensions cut across segments and are counted beside the bar.
/// </summary>
internal sealed record ProgressChart(IReadOnlyList<ProgressChart.Bar> Bars)
{
    /// <summary>The segments in the order they are drawn: done first, then waiting, then at risk.</summary>
    public static readonly IReadOnlyList<string> Order =
        ["submitted", "submitted-late", "awaiting-approval", "returned-for-clarification", "in-progress", "not-started", "overdue"];

    public sealed record Segment(string Key, int Count, decimal Percent, decimal Offset)
    {
        /// <summary>Position and length as SVG percentages ("12.5%"), whatever the page's culture.</summary>
        public string X => Svg(Offset);

        public string Width => Svg(Percent);

        private static string Svg(decimal value) => Math.Clamp(value, 0m, 100m).ToString("0.##", CultureInfo.InvariantCulture) + "%";
    }

    /// <summary>One category's units; only the segments that hold a unit.</summary>
    public sealed record Bar(string Category, int Total, IReadOnlyList<Segment> Segments, int Extended);

    /// <summary>The segment a unit's progress row falls in.</summary>
    public static string SegmentOf(CampaignsApi.ProgressRow row) => row.Status switch
    {
        ParticipantStatus.Submitted => row.Late ? "submitted-late" : "submitted",
        _ when row.Overdue => "overdue",
        var status => ApiNames.Of(status),
    };

    public static ProgressChart Of(IEnumerable<CampaignsApi.ProgressRow> rows) => new(
        [.. rows.GroupBy(r => r.Category, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(category =>
        {
            var total = category.Count();
            var counts = category.CountBy(SegmentOf).ToDictionary(StringComparer.Ordinal);
            var offset = 0m;
            var segments = new List<Segment>();
            foreach (var key in Order.Where(counts.ContainsKey))
            {
                var percent = 100m * counts[key] / total;
                segments.Add(new Segment(key, counts[key], percent, offset));
                offset += percent;
            }
            return new Bar(category.Key, total, segments, category.Count(r => r.Extended));
        })]);
}
