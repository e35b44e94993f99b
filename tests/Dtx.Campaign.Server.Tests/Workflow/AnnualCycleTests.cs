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
/// A Hanoi 2025 campaign of 143 units driven by its workflow as the clock moves: reminders go only to
/// units that have not submitted, the deadline closes self-assessment, and only the chair ends verification.
/// </summary>
public abstract class AnnualCycleTests(CampaignApp app)
{
    private const string ChairEmail = TestCampaigns.ChairEmail;
    private const string ChairPassword = "Chair-Password-1";

    private async Task<List<(string UnitCode, string To, string Role)>> RemindersAsync(Guid campaign) =>
        [.. (await EmailsAsync(campaign, "deadline-reminder")).Select(p => (p.GetProperty("unitCode").GetString()!, p.GetProperty("to").GetString()!, p.GetProperty("role").GetString()!))];

    private async Task<List<JsonElement>> EmailsAsync(Guid campaign, string template)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CampaignDbContext>();
        var rows = await db.Set<OutboxMessage>().Where(m => m.Kind == "email").Select(m => m.PayloadJson).ToListAsync();
        return rows.Select(r => JsonDocument.Parse(r).RootElement)
            .Where(p => p.GetProperty("campaignId").GetGuid() == campaign && p.GetProperty("template").GetString() == template).ToList();
    }

    private HttpClient admin = null!;

    /// <summary>Moves the clock to a Hanoi local time, fires what fell due, and signs in again (sessions expire with the clock).</summary>
    private async Task SetClockAsync(int month, int day, int hour, int minute = 0)
    {
        app.Clock.SetUtcNow(new DateTimeOffset(2025, month, day, hour, minute, 0, TimeSpan.FromHours(7)).ToUniversalTime());
        await app.FireDueTimersAsync();
        admin = await app.LoginAsAdminAsync();
    }

    [Fact]
    public async Task The_cycle_runs_on_its_timers_reminds_the_right_units_closes_on_time_and_waits_for_the_chair()
    {
        admin = await app.LoginAsAdminAsync();
        await app.ImportHanoiUnitsAsync(admin);
        await app.CreateUserAsync(ChairEmail, ChairPassword);
        var citySet = await TestIndexSets.UploadAsync(admin, TestIndexSets.Small($"wf-city-{Guid.NewGuid():N}"[..20], "department", flaggedGroup: "digital-economy"));
        var communeSet = await TestIndexSets.UploadAsync(admin, TestIndexSets.Small($"wf-com-{Guid.NewGuid():N}"[..20], "commune"));
        var campaign = await TestCampaigns.CreateAsync(admin, new() { ["department"] = citySet, ["commune"] = communeSet });
        var units = await TestCampaigns.UnitsAsync(admin, campaign);
        Assert.Equal(143, units.Count);

        // Launching publishes the index at once (the administrator launched before the publication date).
        var state = await admin.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaign}/workflow");
        Assert.Equal("index-publication", state.GetProperty("stage").GetString());
        Assert.Contains(state.GetProperty("pending").EnumerateArray(), p => p.GetProperty("dueLocal").GetString() == "01/11/2025 08:00");
        // The publication notice goes to every unit's focal officer, one e-mail each.
        var published = await EmailsAsync(campaign, "index-publication");
        Assert.Equal(143, published.Count);
        Assert.Equal(143, published.Select(p => p.GetProperty("unitCode").GetString()).Distinct().Count());

        // The opening of self-assessment, on its date.
        await SetClockAsync(11, 1, 8);
        Assert.Equal("self-assessment", (await admin.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaign}/workflow")).GetProperty("stage").GetString());

        // SKHCN submits early; SYT gets an extension; everyone else is reminded.
        var skhcn = $"/api/campaigns/{campaign}/units/{units["SKHCN"]}/self-assessment";
        (await admin.PostAsJsonAsync($"{skhcn}/evidence/references", new { code = "1.1", kind = "document", documentNumber = "12/QĐ-SKHCN", documentDate = "2025-03-01", documentIssuer = "Sở KH&CN" })).EnsureSuccessStatusCode();
        foreach (var (code, body) in new (string, object)[] { ("1.1", new { yes = true, version = 0 }), ("1.2", new { number = 80, version = 0 }), ("1.3", new { number = 4, version = 0 }), ("2.1", new { number = 5, version = 0 }) })
            (await admin.PutAsJsonAsync($"{skhcn}/answers/{code}", body)).EnsureSuccessStatusCode();
        (await admin.PostAsync($"{skhcn}/submit", null)).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync($"/api/campaigns/{campaign}/units/{units["SYT"]}/extension", new { until = "2025-12-05T17:00:00", reason = "Sự cố hạ tầng" })).EnsureSuccessStatusCode();

        // 7 days before: 23 Nov 08:00. SYT, extended to 5 Dec, is reminded by its own round (12 days left: not yet).
        await SetClockAsync(11, 23, 8);
        var first = await RemindersAsync(campaign);
        Assert.Equal(141, first.Count);                                   // every focal officer but SKHCN's and SYT's
        Assert.DoesNotContain(first, r => r.UnitCode is "SKHCN" or "SYT");
        Assert.All(first, r => Assert.Equal("focal-officer", r.Role));

        // Firing again changes nothing: each reminder is sent once.
        Assert.Equal(0, await app.FireDueTimersAsync());
        Assert.Equal(141, (await RemindersAsync(campaign)).Count);

        // 3 days and 1 day before; the last one also goes to each unit head.
        await SetClockAsync(11, 27, 8);
        await SetClockAsync(11, 29, 8);
        var all = await RemindersAsync(campaign);
        // SYT's deadline is 5 Dec: 29 Nov (6 days left) is none of its reminder days.
        Assert.Equal(141 * 3 + 141, all.Count);
        Assert.Equal(141, all.Count(r => r.Role == "head"));
        Assert.DoesNotContain(all, r => r.UnitCode == "SYT");
        Assert.Equal(all.Count, all.Distinct().Count() + 141 * 2);      // the same officer is reminded once per reminder day

        // The deadline closes self-assessment: units without an extension that did not submit are closed.
        await SetClockAsync(11, 30, 17);
        Assert.Equal("council-verification", (await admin.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaign}/workflow")).GetProperty("stage").GetString());
        Assert.Equal("council-verification", (await admin.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaign}")).GetProperty("summary").GetProperty("stage").GetString());
        var progress = (await admin.GetFromJsonAsync<JsonElement[]>($"/api/campaigns/{campaign}/progress"))!.ToDictionary(r => r.GetProperty("unitCode").GetString()!);
        Assert.Equal("submitted", progress["SKHCN"].GetProperty("status").GetString());
        Assert.Equal("not-started", progress["SYT"].GetProperty("status").GetString());
        Assert.Equal(141, progress.Values.Count(r => r.GetProperty("status").GetString() == "not-submitted"));
        var late = await admin.PutAsJsonAsync($"/api/campaigns/{campaign}/units/{units["SNV"]}/self-assessment/answers/1.1", new { yes = true, version = 0 });
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);

        // Only the chair ends verification, once.
        var byAdmin = await admin.PostAsJsonAsync($"/api/campaigns/{campaign}/workflow/approvals", new { stage = "council-verification" });
        Assert.Equal(HttpStatusCode.Forbidden, byAdmin.StatusCode);
        var chair = await app.LoginAsync(ChairEmail, ChairPassword);
        // Not before SKHCN, the one unit that submitted, is verified; the gate names it.
        var early = await chair.PostAsJsonAsync($"/api/campaigns/{campaign}/workflow/approvals", new { stage = "council-verification" });
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        Assert.Contains("SKHCN", await early.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        foreach (var code in new[] { "1.1", "1.2", "1.3", "2.1" })
            (await chair.PutAsJsonAsync($"/api/campaigns/{campaign}/verification/units/{units["SKHCN"]}/indicators/{code}", new { accept = true })).EnsureSuccessStatusCode();
        (await chair.PostAsync($"/api/campaigns/{campaign}/verification/units/{units["SKHCN"]}/complete", null)).EnsureSuccessStatusCode();
        var approved = await chair.PostAsJsonAsync($"/api/campaigns/{campaign}/workflow/approvals", new { stage = "council-verification", comment = "Đã thẩm định đủ" });
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Equal("preliminary-results", (await approved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("stage").GetString());
        var twice = await chair.PostAsJsonAsync($"/api/campaigns/{campaign}/workflow/approvals", new { stage = "council-verification" });
        Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);

        var journal = (await admin.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaign}/workflow")).GetProperty("journal").EnumerateArray().ToList();
        Assert.Contains(journal, j => j.GetProperty("activity").GetString() == "close-self-assessment" && j.GetProperty("detail").GetString()!.Contains("141 unit(s)", StringComparison.Ordinal));
        Assert.Contains(journal, j => j.GetProperty("actor").GetString() == ChairEmail);
        var graph = await admin.GetStringAsync($"/api/campaigns/{campaign}/workflow/graph");
        Assert.Contains("class preliminary_results current", graph, StringComparison.Ordinal);
    }
}

public sealed class AnnualCycleTests_Postgres(PostgresApp app) : AnnualCycleTests(app), IClassFixture<PostgresApp>;

public sealed class AnnualCycleTests_Sqlite(SqliteApp app) : AnnualCycleTests(app), IClassFixture<SqliteApp>;
