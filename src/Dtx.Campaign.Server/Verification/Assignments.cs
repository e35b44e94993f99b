using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Audit;
using Dtx.Campaign.Server.Council;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.IndexSets;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Verification;

/// <summary>The council assigns its members the units to verify, or one indicator group of a unit; never a member's own unit.</summary>
internal sealed class Assignments(CampaignDbContext db, IndexSetCache sets, AuditTrail audit, TimeProvider clock)
{
    public async Task<IReadOnlyList<AssignmentView>> AssignAsync(CouncilSeat seat, IReadOnlyList<AssignmentInput> inputs, CancellationToken ct)
    {
        if (inputs.Count == 0)
            throw Refusal.Invalid("assignments", "verification.assignments-empty");
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var participants = await db.Participants.Where(p => p.CampaignId == seat.Campaign.Id).ToDictionaryAsync(p => p.UnitId, ct);
        var units = await db.Units.AsNoTracking().Where(u => participants.Keys.Contains(u.Id)).ToDictionaryAsync(u => u.Id, ct);
        var created = new List<VerificationAssignment>();
        for (var i = 0; i < inputs.Count; i++)
        {
            var input = inputs[i];
            var member = seat.Campaign.Council.FirstOrDefault(m => m.Id == input.MemberId)
                ?? throw Refusal.Invalid($"assignments[{i}].memberId", "verification.not-council-member", ("member", input.MemberId));
            if (!participants.TryGetValue(input.UnitId, out var participant))
                throw Refusal.Invalid($"assignments[{i}].unitId", "verification.not-participating", ("unit", input.UnitId));
            var unit = units[input.UnitId];
            if (member.UnitId == input.UnitId)
                throw new Refusal(RefusalKind.Forbidden, [Reason.For($"assignments[{i}]", "verification.conflict-of-interest", ("member", member.FullName), ("unit", $"{unit.Code} {unit.NameVi}"))]);
            if (input.GroupCode is { } group && !(await sets.GetAsync(db, participant.IndexSetId, ct)).Groups.Any(g => g.Code == group))
                throw Refusal.Invalid($"assignments[{i}].groupCode", "verification.not-a-group", ("group", group), ("unit", unit.Code));
            if (await db.Set<VerificationAssignment>().AnyAsync(a => a.ParticipantId == participant.Id && a.CouncilMemberId == member.Id && a.GroupCode == input.GroupCode, ct)
                || created.Any(a => a.ParticipantId == participant.Id && a.CouncilMemberId == member.Id && a.GroupCode == input.GroupCode))
                continue;
            var assignment = new VerificationAssignment
            {
                Id = Guid.CreateVersion7(), CampaignId = seat.Campaign.Id, ParticipantId = participant.Id, CouncilMemberId = member.Id,
                GroupCode = input.GroupCode, AssignedAt = clock.GetUtcNow(), AssignedBy = seat.Actor,
            };
            db.Add(assignment);
            created.Add(assignment);
        }
        // Each member given new work is told once per assignment, by e-mail and in their inbox.
        var told = seat.Campaign.Council.Where(m => created.Any(a => a.CouncilMemberId == m.Id)).Select(m => (m.Email, m.FullName));
        foreach (var member in await Email.Announcements.RecipientsAsync(db, told, ct))
            Email.Announcements.Queue(db, clock.GetUtcNow(), "verification-assigned", seat.Campaign, member, seat.Campaign.Schedule.VerificationEndsAt);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditEvent("verification.assigned", "campaign", seat.Campaign.Id.ToString(),
            After: created.Select(a => new { a.ParticipantId, a.CouncilMemberId, a.GroupCode }), CampaignId: seat.Campaign.Id), ct);
        await transaction.CommitAsync(ct);
        var byParticipant = participants.Values.ToDictionary(p => p.Id, p => units[p.UnitId]);
        return created.Select(a => new AssignmentView(a.Id, byParticipant[a.ParticipantId].Id, byParticipant[a.ParticipantId].Code, a.CouncilMemberId,
            seat.Campaign.Council.First(m => m.Id == a.CouncilMemberId).FullName, a.GroupCode)).ToList();
    }
}
