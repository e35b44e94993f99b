using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Dtx.Campaign.Server.Tests.Infrastructure;

namespace Dtx.Campaign.Server.Tests.Deployment;

/// <summary>
/// A campaign for servers that run on the wall clock (real processes): its dates are far off at creation and
/// launch, then moved to seconds ahead (the pending timers move with them), so that a slow machine cannot make a
/// test race the wall clock before the timers exist. The deadline moves the same way once the work is done.
/// </summary>
public sealed class WallClockCampaign
{
    private static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Ho_Chi_Minh");
    private readonly string later = At(7200);
    private (string Publication, string Opening) opened;

    private WallClockCampaign(Guid id) => Id = id;

    public Guid Id { get; }

    /// <summary>The campaign's units by code.</summary>
    public IReadOnlyDictionary<string, Guid> Units { get; private set; } = new Dictionary<string, Guid>();

    private static string At(double seconds) =>
        TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow.AddSeconds(seconds), Zone).ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);

    private object Schedule(string publication, string opening, string closes) => new
    {
        indexPublicationAt = publication, selfAssessmentOpensAt = opening, selfAssessmentClosesAt = closes, verificationEndsAt = later,
        preliminaryResultsAt = At(7300), disputesOpensAt = At(7300), disputesClosesAt = At(10000), finalPublicationAt = At(20000),
    };

    /// <summary>Creates and launches a campaign of the departments on a small index set, then lets it open within seconds.</summary>
    public static async Task<WallClockCampaign> LaunchAsync(HttpClient admin, string councilEmail)
    {
        var set = await TestIndexSets.UploadAsync(admin, TestIndexSets.Small($"wc-{Guid.NewGuid():N}"[..18], "department"));
        var campaign = new WallClockCampaign(Guid.Empty);
        var created = await admin.PostAsJsonAsync("/api/campaigns", new
        {
            authority = "HN", year = 2025, nameVi = "Đánh giá nhiều nút", nameEn = "Multi-node assessment", indexSets = new Dictionary<string, Guid> { ["department"] = set },
            schedule = campaign.Schedule(At(3000), At(3300), At(3600)),
            council = new[] { new { fullName = "Chủ tịch", email = councilEmail, role = "chair" } },
        });
        Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        campaign = new WallClockCampaign((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid());
        var launched = await TestCampaigns.LaunchAsync(admin, campaign.Id);
        Assert.True(launched.IsSuccessStatusCode, await launched.Content.ReadAsStringAsync());
        campaign.opened = (At(8), At(10));
        var soon = await admin.PutAsJsonAsync($"/api/campaigns/{campaign.Id}/schedule", campaign.Schedule(campaign.opened.Publication, campaign.opened.Opening, At(3600)));
        Assert.True(soon.IsSuccessStatusCode, await soon.Content.ReadAsStringAsync());
        campaign.Units = (await admin.GetFromJsonAsync<JsonElement[]>($"/api/campaigns/{campaign.Id}/progress"))!
            .ToDictionary(r => r.GetProperty("unitCode").GetString()!, r => r.GetProperty("unitId").GetGuid());
        return campaign;
    }

    /// <summary>Moves the self-assessment deadline to ten seconds from now.</summary>
    public async Task CloseSelfAssessmentSoonAsync(HttpClient admin)
    {
        var moved = await admin.PutAsJsonAsync($"/api/campaigns/{Id}/schedule", Schedule(opened.Publication, opened.Opening, At(10)));
        Assert.True(moved.IsSuccessStatusCode, await moved.Content.ReadAsStringAsync());
    }

    public string SelfAssessmentUrl(string unitCode) => $"/api/campaigns/{Id}/units/{Units[unitCode]}/self-assessment";

    public async Task<string> StageAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonElement>($"/api/campaigns/{Id}/workflow")).GetProperty("stage").GetString()!;

    /// <summary>Waits (a minute at most) for the campaign's timers to bring it to <paramref name="stage"/>.</summary>
    public async Task WaitForStageAsync(HttpClient client, string stage)
    {
        for (var i = 0; i < 120 && await StageAsync(client) != stage; i++)
            await Task.Delay(500);
        Assert.Equal(stage, await StageAsync(client));
    }
}
