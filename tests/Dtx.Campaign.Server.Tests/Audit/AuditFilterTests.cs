using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dtx.Campaign.Server.Tests.Infrastructure;

namespace Dtx.Campaign.Server.Tests.Audit;

public abstract class AuditFilterTests(CampaignApp app)
{
    [Fact]
    public async Task The_log_filters_by_person_unit_campaign_and_time_and_exports_what_it_shows()
    {
        var (first, second) = ($"first-{Guid.NewGuid():N}@test.local", $"second-{Guid.NewGuid():N}@test.local");
        await app.CreateUserAsync(first, "First-Password-1");
        await app.CreateUserAsync(second, "Second-Password-1");
        var start = app.Clock.GetUtcNow();
        await app.CreateClient().PostAsJsonAsync("/api/auth/login", new { email = first, password = "wrong-password" });
        app.Clock.Advance(TimeSpan.FromHours(1));
        var later = app.Clock.GetUtcNow();
        await app.CreateClient().PostAsJsonAsync("/api/auth/login", new { email = second, password = "wrong-password" });
        await app.LoginAsync(second, "Second-Password-1");

        var admin = await app.LoginAsAdminAsync();
        var mine = await admin.GetFromJsonAsync<JsonElement[]>($"/api/audit?person={first}");
        Assert.Equal(["login.failed"], mine!.Select(e => e.GetProperty("action").GetString()));
        var theirs = await admin.GetFromJsonAsync<JsonElement[]>($"/api/audit?person={second}");
        Assert.Equal(["login.succeeded", "login.failed"], theirs!.Select(e => e.GetProperty("action").GetString()));

        // Time: the window holds only what happened in it.
        var window = await admin.GetFromJsonAsync<JsonElement[]>(
            $"/api/audit?action=login.failed&from={Uri.EscapeDataString(start.ToString("O"))}&to={Uri.EscapeDataString(later.ToString("O"))}");
        Assert.Contains(window!, e => e.GetProperty("entityId").GetString() == first);
        Assert.DoesNotContain(window!, e => e.GetProperty("entityId").GetString() == second);

        // Unit and campaign.
        await app.ImportHanoiUnitsAsync(admin);
        var set = await TestIndexSets.UploadAsync(admin, TestIndexSets.Small($"af-{Guid.NewGuid():N}"[..16], "commune"));
        var campaign = await TestCampaigns.CreateAsync(admin, new() { ["commune"] = set }, launch: false);
        var units = (await admin.GetFromJsonAsync<JsonElement[]>("/api/units?category=commune"))!.ToDictionary(u => u.GetProperty("code").GetString()!, u => u.GetProperty("id").GetGuid());
        (await admin.PostAsJsonAsync($"/api/units/{units["P-BA-DINH"]}/members", new { email = first, role = "head" })).EnsureSuccessStatusCode();
        var ofUnit = await admin.GetFromJsonAsync<JsonElement[]>($"/api/audit?unit={units["P-BA-DINH"]}");
        Assert.Contains(ofUnit!, e => e.GetProperty("action").GetString() == "unit.role-granted" && e.GetProperty("entityId").GetString() == first);
        Assert.All(ofUnit!, e => Assert.Equal(units["P-BA-DINH"], e.GetProperty("unitId").GetGuid()));
        Assert.DoesNotContain((await admin.GetFromJsonAsync<JsonElement[]>($"/api/audit?unit={units["P-CAU-GIAY"]}"))!,
            e => e.GetProperty("action").GetString() == "unit.role-granted");
        var ofCampaign = await admin.GetFromJsonAsync<JsonElement[]>($"/api/audit?campaign={campaign}");
        Assert.NotEmpty(ofCampaign!);
        Assert.All(ofCampaign!, e => Assert.Equal(campaign, e.GetProperty("campaignId").GetGuid()));

        // The export is the same selection, oldest first.
        var csv = Encoding.UTF8.GetString(await admin.GetByteArrayAsync($"/api/audit/export.csv?person={second}")).TrimStart('\uFEFF');
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Contains(",login.failed,", lines[1], StringComparison.Ordinal);
        Assert.Contains(",login.succeeded,", lines[2], StringComparison.Ordinal);
        Assert.DoesNotContain(first, csv, StringComparison.Ordinal);
    }
}

public sealed class AuditFilterTests_Postgres(PostgresApp app) : AuditFilterTests(app), IClassFixture<PostgresApp>;

public sealed class AuditFilterTests_Sqlite(SqliteApp app) : AuditFilterTests(app), IClassFixture<SqliteApp>;
