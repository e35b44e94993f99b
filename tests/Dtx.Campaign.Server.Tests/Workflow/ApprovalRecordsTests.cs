using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dtx.Campaign.Scoring.IndexSets;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Dtx.Campaign.Server.Verification;
using Dtx.Campaign.Server.Workflow;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dtx.Campaign.Server.Tests.Workflow;

/// <summary>
/// The chair's approvals record the checksum of what they approve; an approval on a snapshot that changed
/// since it was shown is refused, a change under a past approval makes it stale, and the next stage waits
/// for it to be approved again. Also: extensions for several units at once, all or none.
/// </summary>
public abstract class ApprovalFlow(CampaignApp app)
{
    protected CampaignApp App => app;

    protected const string Password = "Chair-Password-1";

    internal static IndexSet Departments(string key) => new()
    {
        Key = key, Version = 1, Name = new LocalizedText($"Bộ chỉ số {key}", $"Index set {key}"), LegalReference = "Quyết định thử nghiệm",
        Level = "department", EffectiveYear = 2025, IsSample = true,
        Groups = [.. new[] { ("1", "Nhận thức số", "Digital awareness"), ("2", "Hạ tầng số", "Digital infrastructure") }.Select(g => new IndicatorNode
        {
            Code = g.Item1, Name = new LocalizedText(g.Item2, g.Item3), MaxPoints = 50,
            Children = [new IndicatorNode { Code = $"{g.Item1}.1", Name = new LocalizedText($"Chỉ số {g.Item1}.1", $"Indicator {g.Item1}.1"), MaxPoints = 50, Method = new RatioMethod() }],
        })],
        RatingBands = [new RatingBand("weak", new LocalizedText("Yếu", "Weak"), 0, 50), new RatingBand("good", new LocalizedText("Tốt", "Good"), 50, 100)],
    };

    protected async Task<HttpClient> AtAsync(int month, int day, int hour)
    {
        app.Clock.SetUtcNow(new DateTimeOffset(2025, month, day, hour, 0, 0, TimeSpan.FromHours(7)).ToUniversalTime());
        await app.FireDueTimersAsync();
        return await app.LoginAsAdminAsync();
    }

    protected static async Task<JsonElement> OkAsync(Task<HttpResponseMessage> call)
    {
        var response = await call;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} → {(int)response.StatusCode}: {body}");
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement;
    }

    protected static async Task<string> RefusedAsync(Task<HttpResponseMessage> call, HttpStatusCode expected)
    {
        var response = await call;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        return body;
    }

    protected async Task<(Guid Campaign, Dictionary<string, Guid> Ids)> CampaignAsync(HttpClient admin, string[] units)
    {
        var all = (await admin.GetFromJsonAsync<JsonElement[]>("/api/units?authority=HN"))!
            .ToDictionary(u => u.GetProperty("code").GetString()!, u => u.GetProperty("id").GetGuid());
        var set = await TestIndexSets.UploadAsync(admin, Departments($"ar-{Guid.NewGuid():N}"[..16]));
        var created = await OkAsync(admin.PostAsJsonAsync("/api/campaigns", new
        {
            authority = "HN", year = 2025, nameVi = "Đánh giá chuyển đổi số năm 2025", nameEn = "Digital transformation assessment 2025",
            indexSets = new Dictionary<string, Guid> { ["department"] = set }, schedule = TestCampaigns.Schedule(), units = units.Select(u => all[u]).ToArray(),
            council = new[] { new { fullName = "Chủ tịch Hội đồng", email = TestCampaigns.ChairEmail, role = "chair" } },
        }));
        var campaign = created.GetProperty("id").GetGuid();
        await OkAsync(TestCampaigns.LaunchAsync(admin, campaign));
        return (campaign, await TestCampaigns.UnitsAsync(admin, campaign));
    }

}

