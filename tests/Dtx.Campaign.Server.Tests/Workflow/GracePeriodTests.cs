using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Dtx.Campaign.Workflows.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dtx.Campaign.Server.Tests.Workflow;

/// <summary>
/// A campaign's own reminder days (5 and 2 days before) and a two-day grace period: late submissions are
/// accepted and marked late, overdue units are reminded every morning, and the stage closes when the grace ends.
/// </summary>
public abstract class GracePeriodTests(CampaignApp app)
{
    private HttpClient admin = null!;

    private async Task SetClockAsync(int month, int day, int hour)
    {
        app.Clock.SetUtcNow(new DateTimeOffset(2025, month, day, hour, 0, 0, TimeSpan.FromHours(7)).ToUniversalTime());
        await app.FireDueTimersAsync();
        admin = await app.LoginAsAdminAsync();
    }

    private sealed record Reminder(string Unit, string Role, int DaysLeft, bool Overdue);

    private async Task<List<Reminder>> RemindersAsync(Guid campaign)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CampaignDbContext>();
        var rows = await db.Set<OutboxMessage>().Where(m => m.Kind == "email").Select(m => m.PayloadJson).ToListAsync();
        return [.. rows.Select(r => JsonDocument.Parse(r).RootElement)
            .Where(p => p.GetProperty("campaignId").GetGuid() == campaign && p.GetProperty("template").GetString() == "deadline-reminder")
            .Select(p => new Reminder(p.GetProperty("unitCode").GetString()!, p.GetProperty("role").GetString()!, p.GetProperty("daysLeft").GetInt32(), p.GetProperty("overdue").GetBoolean()))];
    }

    [Fact]
    public async Task Reminders_follow_the_campaigns_days_and_overdue_units_may_submit_late_until_the_grace_ends()
    {
        await SetClockAsync(10, 1, 9);
        await app.ImportHanoiUnitsAsync(admin);
        var set = await TestIndexSets.UploadAsync(admin, TestIndexSets.Small($"gr-{Guid.NewGuid():N}"[..18], "department"));
        var request = new
        {
            authority = "HN", year = 2025, nameVi = "Đánh giá 2025", nameEn = "Assessment 2025", indexSets = new Dictionary<string, Guid> { ["department"] = set },
            schedule = TestCampaigns.Schedule(), reminderDays = new[] { 2, 5 }, graceDays = 2,
            council = new[] { new { fullName = "Chủ tịch", email = TestCampaigns.ChairEmail, role = "chair" } },
        };
        var refused = await admin.PostAsJsonAsync("/api/campaigns", request with { graceDays = 30 });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("graceDays", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var created = await admin.PostAsJsonAsync("/api/campaigns", request);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var campaign = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await TestCampaigns.LaunchAsync(admin, campaign)).EnsureSuccessStatusCode();
        var units = await TestCampaigns.UnitsAsync(admin, campaign);
        Assert.Equal(17, units.Count);

        await SetClockAsync(11, 23, 8);                                   // 7 days before: not a reminder day of this campaign
        Assert.Empty(await RemindersAsync(campaign));
        await SetClockAsync(11, 25, 8);                                   // 5 days: focal officers
        Assert.Equal(17, (await RemindersAsync(campaign)).Count(r => r.DaysLeft == 5 && r.Role == "focal-officer"));
        await SetClockAsync(11, 28, 8);                                   // 2 days, the last: focal officers and heads
        Assert.Equal(34, (await RemindersAsync(campaign)).Count(r => r.DaysLeft == 2));

        // The deadline passes; the stage stays open for the grace period, and overdue units are reminded daily.
        await SetClockAsync(11, 30, 8);                                   // deadline day: no reminder day
        await SetClockAsync(11, 30, 17);
        Assert.DoesNotContain(await RemindersAsync(campaign), r => r.Overdue || r.DaysLeft == 0);
        Assert.Equal("self-assessment", (await admin.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaign}/workflow")).GetProperty("stage").GetString());
        await SetClockAsync(12, 1, 8);
        Assert.Equal(34, (await RemindersAsync(campaign)).Count(r => r.Overdue));
        var snv = $"/api/campaigns/{campaign}/units/{units["SNV"]}/self-assessment";
        (await admin.PostAsJsonAsync($"{snv}/evidence/references", new { code = "1.1", kind = "link", url = "https://snv.hanoi.gov.vn/qd-12" })).EnsureSuccessStatusCode();
        foreach (var (code, body) in new (string, object)[] { ("1.1", new { yes = true, version = 0 }), ("1.2", new { number = 80, version = 0 }), ("1.3", new { number = 4, version = 0 }), ("2.1", new { number = 5, version = 0 }) })
            (await admin.PutAsJsonAsync($"{snv}/answers/{code}", body)).EnsureSuccessStatusCode();
        (await admin.PostAsync($"{snv}/submit", null)).EnsureSuccessStatusCode();
        var row = (await admin.GetFromJsonAsync<JsonElement[]>($"/api/campaigns/{campaign}/progress"))!.First(r => r.GetProperty("unitCode").GetString() == "SNV");
        Assert.Equal(("submitted", true), (row.GetProperty("status").GetString(), row.GetProperty("late").GetBoolean()));

        await SetClockAsync(12, 2, 8);                                    // the last overdue round: SNV is no longer written to
        var second = (await RemindersAsync(campaign)).Where(r => r.Overdue).ToList();
        Assert.Equal(34 + 32, second.Count);
        Assert.Equal(2, second.Count(r => r.Unit == "SNV"));

        // The grace period ends: the stage closes, the others are not submitted, and changes are refused naming both dates.
        await SetClockAsync(12, 2, 17);
        Assert.Equal("council-verification", (await admin.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaign}/workflow")).GetProperty("stage").GetString());
        Assert.Equal(16, (await admin.GetFromJsonAsync<JsonElement[]>($"/api/campaigns/{campaign}/progress"))!.Count(r => r.GetProperty("status").GetString() == "not-submitted"));
        var late = await admin.PutAsJsonAsync($"/api/campaigns/{campaign}/units/{units["STC"]}/self-assessment/answers/1.1", new { yes = true, version = 0 });
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Contains("hạn nộp là 30/11/2025 17:00", await late.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

public sealed class GracePeriodTests_Postgres(PostgresApp app) : GracePeriodTests(app), IClassFixture<PostgresApp>;

public sealed class GracePeriodTests_Sqlite(SqliteApp app) : GracePeriodTests(app), IClassFixture<SqliteApp>;
