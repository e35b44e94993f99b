using System.Net.Http.Json;
using System.Text.Json;
using Dtx.Campaign.Server.Tests.Infrastructure;

namespace Dtx.Campaign.Server.Tests.Cli;

public abstract class SeedDemoTests(CampaignApp app)
{
    [Fact]
    public async Task Seed_demo_publishes_the_samples_and_loads_the_Hanoi_units_and_a_second_run_changes_nothing()
    {
        var first = await app.RunCliAsync("seed-demo");
        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Contains("hanoi-2025-city.yaml: hanoi-city v2 published (34 indicators, 1000 points)", first.Output, StringComparison.Ordinal);
        Assert.Contains("hanoi-demo.csv: 151 units created", first.Output, StringComparison.Ordinal);
        Assert.Contains("HN: demo letterhead ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI, signer Nguyễn Văn A", first.Output, StringComparison.Ordinal);

        var admin = await app.LoginAsAdminAsync();
        var sets = await admin.GetFromJsonAsync<JsonElement[]>("/api/index-sets");
        Assert.Equal(6, sets!.Length);
        Assert.Equal("superseded", sets.Single(s => s.GetProperty("key").GetString() == "hanoi-city" && s.GetProperty("version").GetInt32() == 1).GetProperty("status").GetString());
        Assert.Equal(5, sets.Count(s => s.GetProperty("status").GetString() == "published"));

        var second = await app.RunCliAsync("seed-demo");
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("hanoi-2025-city.yaml: already stored.", second.Output, StringComparison.Ordinal);
        Assert.Contains("0 units created, 151 updated", second.Output, StringComparison.Ordinal);
        Assert.Equal(6, (await admin.GetFromJsonAsync<JsonElement[]>("/api/index-sets"))!.Length);
        // The demo letterhead is stored once; an administrator's own letterhead is never overwritten by a later run.
        Assert.DoesNotContain("demo letterhead", second.Output, StringComparison.Ordinal);
        var letterhead = await admin.GetFromJsonAsync<JsonElement>("/api/authorities/HN/letterhead");
        Assert.Equal(("Nguyễn Văn A", "UBND", "Hà Nội"), (letterhead.GetProperty("signerName").GetString(), letterhead.GetProperty("symbol").GetString(), letterhead.GetProperty("place").GetString()));
    }
}

public sealed class SeedDemoTests_Postgres(PostgresApp app) : SeedDemoTests(app), IClassFixture<PostgresApp>;

public sealed class SeedDemoTests_Sqlite(SqliteApp app) : SeedDemoTests(app), IClassFixture<SqliteApp>;
