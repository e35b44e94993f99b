using System.Security.Claims;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Workflow;

/// <summary>How asking to approve the end of a stage ended.</summary>
public enum ApprovalOutcome
{
    Approved,
    NoSuchCampaign,
    NotLaunched,
    /// <summary>The chair asked, but the gate's conditions are not met (<see cref="ApprovalResult.Gate"/> says what remains).</summary>
    NotReady,
    Forbidden,
    AlreadyApproved,
    NotWaiting,
    Failed,
    /// <summary>The checksum the chair saw is not the figures' checksum now: something changed under the approval.</summary>
    StaleSnapshot,
    /// <summary>An earlier stage's approval no longer matches its figures: it must be approved again first.</summary>
    EarlierApprovalStale,
    /// <summary>A stale approval of a passed stage was renewed on the current figures (the workflow does not move).</summary>
    Reapproved,
}

public sealed record ApprovalResult(ApprovalOutcome Outcome, string Stage, GateCheck? Gate = null, string? Detail = null, string? Checksum = null,
    IReadOnlyList<string>? Changes = null);

/// <summary>
/// The chair's approval of the end of a stage, for the API and the council's page alike: the gate is
/// checked first (for the chair, so that others learn first that they may not approve), then the workflow
/// resumes with the approval.
/// </summary>
internal sealed class StageApprovals(CampaignDbContext db, WorkflowRuntime runtime, StageGates gates, ApprovalSnapshots snapshots,
    Audit.AuditTrail audit, TimeProvider clock)
{
    // seenChecksum: the snapshot checksum the chair was shown; when given and no longer current, nothing is approved.
    public async Task<ApprovalResult> ApproveAsync(Guid campaignId, string stage, string? comment, ClaimsPrincipal user, CancellationToken ct,
        string? seenChecksum = null)
    {
        var campaign = await db.Campaigns.AsNoTracking().Include(c => c.Council).FirstOrDefaultAsync(c => c.Id == campaignId, ct);
        if (campaign is null)
            return new ApprovalResult(ApprovalOutcome.NoSuchCampaign, "");
        if (campaign.WorkflowInstanceId is not { } instanceId)
            return new ApprovalResult(ApprovalOutcome.NotLaunched, "set-up");
        var actor = WorkflowApi.ActorFor(user, campaign);
        var isChair = actor.Roles.Contains("council-chair");
        var gated = ApprovalSnapshots.GatedStages.Contains(stage);
        var snapshot = gated ? await snapshots.TakeAsync(campaignId, stage, ct) : null;
        if (isChair && snapshot is not null)
        {
            if (seenChecksum is not null && !string.Equals(seenChecksum, snapshot.Checksum, StringComparison.OrdinalIgnoreCase))
                return new ApprovalResult(ApprovalOutcome.StaleSnapshot, stage, Checksum: seenChecksum, Detail: snapshot.Checksum);
            var records = await snapshots.ListAsync(campaignId, ct);
            if (records.FirstOrDefault(r => r.Stage == stage) is { Stale: true } own)
            {
                // The stage was approved and its figures changed since: the chair renews the approval on today's figures.
                await RecordAsync(campaignId, stage, snapshot, actor.Id, comment, own.Changes, ct);
                return new ApprovalResult(ApprovalOutcome.Reapproved, stage, Checksum: snapshot.Checksum, Changes: own.Changes);
            }
            var earlier = records.FirstOrDefault(r => r.Stale && Array.IndexOf(ApprovalSnapshots.GatedStages, r.Stage) < Array.IndexOf(ApprovalSnapshots.GatedStages, stage));
            if (earlier is not null)
                return new ApprovalResult(ApprovalOutcome.EarlierApprovalStale, earlier.Stage, Checksum: earlier.CurrentChecksum, Changes: earlier.Changes);
        }
        if (isChair && await gates.CheckAsync(campaign, stage, ct) is { Ready: false } check)
            return new ApprovalResult(ApprovalOutcome.NotReady, stage, check);
        var result = await runtime.ApproveAsync(instanceId, stage, actor, comment, ct);
        var state = (await runtime.GetStateAsync(instanceId, ct))?.Instance;
        var now = state?.CurrentStage ?? "";
        // The record is written once the workflow has moved; the snapshot was taken before, on what the chair approved.
        if (result == ResumeResult.Resumed && snapshot is not null)
            await RecordAsync(campaignId, stage, snapshot, actor.Id, comment, null, ct);
        return result switch
        {
            ResumeResult.Resumed => new ApprovalResult(ApprovalOutcome.Approved, now, Checksum: snapshot?.Checksum),
            ResumeResult.Forbidden => new ApprovalResult(ApprovalOutcome.Forbidden, now),
            ResumeResult.AlreadyConsumed => new ApprovalResult(ApprovalOutcome.AlreadyApproved, now),
            ResumeResult.NotFound => new ApprovalResult(ApprovalOutcome.NotWaiting, now),
            // A failed step was rolled back and recorded as an incident (journal 'faulted'); say what failed.
            ResumeResult.Faulted => new ApprovalResult(ApprovalOutcome.Failed, now, Detail: state?.Incident ?? result.ToString()),
            _ => new ApprovalResult(ApprovalOutcome.Failed, now, Detail: result.ToString()),
        };
    }

    private async Task RecordAsync(Guid campaignId, string stage, ApprovalSnapshot snapshot, string by, string? comment, IReadOnlyList<string>? changes, CancellationToken ct)
    {
        var record = new ApprovalRecord
        {
            Id = Guid.CreateVersion7(), CampaignId = campaignId, Stage = stage, Checksum = snapshot.Checksum,
            Snapshot = System.Text.Encoding.UTF8.GetString(ApprovalSnapshot.Canonical(snapshot.Items)), ApprovedAt = clock.GetUtcNow(), ApprovedBy = by, Comment = comment,
        };
        db.Add(record);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new Audit.AuditEvent(changes is null ? "approval.recorded" : "approval.renewed", "approval-record", record.Id.ToString(),
            After: new { stage, snapshot.Checksum, Items = snapshot.Items.Count, ChangedSinceLast = changes?.Count }, CampaignId: campaignId), ct);
    }
}
