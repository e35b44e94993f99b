using Dtx.Campaign.Server.Campaigns;

namespace Dtx.Campaign.Server.Tests.Campaigns;

/// <summary>The dashboard's progress bars, without I/O: every unit in one segment, late and overdue told apart.</summary>
public sealed class ProgressChartTests
{
    private static readonly DateTimeOffset Deadline = new(2025, 11, 30, 10, 0, 0, TimeSpan.Zero);

    private static CampaignsApi.ProgressRow Row(string code, string category, ParticipantStatus status, bool overdue = false, bool late = false, bool extended = false) =>
        new(Guid.NewGuid(), code, code, category, status, 0, 10, 0, Deadline, extended, overdue, status == ParticipantStatus.Submitted ? Deadline : null, late);

    [Fact]
    public void Every_unit_is_counted_once_per_category_and_the_segments_fill_the_bar()
    {
        var chart = ProgressChart.Of([
            Row("A", "department", ParticipantStatus.Submitted),
            Row("B", "department", ParticipantStatus.Submitted, late: true),
            Row("C", "department", ParticipantStatus.InProgress, overdue: true),   // past its deadline: overdue, not "in progress"
            Row("D", "department", ParticipantStatus.InProgress, extended: true),
            Row("E", "department", ParticipantStatus.NotSubmitted, overdue: true),
            Row("F", "commune", ParticipantStatus.NotStarted),
            Row("G", "commune", ParticipantStatus.AwaitingApproval),
            Row("H", "commune", ParticipantStatus.ReturnedForClarification),
        ]);

        Assert.Equal(["commune", "department"], chart.Bars.Select(b => b.Category));
        var department = chart.Bars[1];
        Assert.Equal(5, department.Total);
        Assert.Equal([("submitted", 1), ("submitted-late", 1), ("in-progress", 1), ("overdue", 2)], department.Segments.Select(s => (s.Key, s.Count)));
        Assert.Equal(1, department.Extended);
        Assert.Equal(100m, department.Segments.Sum(s => s.Percent));
        // Drawn end to end: each segment starts where the one before ends, in SVG's invariant notation.
        Assert.Equal(["0%", "20%", "40%", "60%"], department.Segments.Select(s => s.X));
        Assert.Equal("40%", department.Segments[^1].Width);

        var commune = chart.Bars[0];
        Assert.Equal([("awaiting-approval", 1), ("returned-for-clarification", 1), ("not-started", 1)], commune.Segments.Select(s => (s.Key, s.Count)));
        Assert.Equal("33.33%", commune.Segments[0].Width);
    }

    [Fact]
    public void A_campaign_without_units_draws_no_bar() => Assert.Empty(ProgressChart.Of([]).Bars);
}
