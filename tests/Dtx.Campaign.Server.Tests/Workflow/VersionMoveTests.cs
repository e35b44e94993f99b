using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dtx.Campaign.Server.Tests.Infrastructure;

namespace Dtx.Campaign.Server.Tests.Workflow;

/// <summary>
/// A campaign launched when annual-campaign v3 was the newest moves to v4 during verification, through the API: the
/// chair then hears of the council's deadline on the campaign's days and hours (v3 had one reminder, 2 days before).
/// Refused moves say why, in Vietnamese, and change nothing.
/// </summary>
public abstract class VersionMoveTests(CampaignApp app)
{
    private HttpClient admin = null!;

    private async Task AtAsync(int month, int day, int hour)
    {
        app.Clock.SetUtcNow(new DateTimeOffset(2025, month, day, hour, 0, 0, TimeSpan.FromHours(7)).ToUniversalTime());
        await app.FireDueTimersAsync();
        admin = await app.LoginAsAdminAsync();
    }

    private async Task<Guid> LaunchedOnV3Async()
    {
        var set = await TestIndexSets.UploadAsync(admin, WholeCampaignTests.Set($"move-{Guid.NewGuid():N}"[..20]));
        var campaignId = await TestCampaigns.CreateAsync(admin, new() { ["department"] = set }, launch: false);
        await TestCampaigns.LaunchOnVersionAsync(app, campaignId, 3);
        return campaignId;
    }

    private async Task<JsonElement> WorkflowAsync(Guid campaign) => await admin.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaign}/workflow");

    [Fact]
    public async Task A_campaign_on_v3_moves_to_v4_during_verification_and_the_chair_is_then_reminded_on_the_campaigns_schedule()
    {
        await AtAsync(10, 1, 9);
        await app.ImportHanoiUnitsAsync(admin);
        var campaign = await LaunchedOnV3Async();
        await AtAsync(12, 1, 9);
        Assert.Equal("council-verification", (await WorkflowAsync(campaign)).GetProperty("stage").GetString());
        Assert.Equal(3, (await WorkflowAsync(campaign)).GetProperty("version").GetInt32());
        var url = $"/api/campaigns/{campaign}/workflow/version";

        // Refused: an older version, no reason, and anyone but an administrator; nothing changes.
        var older = await admin.PostAsJsonAsync(url, new { version = 2, reason = "thử" });
        Assert.Equal(HttpStatusCode.BadRequest, older.StatusCode);
        Assert.Contains("không có phiên bản mới hơn v2 để chuyển tới (quy trình đang chạy v3; có thể chuyển tới: v4)", await older.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var noReason = await admin.PostAsJsonAsync(url, new { version = 4 });
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Contains("hãy ghi lý do chuyển phiên bản", await noReason.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await app.CreateUserAsync(TestCampaigns.ChairEmail, "Chair-Password-1");
        var chair = await app.LoginAsync(TestCampaigns.ChairEmail, "Chair-Password-1");
        Assert.Equal(HttpStatusCode.Forbidden, (await chair.PostAsJsonAsync(url, new { version = 4, reason = "thử" })).StatusCode);
        Assert.Equal(3, (await WorkflowAsync(campaign)).GetProperty("version").GetInt32());

        var moved = await admin.PostAsJsonAsync(url, new { version = 4, reason = "Nhắc Hội đồng theo lịch nhắc của đợt" });
        Assert.True(moved.IsSuccessStatusCode, await moved.Content.ReadAsStringAsync());
        var body = await moved.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((3, 4, "council-verification", 2), (body.GetProperty("from").GetInt32(), body.GetProperty("to").GetInt32(),
            body.GetProperty("stage").GetString(), body.GetProperty("timersArmed").GetInt32()));
        var state = await WorkflowAsync(campaign);
        Assert.Equal(4, state.GetProperty("version").GetInt32());
        Assert.Contains(state.GetProperty("journal").EnumerateArray(), j => j.GetProperty("outcome").GetString() == "moved"
            && j.GetProperty("detail").GetString() == "annual-campaign v3 → v4 by admin@test.local: Nhắc Hội đồng theo lịch nhắc của đợt");
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PostAsJsonAsync(url, new { version = 4, reason = "lần nữa" })).StatusCode);

        // 7, 3 and 1 days before 15 Dec 17:00 at 08:00 and 2 hours before; v3's one reminder (13 Dec) is gone with v3.
        foreach (var (day, hour) in new[] { (8, 9), (12, 9), (13, 9), (14, 9), (15, 16) })
            await AtAsync(12, day, hour);
        await app.DeliverMailAsync();
        var reminders = app.Smtp!.Messages().Where(m => m.Subject?.Contains("nhắc hạn hoàn thành việc thẩm định", StringComparison.Ordinal) == true).ToList();
        // To each member of the council (its chair and secretary).
        Assert.Equal([(TestCampaigns.ChairEmail, 4), ("secretary@demo.hanoi.invalid", 4)],
            reminders.GroupBy(m => m.To.Mailboxes.Single().Address).Select(g => (g.Key, g.Count())).OrderBy(g => g.Key, StringComparer.Ordinal));
        Assert.All(reminders, m => Assert.Contains("Hạn cuối: 17:00 ngày 15/12/2025 (giờ Việt Nam).", m.TextBody, StringComparison.Ordinal));
    }
}

public sealed class VersionMoveTests_Postgres(PostgresMailApp app) : VersionMoveTests(app), IClassFixture<PostgresMailApp>;

public sealed class VersionMoveTests_Sqlite(SqliteMailApp app) : VersionMoveTests(app), IClassFixture<SqliteMailApp>;
