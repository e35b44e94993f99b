using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dtx.Campaign.Server.Tests.Infrastructure;

/// <summary>The Hanoi-style campaign most tests need: the 2025 calendar (local times) and a chair.</summary>
public static class TestCampaigns
{
    public const string ChairEmail = "chair@demo.hanoi.invalid";

    public static object Schedule(int year = 2025, string closes = "11-30T17:00:00") => new
    {
        indexPublicationAt = $"{year}-10-23T08:00:00",
        selfAssessmentOpensAt = $"{year}-11-01T08:00:00",
        selfAssessmentClosesAt = $"{year}-{closes}",
        verificationEndsAt = $"{year}-12-15T17:00:00",
        preliminaryResultsAt = $"{year}-12-16T08:00:00",
        disputesOpensAt = $"{year}-12-16T08:00:00",
        disputesClosesAt = $"{year}-12-23T17:00:00",
        finalPublicationAt = $"{year}-12-30T08:00:00",
    };

    /// <summary>Creates (and by default launches) a campaign of the HN demo units on the given index sets; returns its id.</summary>
    public static async Task<Guid> CreateAsync(HttpClient admin, Dictionary<string, Guid> indexSets, bool launch = true, object? schedule = null, object[]? council = null,
        bool countUnsubmittedDrafts = false, bool headApproval = false)
    {
        var response = await admin.PostAsJsonAsync("/api/campaigns", new
        {
            authority = "HN", year = 2025, nameVi = "Đánh giá chuyển đổi số năm 2025", nameEn = "Digital transformation assessment 2025",
            indexSets, schedule = schedule ?? Schedule(), countUnsubmittedDrafts, headApproval,
            council = council ?? new[] { new { fullName = "Phó Chủ tịch UBND TP", email = ChairEmail, role = "chair" }, new { fullName = "Thư ký", email = "secretary@demo.hanoi.invalid", role = "secretary" } },
        });
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"Campaign not created: {await response.Content.ReadAsStringAsync()}");
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        if (launch)
            (await LaunchAsync(admin, id)).EnsureSuccessStatusCode();
        return id;
    }

    /// <summary>Launches a campaign as an administrator would, the authority's letterhead (who signs) set first when it is not.</summary>
    public static async Task<HttpResponseMessage> LaunchAsync(HttpClient admin, object campaignId, string authority = "HN")
    {
        await EnsureLetterheadAsync(admin, authority);
        return await admin.PostAsync($"/api/campaigns/{campaignId}/launch", null);
    }

    /// <summary>The letterhead a launch requires; one already saved (by the test, or a demo) is kept.</summary>
    public static async Task EnsureLetterheadAsync(HttpClient admin, string authority = "HN")
    {
        var current = await admin.GetFromJsonAsync<JsonElement>($"/api/authorities/{authority}/letterhead");
        if (current.GetProperty("saved").GetBoolean())
            return;
        (await admin.PutAsJsonAsync($"/api/authorities/{authority}/letterhead", new
        {
            parentName = "", issuerName = current.GetProperty("issuerName").GetString(), place = current.GetProperty("place").GetString(), symbol = "UBND",
            signerCapacity = "TM. ỦY BAN NHÂN DÂN", signerTitle = "CHỦ TỊCH", signerName = "Nguyễn Văn An",
        })).EnsureSuccessStatusCode();
    }

    /// <summary>Unit code → unit id of the campaign's participants.</summary>
    public static async Task<Dictionary<string, Guid>> UnitsAsync(HttpClient admin, Guid campaign) =>
        (await admin.GetFromJsonAsync<JsonElement[]>($"/api/campaigns/{campaign}/progress"))!
            .ToDictionary(r => r.GetProperty("unitCode").GetString()!, r => r.GetProperty("unitId").GetGuid());
    /// <summary>
    /// Launches a created campaign on an older version of the annual cycle (without the dates newer versions added), as
    /// the server did before a newer version shipped; the launch itself always takes the newest.
    /// </summary>
    public static async Task LaunchOnVersionAsync(CampaignApp app, Guid campaignId, int version)
    {
        await EnsureLetterheadAsync(await app.LoginAsAdminAsync());   // as the launch it stands for requires
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Data.CampaignDbContext>();
        var campaign = await db.Campaigns.SingleAsync(c => c.Id == campaignId);
        var definition = scope.ServiceProvider.GetRequiredService<Workflows.Definitions.IWorkflowDefinitionStore>().Find("annual-campaign", version)!;
        var named = definition.Stages.SelectMany(s => s.Timers).SelectMany(t => new[] { t.At.DateName, t.Until }).OfType<string>().ToHashSet();
        var dates = Server.Workflow.CampaignDates.Of(campaign.Schedule, campaign.GraceDays, campaign.ReminderHours).Where(d => named.Contains(d.Key))
            .ToDictionary(d => d.Key, d => d.Value);
        var instance = await scope.ServiceProvider.GetRequiredService<Workflows.Runtime.WorkflowRuntime>().StartAsync(
            new Workflows.Runtime.StartWorkflow("annual-campaign", campaignId.ToString(), dates, Version: version, TimeZoneId: campaign.TimeZone));
        campaign.WorkflowInstanceId = instance.Id;
        campaign.Status = Server.Campaigns.CampaignStatus.Launched;
        await db.SaveChangesAsync();
    }
}
