using Dtx.Campaign.Server.Council;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.SelfAssessments;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Verification;

/// <summary>
/// What the council reads of its verification: the progress per unit and per member, and one unit's self-assessment beside
/// the verdicts, the score history and the clarification requests. A member reads the units assigned to them; the chair,
/// vice-chair, secretary and administrators read all.
/// </summary>
internal sealed class VerificationProgress(CampaignDbContext db, ReviewWork work, SelfAssessment selfAssessment)
{
    /// <summary>A member sees the units assigned to them; the chair, vice-chair, secretary and administrators see all.</summary>
    public Task<VerificationProgressView> ProgressAsync(CouncilSeat seat, CancellationToken ct) =>
        work.ProgressAsync(seat.Campaign, seat.Organises || seat.IsAdministrator ? null : seat.SeatedMember, ct);

    public async Task<UnitReviewView> UnitAsync(CouncilSeat seat, Guid unitId, CancellationToken ct)
    {
        var scope = await ReadScopeAsync(seat, unitId, ct);
        var view = await selfAssessment.GetAsync(seat.Campaign.Id, unitId, ct) ?? throw AssessmentWork.UnitNotFound(seat.Campaign.Id, unitId);
        var id = scope.Participant.Id;
        var verdicts = await db.Set<IndicatorVerdict>().AsNoTracking().Where(v => v.ParticipantId == id).OrderBy(v => v.IndicatorCode).ToListAsync(ct);
        var history = await History(db, id, ct);
        var clarifications = await db.Set<ClarificationRequest>().AsNoTracking().Where(c => c.ParticipantId == id).OrderBy(c => c.RequestedAt).ToListAsync(ct);
        return new UnitReviewView(await work.UnitProgressAsync(seat.Campaign, unitId, ct), view, verdicts.Select(ReviewWork.ToView).ToList(), history,
            clarifications.Select(c => ReviewWork.ToView(c, scope)).ToList());
    }

    /// <summary>A unit's score changes, indicator by indicator, in the order they were made (also the unit's own results page).</summary>
    public static async Task<IReadOnlyList<ScoreChangeView>> History(CampaignDbContext db, Guid participantId, CancellationToken ct) =>
        (await db.Set<ScoreChange>().AsNoTracking().Where(c => c.ParticipantId == participantId).ToListAsync(ct))
        .OrderBy(c => c.At).ThenBy(c => c.Id)
        .Select(c => new ScoreChangeView(c.IndicatorCode, c.Stage, c.FromPoints, c.ToPoints, c.Note, c.By, c.At)).ToList();

    /// <summary>The unit's scope, after checking the reader sees it: an organiser, an administrator, or a member assigned to it.</summary>
    private async Task<AssessmentScope> ReadScopeAsync(CouncilSeat seat, Guid unitId, CancellationToken ct)
    {
        var scope = await work.ScopeAsync(seat, unitId, ct);
        if (seat.Organises || seat.IsAdministrator)
            return scope;
        var member = seat.SeatedMember;
        if (!await db.Set<VerificationAssignment>().AnyAsync(a => a.ParticipantId == scope.Participant.Id && a.CouncilMemberId == member.Id, ct))
            throw ReviewWork.NotAssigned(member, scope, null);
        return scope;
    }
}
