using Dtx.Campaign.Server.Campaigns;
using Dtx.Campaign.Server.Disputes;
using Dtx.Campaign.Workflows.Activities;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Workflow;

/// <summary>
/// The steps that open and close the campaign's windows. Each stamps the moment on the campaign (once: a
/// re-run keeps the first stamp) and journals what it did with the campaign's own figures.
/// </summary>
internal static class StageStamp
{
    public static string Local(ActivityContext context, DateTimeOffset utc) =>
        $"{ScheduleInput.Show(ScheduleInput.Local(utc, context.TimeZone))} ({context.TimeZone.Id})";

    public static DateTimeOffset Now(ActivityContext context) => new(context.NowUtc, TimeSpan.Zero);

    public static void Touch(Campaigns.Campaign campaign) => campaign.ConcurrencyStamp = Guid.NewGuid();
}

/// <summary>Publishes the campaign's index sets to its units: from now on the units see what they will be assessed on.</summary>
internal sealed class PublishIndexActivity(IndexSets.IndexSetCache sets) : IActivity
{
    public string Name => "publish-index";

    public async ValueTask<ActivityOutcome> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var campaign = await ActivityCampaign.LoadAsync(context, cancellationToken);
        var chosen = await context.Db.Set<CampaignIndexSet>().AsNoTracking().Where(s => s.CampaignId == campaign.Id)
            .OrderBy(s => s.Category).ToListAsync(cancellationToken);
        var units = await context.Db.Set<Participant>().CountAsync(p => p.CampaignId == campaign.Id, cancellationToken);
        var described = new List<string>();
        foreach (var c in chosen)
        {
            var set = await sets.GetAsync((Data.CampaignDbContext)context.Db, c.IndexSetId, cancellationToken);
            described.Add($"{c.Category}: '{set.Key}' v{set.Version}, {set.Leaves().Count(l => l.Scored)} indicators, {set.MaxPoints:0.##} points");
        }
        campaign.IndexPublishedAt ??= StageStamp.Now(context);
        StageStamp.Touch(campaign);
        return new ActivityOutcome("published", $"{string.Join("; ", described)} — published to {units} unit(s)");
    }
}

/// <summary>Opens self-assessment: the units' forms accept answers until each unit's deadline.</summary>
internal sealed class OpenSelfAssessmentActivity : IActivity
{
    public string Name => "open-self-assessment";

    public async ValueTask<ActivityOutcome> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var campaign = await ActivityCampaign.LoadAsync(context, cancellationToken);
        var participants = await context.Db.Set<Participant>().AsNoTracking().Where(p => p.CampaignId == campaign.Id).ToListAsync(cancellationToken);
        campaign.SelfAssessmentOpenedAt ??= StageStamp.Now(context);
        StageStamp.Touch(campaign);
        var extended = participants.Count(p => p.ExtendedUntil is not null);
        return new ActivityOutcome("opened", $"{participants.Count} unit(s) may self-assess until {StageStamp.Local(context, campaign.Schedule.SelfAssessmentClosesAt)}"
            + (campaign.GraceDays > 0 ? $", late until {StageStamp.Local(context, campaign.GraceEnd(campaign.Schedule.SelfAssessmentClosesAt))}" : "")
            + (extended > 0 ? $"; {extended} with an extension" : "")
            + (campaign.EarlyClose ? "; closes early once every unit has submitted" : ""));
    }
}

/// <summary>Opens the dispute window on the preliminary results.</summary>
internal sealed class OpenDisputesActivity : IActivity
{
    public string Name => "open-disputes";

    public async ValueTask<ActivityOutcome> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var campaign = await ActivityCampaign.LoadAsync(context, cancellationToken);
        var eligible = await context.Db.Set<Participant>().CountAsync(p => p.CampaignId == campaign.Id && p.Verification != VerificationStatus.Excluded, cancellationToken);
        campaign.DisputesOpenedAt ??= StageStamp.Now(context);
        campaign.DisputesClosedAt = null;
        StageStamp.Touch(campaign);
        return new ActivityOutcome("opened", $"{eligible} unit(s) may dispute their preliminary results until {StageStamp.Local(context, campaign.Schedule.DisputesClosesAt)}");
    }
}

/// <summary>Closes the dispute window: no dispute is filed after this; the council resolves those filed.</summary>
internal sealed class CloseDisputesActivity : IActivity
{
    public string Name => "close-disputes";

    public async ValueTask<ActivityOutcome> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var campaign = await ActivityCampaign.LoadAsync(context, cancellationToken);
        var disputes = await context.Db.Set<Dispute>().AsNoTracking().Where(d => d.CampaignId == campaign.Id).Select(d => d.Status).ToListAsync(cancellationToken);
        campaign.DisputesClosedAt ??= StageStamp.Now(context);
        StageStamp.Touch(campaign);
        var open = disputes.Count(s => s == DisputeStatus.Open);
        return new ActivityOutcome("closed", $"{disputes.Count} dispute(s) filed; {open} open for the council to resolve, {disputes.Count - open} already resolved");
    }
}

/// <summary>Archives the campaign: nothing of it changes any more; its documents and results stay readable.</summary>
internal sealed class ArchiveCampaignActivity : IActivity
{
    public string Name => "archive-campaign";

    public async ValueTask<ActivityOutcome> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var campaign = await ActivityCampaign.LoadAsync(context, cancellationToken);
        var documents = await context.Db.Set<Notices.IssuedDocument>().CountAsync(d => d.CampaignId == campaign.Id, cancellationToken);
        campaign.Status = CampaignStatus.Archived;
        campaign.ArchivedAt ??= StageStamp.Now(context);
        StageStamp.Touch(campaign);
        return new ActivityOutcome("archived", $"campaign archived with {documents} issued document(s)");
    }
}
