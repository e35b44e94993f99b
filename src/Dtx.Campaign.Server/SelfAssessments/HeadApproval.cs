using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Audit;
using Dtx.Campaign.Server.Campaigns;
using Dtx.Campaign.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.SelfAssessments;

/// <summary>
/// Approval inside the unit, in a campaign that asks for it: the officer sends the form to the unit's head, who submits
/// it (<see cref="Submission"/>) or sends it back with a note.
/// </summary>
internal sealed class HeadApproval(CampaignDbContext db, AssessmentWork work, AuditTrail audit, TimeProvider clock)
{
    /// <summary>
    /// The officer sends the complete self-assessment to the unit's head (campaigns with head approval): it is locked
    /// until the head submits it or sends it back. Incomplete, it is refused with the same list as a submission.
    /// </summary>
    public async Task<SelfAssessmentView> PrepareAsync(Guid campaignId, Guid unitId, string? user, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var scope = await work.LockedScopeAsync(campaignId, unitId, ct);
        scope.Rules.EnsurePreparable(clock.GetUtcNow());
        await work.EnsureCompleteAsync(scope, ct);
        var p = scope.Participant;
        var before = new { Status = CampaignProgress.Kebab(p.Status), p.SentBackNote };
        p.Prepare(clock.GetUtcNow(), user);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditEvent("self-assessment.prepared", "participant", p.Id.ToString(), before,
            new { Status = "awaiting-approval", p.SelfTotal, p.SelfPercentage }, CampaignId: campaignId, UnitId: unitId), ct);
        await TellHeadsAsync(scope, ct);
        await transaction.CommitAsync(ct);
        return await work.ViewAsync(scope, ct);
    }

    /// <summary>
    /// E-mails the unit's heads that a form waits for them (in their account's language; the unit's head contacts when no
    /// account has the head's role yet), committed with the step: the announcement templates word it (about-head-approval).
    /// </summary>
    private async Task TellHeadsAsync(AssessmentScope scope, CancellationToken ct)
    {
        var heads = await (from m in db.Set<Identity.UnitMembership>()
                           join u in db.Users on m.UserId equals u.Id
                           where m.UnitId == scope.Unit.Id && m.Role == Identity.UnitRole.Head
                           select new { u.Email, u.FullName }).ToListAsync(ct);
        if (heads.Count == 0)
            heads = await db.UnitContacts.Where(c => c.UnitId == scope.Unit.Id && c.Role == Units.ContactRole.Head)
                .Select(c => new { Email = (string?)c.Email, c.FullName }).ToListAsync(ct);
        foreach (var head in await Email.Announcements.RecipientsAsync(db, heads.Where(h => h.Email is not null).Select(h => (h.Email!, h.FullName)), ct))
            Email.Announcements.Queue(db, clock.GetUtcNow(), "head-approval", scope.Campaign, head, scope.Deadline, scope.Unit);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The head sends the prepared self-assessment back to the officer with a note saying what to change.</summary>
    public async Task<SelfAssessmentView> SendBackAsync(Guid campaignId, Guid unitId, string? note, string? user, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(note) || note.Trim().Length > 2000)
            throw Refusal.Invalid("note", "self-assessment.send-back-note");
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var scope = await work.LockedScopeAsync(campaignId, unitId, ct);
        scope.Rules.EnsureCanSendBack(clock.GetUtcNow());
        var p = scope.Participant;
        p.SendBack(note.Trim(), clock.GetUtcNow(), user);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditEvent("self-assessment.sent-back", "participant", p.Id.ToString(), new { Status = "awaiting-approval", p.PreparedBy },
            new { Status = "in-progress", Note = p.SentBackNote }, CampaignId: campaignId, UnitId: unitId), ct);
        await TellPreparerAsync(scope, p.PreparedBy, ct);
        await transaction.CommitAsync(ct);
        return await work.ViewAsync(scope, ct);
    }

    /// <summary>E-mails the officer who sent the form that the head sent it back (the note is read in the form), committed with the step.</summary>
    private async Task TellPreparerAsync(AssessmentScope scope, string? preparedBy, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(preparedBy) || !System.Net.Mail.MailAddress.TryCreate(preparedBy, out _))
            return;
        foreach (var officer in await Email.Announcements.RecipientsAsync(db, [(preparedBy, preparedBy)], ct))
            Email.Announcements.Queue(db, clock.GetUtcNow(), "sent-back", scope.Campaign, officer, scope.Deadline, scope.Unit);
        await db.SaveChangesAsync(ct);
    }
}