public abstract class ApprovalRecordsTests(CampaignApp campaignApp) : ApprovalFlow(campaignApp)
{
    [Fact]
    public async Task An_approval_records_its_snapshot_a_stale_one_is_refused_and_a_later_change_asks_for_re_approval()
    {
        var admin = await AtAsync(10, 1, 9);
        await App.ImportHanoiUnitsAsync(admin);
        await App.CreateUserAsync(TestCampaigns.ChairEmail, Password);
        var (campaign, ids) = await CampaignAsync(admin, ["SNV", "STC"]);
        admin = await AtAsync(11, 3, 9);
        foreach (var unit in new[] { "SNV", "STC" })
        {
            var url = $"/api/campaigns/{campaign}/units/{ids[unit]}/self-assessment";
            foreach (var code in new[] { "1.1", "2.1" })
                await OkAsync(admin.PutAsJsonAsync($"{url}/answers/{code}", new { number = 80, version = 0 }));
            await OkAsync(admin.PostAsync($"{url}/submit", null));
        }
        await AtAsync(11, 30, 17);
        var chair = await App.LoginAsync(TestCampaigns.ChairEmail, Password);
        var verification = $"/api/campaigns/{campaign}/verification/units";
        var workflow = $"/api/campaigns/{campaign}/workflow";
        foreach (var unit in new[] { "SNV", "STC" })
            foreach (var code in new[] { "1.1", "2.1" })
                await OkAsync(chair.PutAsJsonAsync($"{verification}/{ids[unit]}/indicators/{code}", new { accept = true }));

        // The chair is shown the snapshot; then a member lowers STC 1.1 before the units are completed.
        var shown = await OkAsync(chair.GetAsync($"{workflow}/approval-records/council-verification/snapshot"));
        var seen = shown.GetProperty("checksum").GetString()!;
        Assert.Equal(4, shown.GetProperty("items").GetInt32());
        await OkAsync(chair.PutAsJsonAsync($"{verification}/{ids["STC"]}/indicators/1.1", new { accept = false, points = 30, note = "Thiếu văn bản chứng minh" }));
        foreach (var unit in new[] { "SNV", "STC" })
            await OkAsync(chair.PostAsync($"{verification}/{ids[unit]}/complete", null));

        var stale = await RefusedAsync(chair.PostAsJsonAsync($"{workflow}/approvals", new { stage = "council-verification", checksum = seen }), HttpStatusCode.Conflict);
        Assert.Contains(seen, stale, StringComparison.Ordinal);
        Assert.Contains("Số liệu của giai đoạn “Hội đồng thẩm định” đã thay đổi sau khi được xem", stale, StringComparison.Ordinal); // Vietnamese only
        Assert.DoesNotContain("is stale", stale, StringComparison.Ordinal);
        Assert.Equal("council-verification", (await OkAsync(chair.GetAsync(workflow))).GetProperty("stage").GetString());
        Assert.Equal(0, (await OkAsync(chair.GetAsync($"{workflow}/approval-records"))).GetArrayLength());

        var current = (await OkAsync(chair.GetAsync($"{workflow}/approval-records/council-verification/snapshot"))).GetProperty("checksum").GetString()!;
        Assert.NotEqual(seen, current);
        var approved = await OkAsync(chair.PostAsJsonAsync($"{workflow}/approvals", new { stage = "council-verification", checksum = current }));
        Assert.Equal(current, approved.GetProperty("checksum").GetString());
        var record = (await OkAsync(chair.GetAsync($"{workflow}/approval-records")))[0];
        Assert.Equal((current, false, 0), (record.GetProperty("checksum").GetString(), record.GetProperty("stale").GetBoolean(), record.GetProperty("changeCount").GetInt32()));

        // A correction under the approval (written to the store, as a restore or a fix by hand would): the approval goes stale.
        await using (var scope = App.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CampaignDbContext>();
            var participant = await db.Participants.SingleAsync(p => p.CampaignId == campaign && p.UnitId == ids["SNV"]);
            var verdict = await db.Set<IndicatorVerdict>().SingleAsync(v => v.ParticipantId == participant.Id && v.IndicatorCode == "2.1");
            verdict.Points = 35;
            verdict.Note = "Sửa sau phê duyệt";
            await db.SaveChangesAsync();
        }
        record = (await OkAsync(chair.GetAsync($"{workflow}/approval-records")))[0];
        Assert.True(record.GetProperty("stale").GetBoolean());
        Assert.Equal(1, record.GetProperty("changeCount").GetInt32());
        Assert.StartsWith("verdict SNV 2.1: 40|", record.GetProperty("changes")[0].GetString(), StringComparison.Ordinal);

        // The dispute stage cannot be approved on a stale verification approval; re-approving it lets it through.
        await AtAsync(12, 16, 9);
        await AtAsync(12, 23, 18);
        chair = await App.LoginAsync(TestCampaigns.ChairEmail, Password);
        var blocked = await RefusedAsync(chair.PostAsJsonAsync($"{workflow}/approvals", new { stage = "dispute-resolution" }), HttpStatusCode.Conflict);
        Assert.Contains("council-verification", blocked, StringComparison.Ordinal);
        Assert.Contains("verdict SNV 2.1", blocked, StringComparison.Ordinal);
        Assert.Contains("Phê duyệt giai đoạn “Hội đồng thẩm định” đã cũ: 1 thay đổi sau khi phê duyệt", blocked, StringComparison.Ordinal);
        Assert.Equal("dispute-resolution", (await OkAsync(chair.GetAsync(workflow))).GetProperty("stage").GetString());

        var renewed = await OkAsync(chair.PostAsJsonAsync($"{workflow}/approvals", new { stage = "council-verification" }));
        Assert.Equal("re-approved", renewed.GetProperty("result").GetString());
        await OkAsync(chair.PostAsJsonAsync($"{workflow}/approvals", new { stage = "dispute-resolution" }));
        var records = await OkAsync(chair.GetAsync($"{workflow}/approval-records"));
        Assert.Equal(new[] { "council-verification", "dispute-resolution" }, records.EnumerateArray().Select(r => r.GetProperty("stage").GetString()!).ToArray());
        Assert.All(records.EnumerateArray(), r => Assert.False(r.GetProperty("stale").GetBoolean()));
        await using (var scope = App.Services.CreateAsyncScope())
            Assert.Equal(3, await scope.ServiceProvider.GetRequiredService<CampaignDbContext>().Set<ApprovalRecord>().CountAsync(r => r.CampaignId == campaign));
    }

}

