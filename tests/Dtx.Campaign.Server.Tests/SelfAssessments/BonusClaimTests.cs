using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dtx.Campaign.Scoring.IndexSets;
using Dtx.Campaign.Server.Tests.Infrastructure;

namespace Dtx.Campaign.Server.Tests.SelfAssessments;

public abstract class BonusClaimTests(CampaignApp app)
{
    [Fact]
    public async Task A_bonus_claim_counts_only_with_evidence_and_is_capped_by_its_rule()
    {
        var admin = await app.LoginAsAdminAsync();
        await app.ImportHanoiUnitsAsync(admin);
        var set = TestIndexSets.Small($"bn-{Guid.NewGuid():N}"[..16], "commune") with
        {
            BonusRules = [new BonusRule("approved-model", new LocalizedText("Mô hình được công nhận", "Approved model"), 5, 10)],
        };
        var campaign = await TestCampaigns.CreateAsync(admin, new() { ["commune"] = await TestIndexSets.UploadAsync(admin, set) });
        var unit = (await TestCampaigns.UnitsAsync(admin, campaign))["X-DONG-ANH"];
        app.Clock.SetUtcNow(new DateTimeOffset(2025, 11, 3, 2, 0, 0, TimeSpan.Zero));
        admin = await app.LoginAsAdminAsync();
        var path = $"/api/campaigns/{campaign}/units/{unit}/self-assessment";

        Assert.Equal(HttpStatusCode.NotFound, (await admin.PutAsJsonAsync($"{path}/bonus/unknown-rule", new { count = 1, version = 0 })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PutAsJsonAsync($"{path}/bonus/approved-model", new { count = -1, version = 0 })).StatusCode);
        (await admin.PutAsJsonAsync($"{path}/bonus/approved-model", new { count = 3, explanation = "3 mô hình được Sở công nhận", version = 0 })).EnsureSuccessStatusCode();
        var view = await admin.GetFromJsonAsync<JsonElement>(path);
        Assert.Equal(0m, view.GetProperty("bonus").GetDecimal());
        Assert.Contains("bonus:approved-model: điểm thưởng cần minh chứng", view.GetProperty("missing").EnumerateArray().Select(m => m.GetString()));

        (await admin.PostAsJsonAsync($"{path}/evidence/references", new { code = "bonus:approved-model", kind = "document", documentNumber = "88/QĐ-SKHCN", documentDate = "2025-06-01", documentIssuer = "Sở Khoa học và Công nghệ" })).EnsureSuccessStatusCode();
        view = await admin.GetFromJsonAsync<JsonElement>(path);
        Assert.Equal(10m, view.GetProperty("bonus").GetDecimal()); // 3 × 5 capped at 10
        Assert.DoesNotContain(view.GetProperty("missing").EnumerateArray(), m => m.GetString()!.StartsWith("bonus:", StringComparison.Ordinal));
        Assert.Equal(1, view.GetProperty("bonusClaims")[0].GetProperty("evidence").GetArrayLength());
    }
}

public sealed class BonusClaimTests_Postgres(PostgresApp app) : BonusClaimTests(app), IClassFixture<PostgresApp>;

public sealed class BonusClaimTests_Sqlite(SqliteApp app) : BonusClaimTests(app), IClassFixture<SqliteApp>;
