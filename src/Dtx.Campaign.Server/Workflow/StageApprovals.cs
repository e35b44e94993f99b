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
}

public sealed record ApprovalResult(ApprovalOutcome Outcome, string Stage, GateCheck? Gate = null, string? Detail = null);

/// <summary>
/// The chair's approval of the end of a stage, for the API and the council's page alike: the gate is
/// checked first (for the chair, so that others learn first that they may not approve), then the workflow
/// resumes with the approval.
/// </summary>
internal sealed class StageApprovals(CampaignDbContext db, WorkflowRuntime runtime, StageGates gates)
{
    public async Task<ApprovalResult> ApproveAsync(Guid campaignId, string stage, string? comment, ClaimsPrincipal user, CancellationToken ct)
    {
        var campaign = await db.Campaigns.AsNoTracking().Include(c => c.Council).FirstOrDefaultAsync(c => c.Id == campaignId, ct);
        if (campaign is null)
            return new ApprovalResult(ApprovalOutcome.NoSuchCampaign, "");
        if (campaign.WorkflowInstanceId is not { } instanceId)
            return new ApprovalResult(ApprovalOutcome.NotLaunched, "set-up");
        var actor = WorkflowApi.ActorFor(user, campaign);
        if (actor.Roles.Contains("council-chair") && await gates.CheckAsync(campaign, stage, ct) is { Ready: false } check)
            return new ApprovalResult(ApprovalOutcome.NotReady, stage, check);
        var result = await runtime.ApproveAsync(instanceId, stage, actor, comment, ct);
        var state = (await runtime.GetStateAsync(instanceId, ct))?.Instance;
        var now = state?.CurrentStage ?? "";
        return result switch
        {
            ResumeResult.Resumed => new ApprovalResult(ApprovalOutcome.Approved, now),
            ResumeResult.Forbidden => new ApprovalResult(ApprovalOutcome.Forbidden, now),
            ResumeResult.AlreadyConsumed => new ApprovalResult(ApprovalOutcome.AlreadyApproved, now),
            ResumeResult.NotFound => new ApprovalResult(ApprovalOutcome.NotWaiting, now),
            // A failed step was rolled back and recorded as an incident (journal 'faulted'); say what failed.
            ResumeResult.Faulted => new ApprovalResult(ApprovalOutcome.Failed, now, Detail: state?.Incident ?? result.ToString()),
            _ => new ApprovalResult(ApprovalOutcome.Failed, now, Detail: result.ToString()),
        };
    }
}
