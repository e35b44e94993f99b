using Dtx.Campaign.Server.Campaigns;
using Dtx.Campaign.Server.Certificates;
using Dtx.Campaign.Server.Email;
using Dtx.Campaign.Server.Web.Shared;
using Dtx.Campaign.Workflows.Storage;

namespace Dtx.Campaign.Server.Tests.Web;

/// <summary>The small rules behind the pages, without I/O: typed certificate codes, stage windows, mail states.</summary>
public sealed class PageRulesTests
{
    [Theory]
    [InlineData("BK-HN-2025-0001", "BKHN20250001")]
    [InlineData(" bk-hn-2025-0001 ", "BKHN20250001")]
    [InlineData("bk hn 2025 0001", "BKHN20250001")]
    [InlineData("bkhn20250001", "BKHN20250001")]
    [InlineData("7kq4 m2zp", "7KQ4M2ZP")]
    [InlineData("–", "")]
    public void A_certificate_serial_or_code_is_compared_as_typed_without_case_spaces_or_dashes(string typed, string compact) =>
        Assert.Equal(compact, CertificateCheck.Compact(typed));

    private static readonly CampaignSchedule Schedule = new()
    {
        IndexPublicationAt = new DateTimeOffset(2026, 11, 1, 1, 0, 0, TimeSpan.Zero),
        SelfAssessmentOpensAt = new DateTimeOffset(2026, 11, 3, 1, 0, 0, TimeSpan.Zero),
        SelfAssessmentClosesAt = new DateTimeOffset(2026, 12, 12, 1, 0, 0, TimeSpan.Zero),
        VerificationEndsAt = new DateTimeOffset(2026, 12, 30, 1, 0, 0, TimeSpan.Zero),
    };

    [Fact]
    public void Verification_during_self_assessment_is_not_open_and_says_when_it_opens()
    {
        var window = StageWindow.For("self-assessment", "council-verification", Schedule);
        Assert.False(window.Open);
        Assert.True(window.Later);
        Assert.Equal("12/12/2026 08:00", Display.InZone(window.OpensAt!.Value, "Asia/Ho_Chi_Minh").ToString("dd/MM/yyyy HH:mm", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Verification_is_open_in_its_stage_and_over_after_it()
    {
        Assert.True(StageWindow.For("council-verification", "council-verification", Schedule).Open);
        var after = StageWindow.For("preliminary-results", "council-verification", Schedule);
        Assert.False(after.Open);
        Assert.False(after.Later);
        Assert.Null(after.OpensAt);
    }

    [Theory]
    [InlineData(OutboxStatus.Sent, 1, "delivered")]
    [InlineData(OutboxStatus.Pending, 0, "queued")]
    [InlineData(OutboxStatus.Pending, 2, "retrying")]
    [InlineData(OutboxStatus.Failed, 8, "failed")]
    public void A_mail_is_delivered_queued_retrying_or_failed(OutboxStatus status, int attempts, string state) =>
        Assert.Equal(state, MailLog.StateOf(status, attempts));

    [Fact]
    public void A_notice_is_named_by_its_template_without_its_audience() =>
        Assert.Equal("index-publication", MailLog.NoticeOf("index-publication (all-units)"));
}
