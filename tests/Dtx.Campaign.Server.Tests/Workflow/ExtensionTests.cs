using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Dtx.Campaign.Workflows.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dtx.Campaign.Server.Tests.Workflow;

/// <summary>A unit's extension runs on its own date: its last-day reminder (to its head too) and its own close follow it, also when moved.</summary>
public abstract class ExtensionTests(CampaignApp app)
{
    private HttpClient admin = null!;

    private async Task SetClockAsync(int month, int day, int hour)
    {
        app.Clock.SetUtcNow(new DateTimeOffset(2025, month, day, hour, 0, 0, TimeSpan.FromHours(7)).ToUniversalTime());
        await app.FireDueTimersAsync();
        admin = await app.LoginAsAdminAsync();
    }

    private async Task<List<(string Unit, string Role)>> RemindersAsync(Guid campaign)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CampaignDbContext>();
        var rows = await db.Set<OutboxMessage>().Where(m => m.Kind == "email").OrderBy(m => m.CreatedAt).Select(m => m.PayloadJson).ToListAsync();
        return [.. rows.Select(r => JsonDocument.Parse(r).RootElement)
            .Where(p => p.GetProperty("campaignId").GetGuid() == campaign && p.GetProperty("template").GetString() == "deadline-reminder")
            .Select(p => (p.GetProperty("unitCode").GetString()!, p.GetProperty("role").GetString()!))];
    }

    private async Task<string> StatusAsync(Guid campaign, string unit) =>
        (await admin.GetFromJsonAsync<JsonElement[]>($"/api/campaigns/{campaign}/progress"))!.First(r => r.GetProperty("unitCode").GetString() == unit).GetProperty("status").GetString()!;

    [Fact]
    public async Task An_extended_unit_is_reminded_and_closed_on_its_own_date_even_when_the_date_moves()
    {
        await SetClockAsync(10, 1, 9);
        await app.ImportHanoiUnitsAsync(admin);
        var departments = await TestIndexSets.UploadAsync(admin, TestIndexSets.Small($"ext-{Guid.NewGuid():N}"[..18], "department"));
        var communes = await TestIndexSets.UploadAsync(admin, TestIndexSets.Small($"extc-{Guid.NewGuid():N}"[..18], "commune"));
        var campaign = await TestCampaigns.CreateAsync(admin, new() { ["department"] = departments, ["commune"] = communes });
        var units = await TestCampaigns.UnitsAsync(admin, campaign);
        await SetClockAsync(11, 1, 8);
        (await admin.PostAsJsonAsync($"/api/campaigns/{campaign}/units/{units["SYT"]}/extension", new { until = "2025-12-05T17:00:00", reason = "Sự cố hạ tầng" })).EnsureSuccessStatusCode();

        await SetClockAsync(11, 30, 17);
        Assert.Equal("not-submitted", await StatusAsync(campaign, "SNV"));
        Assert.Equal("not-started", await StatusAsync(campaign, "SYT"));
        // The campaign's rounds leave SYT to its own, which has not run on a reminder day yet (the clock jumped).
        Assert.DoesNotContain(await RemindersAsync(campaign), r => r.Unit == "SYT");

        // A step of its workflow failed (an incident waits for a retry): the next extension moves that same
        // workflow, it does not start a second one beside it that would remind and close the unit twice.
        var correlation = $"{campaign}/{units["SYT"]}";
        async Task<List<WorkflowInstance>> ExtensionWorkflowsAsync()
        {
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CampaignDbContext>();
            return await db.Set<WorkflowInstance>().AsNoTracking().Where(i => i.CorrelationId == correlation && i.DefinitionKey == "unit-extension").ToListAsync();
        }
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CampaignDbContext>();
            Assert.Equal(1, await db.Set<WorkflowInstance>().Where(i => i.CorrelationId == correlation && i.DefinitionKey == "unit-extension")
                .ExecuteUpdateAsync(u => u.SetProperty(i => i.Status, WorkflowStatus.Faulted)));
        }

        // Moved again: its round now counts to 8 December; nothing happens on the old date.
        (await admin.PostAsJsonAsync($"/api/campaigns/{campaign}/units/{units["SYT"]}/extension", new { until = "2025-12-08T17:00:00", reason = "Gia hạn thêm" })).EnsureSuccessStatusCode();
        Assert.Single(await ExtensionWorkflowsAsync());
        async Task<List<(string Unit, string Role)>> SytAsync() => [.. (await RemindersAsync(campaign)).Where(r => r.Unit == "SYT")];
        await SetClockAsync(12, 1, 8);                                     // 7 days left
        Assert.Equal([("SYT", "focal-officer")], await SytAsync());
        await SetClockAsync(12, 4, 8);                                     // 4 days left: none
        await SetClockAsync(12, 5, 17);                                    // the old deadline: still open; 3 days left
        Assert.Equal("not-started", await StatusAsync(campaign, "SYT"));
        Assert.Equal(2, (await SytAsync()).Count);

        // The day before its own deadline: its focal officer and its head.
        await SetClockAsync(12, 7, 8);
        Assert.Equal([("SYT", "focal-officer"), ("SYT", "head")], (await SytAsync()).Skip(2).Order().ToList());
        Assert.DoesNotContain(await RemindersAsync(campaign), r => r.Unit == "SNV" && r.Role == "head");

        // Its own close: late changes are refused with the date.
        await SetClockAsync(12, 8, 17);
        Assert.Equal("not-submitted", await StatusAsync(campaign, "SYT"));
        var late = await admin.PutAsJsonAsync($"/api/campaigns/{campaign}/units/{units["SYT"]}/self-assessment/answers/1.1", new { yes = true, version = 0 });
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Contains("08/12/2025 17:00", await late.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

public sealed class ExtensionTests_Postgres(PostgresApp app) : ExtensionTests(app), IClassFixture<PostgresApp>;

public sealed class ExtensionTests_Sqlite(SqliteApp app) : ExtensionTests(app), IClassFixture<SqliteApp>;
