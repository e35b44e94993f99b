using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Audit;
using Dtx.Campaign.Server.Campaigns;
using Dtx.Campaign.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.SelfAssessments;

/// <summary>A unit hands its self-assessment to the council: submits it, takes it back within minutes, answers the council's clarification.</summary>
internal sealed class Submission(CampaignDbContext db, AssessmentWork work, AuditTrail audit, TimeProvider clock, Dtx.Campaign.Workflows.Runtime.WorkflowRuntime workflows)
{
    /// <summary>
    /// Submits when complete; otherwise refuses listing every indicator still missing an answer or evidence. In a campaign
    /// with head approval only an approver (the unit's head, or an administrator) submits, and the record says who prepared
    /// what they approved.
    /// </summary>
    public async Task<SelfAssessmentView> SubmitAsync(Guid campaignId, Guid unitId, string? user, CancellationToken ct, bool byApprover = false)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var scope = await work.LockedScopeAsync(campaignId, unitId, ct);
        scope.Rules.EnsureSubmittable(clock.GetUtcNow(), byApprover);
        await work.EnsureCompleteAsync(scope, ct);
        var before = CampaignProgress.Kebab(scope.Participant.Status);
        scope.Participant.Submit(clock.GetUtcNow(), user, late: scope.Rules.SubmissionIsLate(clock.GetUtcNow()));
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditEvent("self-assessment.submitted", "participant", scope.Participant.Id.ToString(),
            new { Status = before }, new { Status = "submitted", scope.Participant.SelfTotal, scope.Participant.SelfPercentage,
                ApprovedBy = scope.Campaign.HeadApproval && byApprover ? user : null, scope.Participant.PreparedBy },
            CampaignId: campaignId, UnitId: unitId), ct);
        await transaction.CommitAsync(ct);
        await RaiseAllSubmittedAsync(scope.Campaign, user, ct);
        return await work.ViewAsync(scope, ct);
    }

    /// <summary>
    /// Takes a submission back for a few minutes after it was made (the rules are <see cref="Scoring.Participation.Participation.EnsureWithdrawable"/>):
    /// the form opens again with every answer and file as it was, to the head when the head had approved it, else to the unit.
    /// </summary>
    public async Task<SelfAssessmentView> WithdrawAsync(Guid campaignId, Guid unitId, string? user, CancellationToken ct, bool byApprover = false)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var scope = await work.LockedScopeAsync(campaignId, unitId, ct);
        var stage = await Council.CampaignStage.OfAsync(db, scope.Campaign, ct);
        scope.Rules.EnsureWithdrawable(clock.GetUtcNow(), byApprover, selfAssessmentLasts: !Council.CampaignStage.IsPast(stage, "self-assessment"));
        var p = scope.Participant;
        var before = new { Status = "submitted", p.SubmittedAt, p.SubmittedBy };
        p.Withdraw(scope.Campaign.HeadApproval);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditEvent("self-assessment.withdrawn", "participant", p.Id.ToString(), before,
            new { Status = CampaignProgress.Kebab(p.Status) }, CampaignId: campaignId, UnitId: unitId), ct);
        await transaction.CommitAsync(ct);
        return await work.ViewAsync(scope, ct);
    }

    /// <summary>
    /// The last unit to submit raises <c>all-units-submitted</c>: the workflow closes self-assessment early when the
    /// campaign allows it (its guard), and ignores it otherwise. After the submission's commit, so that a failing
    /// close becomes the workflow's incident and never refuses the unit's submission.
    /// </summary>
    private async Task RaiseAllSubmittedAsync(Campaigns.Campaign campaign, string? user, CancellationToken ct)
    {
        if (campaign.WorkflowInstanceId is not { } instance
            || await db.Participants.AnyAsync(p => p.CampaignId == campaign.Id
                && (ParticipantStatuses.Unsubmitted.Contains(p.Status) || p.Status == ParticipantStatus.ReturnedForClarification), ct))
            return;
        await workflows.RaiseEventAsync(instance, "all-units-submitted", Dtx.Campaign.Workflows.Runtime.WorkflowActor.User(user ?? "system"), ct);
    }

    /// <summary>The unit's answer to the council's open clarification request; it then edits what is needed and resubmits.</summary>
    public async Task<SelfAssessmentView> AnswerClarificationAsync(Guid campaignId, Guid unitId, string? answer, string? user, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(answer) || answer.Length > 8000)
            throw Refusal.Invalid("answer", "self-assessment.clarification-answer");
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var scope = await work.LockedScopeAsync(campaignId, unitId, ct);
        scope.Rules.EnsureReturned();
        scope.EnsureEditable(clock.GetUtcNow());
        var request = await db.Set<Verification.ClarificationRequest>().Where(c => c.ParticipantId == scope.Participant.Id)
            .OrderByDescending(c => c.RequestedAt).FirstAsync(ct);
        var before = request.Answer;
        (request.Answer, request.AnsweredBy, request.AnsweredAt) = (answer.Trim(), user, clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditEvent("self-assessment.clarification-answered", "clarification", request.Id.ToString(), before, request.Answer,
            CampaignId: campaignId, UnitId: unitId), ct);
        await transaction.CommitAsync(ct);
        return await work.ViewAsync(scope, ct);
    }
}