public sealed class ApprovalRecordsTests_Postgres(PostgresApp app) : ApprovalRecordsTests(app), IClassFixture<PostgresApp>;

public sealed class ApprovalRecordsTests_Sqlite(SqliteApp app) : ApprovalRecordsTests(app), IClassFixture<SqliteApp>;

/// <summary>The administrator extends several units in one request: all or none, one audit entry per unit.</summary>
public abstract class BulkExtensionTests(CampaignApp campaignApp) : ApprovalFlow(campaignApp)
{
    [Fact]
    public async Task Several_units_are_extended_in_one_request_all_or_none()
    {
        var admin = await AtAsync(10, 1, 9);
        if ((await admin.GetFromJsonAsync<JsonElement[]>("/api/units?authority=HN"))!.Length == 0)
            await App.ImportHanoiUnitsAsync(admin);
        var (campaign, ids) = await CampaignAsync(admin, ["SKHCN", "SNV", "STC"]);
        admin = await AtAsync(11, 3, 9);
        var url = $"/api/campaigns/{campaign}/units/{ids["SNV"]}/self-assessment";
        foreach (var code in new[] { "1.1", "2.1" })
            await OkAsync(admin.PutAsJsonAsync($"{url}/answers/{code}", new { number = 80, version = 0 }));
        await OkAsync(admin.PostAsync($"{url}/submit", null));

        // SNV has submitted: the whole request is refused, naming it, and no unit is extended.
        var refused = await RefusedAsync(admin.PostAsJsonAsync($"/api/campaigns/{campaign}/extensions",
            new { unitIds = new[] { ids["STC"], ids["SKHCN"], ids["SNV"] }, until = "2025-12-05T17:00:00", reason = "Sắp xếp đơn vị hành chính" }), HttpStatusCode.BadRequest);
        Assert.Contains("SNV đã nộp: gia hạn không thay đổi gì", refused, StringComparison.Ordinal);
        var progress = await OkAsync(admin.GetAsync($"/api/campaigns/{campaign}/progress"));
        Assert.All(progress.EnumerateArray(), r => Assert.False(r.GetProperty("extended").GetBoolean()));

        var granted = await OkAsync(admin.PostAsJsonAsync($"/api/campaigns/{campaign}/extensions",
            new { unitIds = new[] { ids["STC"], ids["SKHCN"] }, until = "2025-12-05T17:00:00", reason = "Sắp xếp đơn vị hành chính" }));
        Assert.Equal(2, granted.GetArrayLength());
        progress = await OkAsync(admin.GetAsync($"/api/campaigns/{campaign}/progress"));
        Assert.Equal(new[] { "SKHCN", "STC" }, progress.EnumerateArray().Where(r => r.GetProperty("extended").GetBoolean())
            .Select(r => r.GetProperty("unitCode").GetString()!).Order(StringComparer.Ordinal).ToArray());
        foreach (var unit in new[] { "STC", "SKHCN" })
        {
            var audit = await OkAsync(admin.GetAsync($"/api/audit?unit={ids[unit]}"));
            Assert.Single(audit.EnumerateArray(), e => e.GetProperty("action").GetString() == "campaign.extension-granted");
        }
    }
}

public sealed class BulkExtensionTests_Postgres(PostgresApp app) : BulkExtensionTests(app), IClassFixture<PostgresApp>;

public sealed class BulkExtensionTests_Sqlite(SqliteApp app) : BulkExtensionTests(app), IClassFixture<SqliteApp>;
