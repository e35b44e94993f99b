using System.Net.Http.Json;
using System.Text.Json;
using Dtx.Campaign.Server.Tests.Infrastructure;

namespace Dtx.Campaign.Server.Tests.SelfAssessments;

public abstract class PrefillTests(CampaignApp app)
{
    [Fact]
    public async Task Last_years_answers_fill_this_years_empty_indicators_with_the_same_code_and_method()
    {
        var admin = await app.LoginAsAdminAsync();
        await app.ImportHanoiUnitsAsync(admin);
        var key = $"pf-{Guid.NewGuid():N}"[..16];
        var v1 = await TestIndexSets.UploadAsync(admin, TestIndexSets.Small(key, "commune"));
        var y2025 = await TestCampaigns.CreateAsync(admin, new() { ["commune"] = v1 });
        var unit = (await admin.GetFromJsonAsync<JsonElement[]>($"/api/campaigns/{y2025}/progress"))!.First(r => r.GetProperty("unitCode").GetString() == "P-HOAN-KIEM").GetProperty("unitId").GetGuid();

        app.Clock.SetUtcNow(new DateTimeOffset(2025, 11, 5, 2, 0, 0, TimeSpan.Zero));
        admin = await app.LoginAsAdminAsync();
        var last = $"/api/campaigns/{y2025}/units/{unit}/self-assessment";
        (await admin.PutAsJsonAsync($"{last}/answers/1.2", new { numerator = 30, denominator = 40, explanation = "Số liệu 2025", version = 0 })).EnsureSuccessStatusCode();
        (await admin.PutAsJsonAsync($"{last}/answers/1.3", new { number = 2, version = 0 })).EnsureSuccessStatusCode();
        (await admin.PutAsJsonAsync($"{last}/answers/2.1", new { number = 3, version = 0 })).EnsureSuccessStatusCode();

        // Next year: indicator 1.3 changes from tiers to a council judgement in version 2 of the set.
        var next = TestIndexSets.Small(key, "commune", version: 2);
        next = next with
        {
            Groups = [next.Groups[0] with { Children = [next.Groups[0].Children[0], next.Groups[0].Children[1], next.Groups[0].Children[2] with { Method = new Dtx.Campaign.Scoring.IndexSets.CouncilJudgementMethod() }] }, next.Groups[1]],
        };
        await TestIndexSets.UploadAsync(admin, next);
        var copy = await admin.PostAsJsonAsync($"/api/campaigns/{y2025}/copy", new { });
        var y2026 = (await copy.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await TestCampaigns.LaunchAsync(admin, y2026)).EnsureSuccessStatusCode();
        app.Clock.SetUtcNow(new DateTimeOffset(2026, 11, 2, 2, 0, 0, TimeSpan.Zero));
        admin = await app.LoginAsAdminAsync();
        var now = $"/api/campaigns/{y2026}/units/{unit}/self-assessment";
        (await admin.PutAsJsonAsync($"{now}/answers/2.1", new { number = 5, version = 0 })).EnsureSuccessStatusCode();

        var report = await (await admin.PostAsync($"{now}/prefill", null)).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(2025, report.GetProperty("fromYear").GetInt32());
        Assert.Equal(["1.2"], report.GetProperty("copied").EnumerateArray().Select(c => c.GetString()));
        var skipped = report.GetProperty("skipped").EnumerateArray().Select(c => c.GetString()).ToList();
        Assert.Contains("1.3: the scoring method changed (tiers → council)", skipped);
        Assert.Contains("2.1: already answered this year", skipped);
        var view = await admin.GetFromJsonAsync<JsonElement>(now);
        var answer = view.GetProperty("indicators").EnumerateArray().Single(i => i.GetProperty("code").GetString() == "1.2").GetProperty("answer");
        Assert.Equal(15m, answer.GetProperty("selfScore").GetDecimal());
        Assert.Equal("Số liệu 2025", answer.GetProperty("explanation").GetString());
    }
}

public sealed class PrefillTests_Postgres(PostgresApp app) : PrefillTests(app), IClassFixture<PostgresApp>;

public sealed class PrefillTests_Sqlite(SqliteApp app) : PrefillTests(app), IClassFixture<SqliteApp>;
