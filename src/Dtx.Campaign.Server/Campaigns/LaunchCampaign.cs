using Dtx.Campaign.Server.Audit;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.IndexSets;
using Dtx.Campaign.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Campaigns;

/// <summary>
/// Launches a draft campaign: checks that it can run as planned, then hands it to its workflow.
/// Refuses, naming what to fix, when an index set is not published, a unit has no applicable index
/// set, the council has no chair, or a date has already passed.
/// </summary>
internal sealed class LaunchCampaign(CampaignDbContext db, WorkflowRuntime workflows, AuditTrail audit, TimeProvider clock)
{
    public async Task<Campaign> HandleAsync(Guid id, string? user, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var campaign = await db.Set<Campaign>().AsSplitQuery()
            .Include(c => c.IndexSets).Include(c => c.Participants).Include(c => c.Council)
            .FirstOrDefaultAsync(c => c.Id == id, ct) ?? throw new KeyNotFoundException($"Campaign {id}");

        var errors = new Dictionary<string, string[]>();
        if (campaign.Status != CampaignStatus.Draft)
            throw CampaignRequestException.For("status", $"the campaign is {campaign.Status.ToString().ToLowerInvariant()}: only a draft can be launched");

        var setIds = campaign.IndexSets.Select(s => s.IndexSetId).ToList();
        var sets = await db.IndexSets.AsNoTracking().Where(s => setIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, ct);
        foreach (var chosen in campaign.IndexSets.Where(s => sets[s.IndexSetId].Status != IndexSetStatus.Published))
        {
            var set = sets[chosen.IndexSetId];
            errors[$"indexSets.{chosen.Category}"] = [$"index set '{set.Key}' v{set.Version} is {set.Status.ToString().ToLowerInvariant()}, not published: publish it or choose a published version"];
        }
        var withoutSet = campaign.Participants.Where(p => campaign.IndexSets.All(s => s.Category != p.Category)).ToList();
        if (withoutSet.Count > 0)
            errors["participants"] = [$"{withoutSet.Count} unit(s) have no applicable index set (categories: {string.Join(", ", withoutSet.Select(p => p.Category).Distinct())})"];
        if (campaign.Participants.Count == 0)
            errors["participants"] = ["the campaign has no participating unit"];
        if (campaign.Council.All(m => m.Role != CouncilRole.Chair))
            errors["council"] = ["the Appraisal Council has no chair: add the member who approves each stage"];
        var zone = TimeZoneInfo.FindSystemTimeZoneById(campaign.TimeZone);
        if (ScheduleInput.FromUtc(campaign.Schedule, zone).FirstInThePast(clock.GetUtcNow(), zone) is { } past)
            errors[past.Field] = [$"{ScheduleInput.Show(past.Local)} ({zone.Id}) has already passed: move the dates before launching"];
        if (errors.Count > 0)
            throw new CampaignRequestException(errors);

        // The annual workflow starts in the same transaction: a launch either has its workflow or did not happen.
        var actor = WorkflowActor.User(user ?? "system", Identity.Roles.CampaignAdmin);
        var instance = await workflows.StartAsync(new StartWorkflow("annual-campaign", campaign.Id.ToString(), Workflow.CampaignDates.Of(campaign.Schedule, campaign.GraceDays, campaign.ReminderHours),
            Variables: new Dictionary<string, string> { ["earlyCloseEnabled"] = campaign.EarlyClose ? "true" : "false" },
            TimeZoneId: campaign.TimeZone, Actor: actor), ct);
        campaign.WorkflowInstanceId = instance.Id;
        campaign.Status = CampaignStatus.Launched;
        campaign.LaunchedAt = clock.GetUtcNow();
        campaign.LaunchedBy = user;
        campaign.ConcurrencyStamp = Guid.NewGuid();
        await db.SaveChangesAsync(ct);
        // Launching is the administrator's word that the index may be published now, not on its date:
        // the definition's set-up stage waits for this event. Same transaction: published, or not launched.
        var launched = await workflows.RaiseEventAsync(instance.Id, "campaign-launched", actor, ct);
        if (launched is not (ResumeResult.Resumed or ResumeResult.NotFound))
            throw new InvalidOperationException($"The workflow of campaign {campaign.Id} did not take the launch ({launched}).");
        await audit.RecordAsync(new AuditEvent("campaign.launched", "campaign", campaign.Id.ToString(),
            Before: new { Status = "draft" }, After: new { Status = "launched", Workflow = $"{instance.DefinitionKey} v{instance.DefinitionVersion}" }, CampaignId: campaign.Id), ct);
        await transaction.CommitAsync(ct);
        return campaign;
    }
}
