using System.Text.Json;
using Dtx.Campaign.Scoring.Participation;
using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Audit;
using Dtx.Campaign.Server.Campaigns;
using Dtx.Campaign.Server.Council;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.SelfAssessments;
using Dtx.Campaign.Server.Units;
using Dtx.Campaign.Workflows.Storage;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Verification;

/// <summary>
/// The council settles a unit: marks it verified once every verdict is in, leaves it out with a reason, or returns it to the
/// unit with questions. When the last unit is settled, the chair is told that the stage's approval waits for them.
/// </summary>
internal sealed class UnitVerification(CampaignDbContext db, ReviewWork work, AuditTrail audit, TimeProvider clock, Notices.NoticeDesk notices,
    Workflow.StageGates gates)
{
    /// <summary>Marks a unit verified once every indicator (and every bonus claim) has a verdict.</summary>
    public async Task<UnitVerificationView> CompleteAsync(CouncilSeat seat, Guid unitId, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var (scope, _) = await work.ReviewScopeAsync(seat, unitId, [], ct);
        CouncilReview.EnsureVerifiable(scope.Unit.Code, scope.Participant.AwaitsClarification(clock.GetUtcNow()),
            await work.ToReviewAsync(scope, ct), await work.VerdictCodesAsync(scope.Participant.Id, ct));
        scope.Participant.Verify(clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditEvent("verification.completed", "participant", scope.Participant.Id.ToString(),
            After: new { Verification = "verified" }, CampaignId: seat.Campaign.Id, UnitId: unitId), ct);
        await TellChairIfReadyAsync(seat.Campaign, ct);
        await transaction.CommitAsync(ct);
        return await work.UnitProgressAsync(seat.Campaign, unitId, ct);
    }

    /// <summary>Leaves a unit out of verification and ranking, with the reason on the record.</summary>
    public async Task<UnitVerificationView> ExcludeAsync(CouncilSeat seat, Guid unitId, string? reason, CancellationToken ct)
    {
        var kept = CouncilReview.ExclusionReason(reason);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await CampaignStage.RequireAsync(db, seat.Campaign, "action.exclude", ct, ReviewWork.Stage);
        var participant = await db.Participants.FirstOrDefaultAsync(p => p.CampaignId == seat.Campaign.Id && p.UnitId == unitId, ct)
            ?? throw AssessmentWork.UnitNotFound(seat.Campaign.Id, unitId);
        var before = participant.Verification.ToString();
        participant.Exclude(kept);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditEvent("verification.excluded", "participant", participant.Id.ToString(), new { Verification = before },
            new { Verification = "excluded", participant.ExclusionReason }, CampaignId: seat.Campaign.Id, UnitId: unitId), ct);
        await TellChairIfReadyAsync(seat.Campaign, ct);
        await transaction.CommitAsync(ct);
        return await work.UnitProgressAsync(seat.Campaign, unitId, ct);
    }

    /// <summary>
    /// When the last unit to verify is completed or excluded, the chair is told (e-mail and inbox) that the stage's approval
    /// waits for them — once per campaign, by the same gate check the approval itself makes.
    /// </summary>
    private async Task TellChairIfReadyAsync(Campaigns.Campaign campaign, CancellationToken ct)
    {
        if (!(await gates.CheckAsync(campaign, ReviewWork.Stage, ct)).Ready)
            return;
        var chairs = campaign.Council.Where(m => m.Role == CouncilRole.Chair).Select(m => (m.Email, m.FullName));
        foreach (var chair in await Email.Announcements.RecipientsAsync(db, chairs, ct))
            if (!await db.Set<OutboxMessage>().AnyAsync(m => m.IdempotencyKey == Email.Announcements.OnceKey("verification-approval-due", campaign, chair), ct))
                Email.Announcements.Queue(db, clock.GetUtcNow(), "verification-approval-due", campaign, chair, once: true);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Returns a submitted unit's self-assessment with questions; it may edit and must resubmit before the due time.</summary>
    public async Task<ClarificationView> ReturnForClarificationAsync(CouncilSeat seat, Guid unitId, ClarificationInput input, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(input.Questions))
            throw Refusal.Invalid("questions", "verification.questions-required");
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var (scope, member) = await work.ReviewScopeAsync(seat, unitId, [], ct);
        scope.Rules.EnsureReturnable();
        if (LocalDateTimeInput.TryParse(input.DueAt, scope.Zone, out var due) is { } refusal)
            throw Refusal.Invalid([refusal with { Field = "dueAt" }]);
        var now = clock.GetUtcNow();
        if (due <= now)
            throw Refusal.Invalid("dueAt", "date.in-past", ("time", new LocalTime(input.DueAt!, scope.Zone.Id)));
        if (due > seat.Campaign.Schedule.VerificationEndsAt)
            throw Refusal.Invalid("dueAt", "verification.due-after-verification", ("end", scope.When(seat.Campaign.Schedule.VerificationEndsAt)));
        var request = new ClarificationRequest
        {
            Id = Guid.CreateVersion7(), ParticipantId = scope.Participant.Id, Questions = input.Questions.Trim(), RequestedBy = member.FullName,
            RequestedAt = now, DueAt = due,
        };
        db.Add(request);
        scope.Participant.ReturnForClarification(due);
        var unit = await db.Units.AsNoTracking().Include(u => u.Contacts).FirstAsync(u => u.Id == unitId, ct);
        // The request is an official notice of the council, numbered and filed, rendered from its template.
        Documents.ClarificationRequestNotice Notice(Notices.NoticeDesk.NoticeContext c) => new()
        {
            Authority = c.Letterhead.Authority, Number = c.Number, IssuedAt = c.IssuedAt, TimeZoneId = c.Zone.Id, Campaign = c.Campaign, Signer = c.Letterhead.Signer,
            Recipients = [unit.NameVi + ";", "Lưu: VT."], Unit = Notices.NoticeDesk.UnitModel(unit), RespondBy = due, Items = [new("", "", request.Questions)],
        };
        var contacts = unit.Contacts.Where(c => c.Role == ContactRole.FocalOfficer).ToList();
        var issue = await notices.IssueAsync(seat.Campaign, Notice, member.FullName, contacts.Count, unitId, ct);
        var letter = Notices.NoticeDesk.Letter(issue, Notice(issue.Context));
        foreach (var contact in contacts)
            db.Add(new OutboxMessage
            {
                Id = Guid.NewGuid(), CreatedAt = now.UtcDateTime, Kind = "email", Status = OutboxStatus.Pending, NextAttemptAt = now.UtcDateTime,
                IdempotencyKey = $"clarification/{request.Id:N}/{contact.Email.ToLowerInvariant()}",
                PayloadJson = JsonSerializer.Serialize(new
                {
                    template = "clarification-request", campaignId = seat.Campaign.Id, unitId, unitCode = unit.Code, to = contact.Email, name = contact.FullName,
                    questions = request.Questions, deadlineUtc = due, documentId = issue.Document.Id, document = issue.Document.Display,
                    letter.Subject, letter.ModelType, letter.ModelJson,
                }),
            });
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditEvent("verification.returned-for-clarification", "clarification", request.Id.ToString(),
            After: new { request.Questions, request.DueAt, request.RequestedBy }, CampaignId: seat.Campaign.Id, UnitId: unitId), ct);
        await transaction.CommitAsync(ct);
        return ReviewWork.ToView(request, scope);
    }
}
