using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dtx.Campaign.Server.Tests.Infrastructure;

namespace Dtx.Campaign.Server.Tests.Results;

/// <summary>Resolution and plan targets with their status, counted per source like the seeds' "12/17 achieved or exceeded".</summary>
public abstract class TargetsTests(CampaignApp app)
{
    [Fact]
    public async Task Targets_are_counted_per_source_and_bad_ones_refused()
    {
        var admin = await app.LoginAsAdminAsync();
        await app.ImportHanoiUnitsAsync(admin);
        var set = await TestIndexSets.UploadAsync(admin, TestIndexSets.Small($"tg-{Guid.NewGuid():N}"[..18], "department"));
        var commune = await TestIndexSets.UploadAsync(admin, TestIndexSets.Small($"tgc-{Guid.NewGuid():N}"[..18], "commune"));
        var campaign = await TestCampaigns.CreateAsync(admin, new() { ["department"] = set, ["commune"] = commune }, launch: false);
        var statuses = new[] { "achieved", "achieved", "achieved", "likely", "low", "no-basis" };
        for (var i = 0; i < statuses.Length; i++)
            (await admin.PutAsJsonAsync($"/api/campaigns/{campaign}/targets/T{i + 1}", new { source = "KH 2025", titleVi = $"Chỉ tiêu {i + 1}", status = statuses[i] })).EnsureSuccessStatusCode();
        var refused = await admin.PutAsJsonAsync($"/api/campaigns/{campaign}/targets/T9", new { source = "KH 2025", titleVi = "", status = "achieved" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("mục tiêu cần nội dung tiếng Việt", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var report = (await admin.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaign}/targets")).GetProperty("report")[0];
        Assert.Equal(6, report.GetProperty("total").GetInt32());
        Assert.StartsWith("3/6 đạt và vượt", report.GetProperty("summary").GetString(), StringComparison.Ordinal);
        Assert.Contains("1/6 chưa có cơ sở đánh giá", report.GetProperty("summary").GetString(), StringComparison.Ordinal);
        var anonymous = await app.CreateClient().GetAsync($"/api/campaigns/{campaign}/targets");
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }
}

public sealed class TargetsTests_Postgres(PostgresApp app) : TargetsTests(app), IClassFixture<PostgresApp>;

public sealed class TargetsTests_Sqlite(SqliteApp app) : TargetsTests(app), IClassFixture<SqliteApp>;
