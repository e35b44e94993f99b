using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Audit;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Hosting;
using Dtx.Campaign.Server.IndexSets;
using Dtx.Campaign.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Campaigns;

/// <summary>
/// Launches a draft campaign: checks that it can run as planned, then hands it to its workflow.
/// Refuses, naming what to fix, when an index set is not published, a unit has no applicable index
/// set, the council has no chair, the authority's letterhead (who signs) is not set, or a date has already passed.
/// </summary>
internal sealed class LaunchCampaign(CampaignDbContext db, WorkflowRuntime workflows, AuditTrail audit, TimeProvider clock)
{
    public async Task<Campaign> HandleAsync(Guid id, string? user, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var campaign = await db.Set<Campaign>().AsSplitQuery()
            .Include(c => c.IndexSets).Include(c => c.Participants).Include(c => c.Council)
            .FirstOrDefaultAsync(c => c.Id == id, ct) ?? throw Refusal.NotFound("not-found", ("what", $"Campaign {id}"));

        var errors = new List<Reason>();
        if (campaign.Status != CampaignStatus.Draft)
            throw Refusal.Invalid("status", "campaign.not-draft", ("status", ApiNames.Label("campaign", campaign.Status)));

        var setIds = campaign.IndexSets.Select(s => s.IndexSetId).ToList();
        var sets = await db.IndexSets.AsNoTracking().Where(s => setIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, ct);
        foreach (var chosen in campaign.IndexSets.Where(s => sets[s.IndexSetId].Status != IndexSetStatus.Published))
        {
            var set = sets[chosen.IndexSetId];
            errors.Add(Reason.For($"indexSets.{chosen.Category}", "launch.index-set-not-published", ("set", set.Key), ("version", set.Version), ("status", ApiNames.Label("index-set", set.Status))));
        }
        var withoutSet = campaign.Participants.Where(p => campaign.IndexSets.All(s => s.Category != p.Category)).ToList();
        if (withoutSet.Count > 0)
            errors.Add(Reason.For("participants", "launch.units-without-set", ("count", withoutSet.Count), ("categories", withoutSet.Select(p => p.Category).Distinct().ToList())));
        if (campaign.Participants.Count == 0)
            errors.Add(Reason.For("participants", "campaign.no-units"));
        if (campaign.Council.All(m => m.Role != CouncilRole.Chair))
            errors.Add(Reason.For("council", "launch.no-chair"));
        // Every notice and certificate names its signer: none is issued with the defaults' placeholder.
        if (!await db.Set<Notices.Letterhead>().AnyAsync(l => l.AuthorityId == campaign.AuthorityId, ct))
        {
            var authority = await db.Authorities.AsNoTracking().FirstAsync(a => a.Id == campaign.AuthorityId, ct);
            errors.Add(Reason.For("letterhead", "campaign.letterhead-missing", ("authority", authority.NameVi)));
        }
        var zone = TimeZoneInfo.FindSystemTimeZoneById(campaign.TimeZone);
        if (ScheduleInput.FromUtc(campaign.Schedule, zone).FirstInThePast(clock.GetUtcNow(), zone) is { } past)
            errors.Add(Reason.For(past.Field, "launch.date-passed", ("time", new LocalTime(ScheduleInput.Show(past.Local), zone.Id))));
        if (errors.Count > 0)
            throw Refusal.Invalid(errors);

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
