using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dtx.Campaign.Server.Tests.Infrastructure;

namespace Dtx.Campaign.Server.Tests.Workflow;

public abstract class ScheduleChangeTests(CampaignApp app)
{
    [Fact]
    public async Task Moving_the_deadline_of_a_running_campaign_moves_its_close_but_the_past_stays()
    {
        var admin = await app.LoginAsAdminAsync();
        await app.ImportHanoiUnitsAsync(admin);
        var set = await TestIndexSets.UploadAsync(admin, TestIndexSets.Small($"sc-{Guid.NewGuid():N}"[..16], "commune"));
        var id = await TestCampaigns.CreateAsync(admin, new() { ["commune"] = set });
        app.Clock.SetUtcNow(new DateTimeOffset(2025, 11, 2, 2, 0, 0, TimeSpan.Zero));
        await app.FireDueTimersAsync();
        admin = await app.LoginAsAdminAsync();

        var moved = await admin.PutAsJsonAsync($"/api/campaigns/{id}/schedule", TestCampaigns.Schedule(closes: "12-05T17:00:00"));
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        var pending = (await admin.GetFromJsonAsync<JsonElement>($"/api/campaigns/{id}/workflow")).GetProperty("pending").EnumerateArray()
            .Where(p => p.GetProperty("kind").GetString() == "timer")
            .Select(p => p.GetProperty("dueLocal").GetString()).Order(StringComparer.Ordinal).ToList();
        // The close moved, and with it the last call two hours before; the daily reminder round (next: tomorrow morning)
        // counts the days to the new date.
        Assert.Equal(["03/11/2025 08:00", "05/12/2025 15:00", "05/12/2025 17:00"], pending);

        var past = await admin.PutAsJsonAsync($"/api/campaigns/{id}/schedule", new
        {
            indexPublicationAt = "2025-10-24T08:00:00", selfAssessmentOpensAt = "2025-11-01T08:00:00", selfAssessmentClosesAt = "2025-12-05T17:00:00",
            verificationEndsAt = "2025-12-15T17:00:00", preliminaryResultsAt = "2025-12-16T08:00:00", disputesOpensAt = "2025-12-16T08:00:00",
            disputesClosesAt = "2025-12-23T17:00:00", finalPublicationAt = "2025-12-30T08:00:00",
        });
        Assert.Equal(HttpStatusCode.BadRequest, past.StatusCode);
        Assert.Contains("23/10/2025 08:00 đã qua và không thể dời nữa", await past.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}

public sealed class ScheduleChangeTests_Postgres(PostgresApp app) : ScheduleChangeTests(app), IClassFixture<PostgresApp>;

public sealed class ScheduleChangeTests_Sqlite(SqliteApp app) : ScheduleChangeTests(app), IClassFixture<SqliteApp>;
