using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Dtx.Campaign.Server.Tests.Workflow;

namespace Dtx.Campaign.Server.Tests.Campaigns;

/// <summary>
/// Reminders beyond the daily round: an administrator reminds chosen units now (a unit that submitted gets none),
/// and the campaign's last call goes out hours before the deadline (default 2) to the units still open and their heads.
/// </summary>
public abstract class ReminderScheduleTests(CampaignApp app)
{
    private HttpClient admin = null!;

    private async Task AtAsync(int month, int day, int hour)
    {
        app.Clock.SetUtcNow(new DateTimeOffset(2025, month, day, hour, 0, 0, TimeSpan.FromHours(7)).ToUniversalTime());
        await app.FireDueTimersAsync();
        admin = await app.LoginAsAdminAsync();
    }

    private static async Task<JsonElement> OkAsync(Task<HttpResponseMessage> call)
    {
        var response = await call;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} → {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    [Fact]
    public async Task Reminders_go_now_to_chosen_open_units_and_hours_before_the_deadline()
    {
        await AtAsync(10, 1, 9);
        await app.ImportHanoiUnitsAsync(admin);
        var set = await TestIndexSets.UploadAsync(admin, WholeCampaignTests.Set($"remind-{Guid.NewGuid():N}"[..20]));
        var units = (await admin.GetFromJsonAsync<JsonElement[]>("/api/units?authority=HN"))!;
        Guid Id(string code) => units.First(u => u.GetProperty("code").GetString() == code).GetProperty("id").GetGuid();
        var created = await OkAsync(admin.PostAsJsonAsync("/api/campaigns", new
        {
            authority = "HN", year = 2025, nameVi = "Đánh giá chuyển đổi số năm 2025", nameEn = "Digital transformation assessment 2025",
            indexSets = new Dictionary<string, Guid> { ["department"] = set }, schedule = TestCampaigns.Schedule(), units = new[] { Id("SKHCN"), Id("SNV"), Id("STC") },
            council = new[] { new { fullName = "Phó Chủ tịch UBND TP", email = TestCampaigns.ChairEmail, role = "chair" } },
        }));
        var campaign = created.GetProperty("id").GetGuid();
        Assert.Equal(2, (await admin.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaign}")).GetProperty("reminderHours").GetInt32());
        await OkAsync(TestCampaigns.LaunchAsync(admin, campaign));
        // The newest definition (v4) keeps v3's last call.
        Assert.Equal(4, (await admin.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaign}/workflow")).GetProperty("version").GetInt32());

        await AtAsync(11, 3, 9);
        var skhcn = $"/api/campaigns/{campaign}/units/{Id("SKHCN")}/self-assessment";
        await OkAsync(admin.PutAsJsonAsync($"{skhcn}/answers/1.1", new { number = 10, version = 0 }));
        await OkAsync(admin.PutAsJsonAsync($"{skhcn}/answers/2.1", new { number = 10, version = 0 }));
        await OkAsync(admin.PutAsJsonAsync($"{skhcn}/answers/2.2", new { yes = false, version = 0 }));
        await OkAsync(admin.PostAsync($"{skhcn}/submit", null));

        // Now, to SKHCN (submitted: none) and SNV.
        var sent = await OkAsync(admin.PostAsJsonAsync($"/api/campaigns/{campaign}/reminders", new { units = new[] { Id("SKHCN"), Id("SNV") } }));
        Assert.Equal("3/TB-UBND", sent.GetProperty("document").GetString());
        Assert.Equal(["SNV"], sent.GetProperty("reminded").EnumerateArray().Select(u => u.GetString()));
        Assert.Equal("submitted", sent.GetProperty("skipped").GetProperty("SKHCN").GetString());
        var stranger = Guid.NewGuid();
        var refused = await admin.PostAsJsonAsync($"/api/campaigns/{campaign}/reminders", new { units = new[] { stranger } });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var refusal = await refused.Content.ReadAsStringAsync();
        Assert.Contains("units", refusal, StringComparison.Ordinal);
        Assert.Contains(stranger.ToString(), refusal, StringComparison.Ordinal);

        // The last call: 30 Nov 15:00, two hours before 17:00, to SNV and STC and their heads.
        await AtAsync(11, 30, 15);
        await app.DeliverMailAsync();
        var mail = app.Smtp!.Messages().Select(m => (To: m.To.Mailboxes.Single().Address, m.Subject, Text: m.TextBody ?? "")).ToList();
        var now = mail.Where(m => m.Text.Contains("còn 27 ngày", StringComparison.Ordinal)).Select(m => m.To).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["daumoi.snv@demo.hanoi.invalid", "giamdoc.snv@demo.hanoi.invalid"], now);
        var lastCall = mail.Where(m => m.Text.Contains("còn 2 giờ", StringComparison.Ordinal)).Select(m => m.To).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(["daumoi.snv@demo.hanoi.invalid", "daumoi.stc@demo.hanoi.invalid", "giamdoc.snv@demo.hanoi.invalid", "giamdoc.stc@demo.hanoi.invalid"], lastCall);
        Assert.All(mail.Where(m => m.To.Contains("skhcn", StringComparison.Ordinal)), m => Assert.DoesNotContain("nhắc hạn", m.Subject, StringComparison.Ordinal));
        Assert.All(mail.Where(m => m.Text.Contains("còn 2 giờ", StringComparison.Ordinal)), m => Assert.Equal("Về việc nhắc hạn nộp kết quả tự đánh giá chuyển đổi số năm 2025", m.Subject));
    }
}

public sealed class ReminderScheduleTests_Postgres(PostgresMailApp app) : ReminderScheduleTests(app), IClassFixture<PostgresMailApp>;

public sealed class ReminderScheduleTests_Sqlite(SqliteMailApp app) : ReminderScheduleTests(app), IClassFixture<SqliteMailApp>;
