using Dtx.Campaign.Scoring.Participation;
using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Audit;
using Dtx.Campaign.Server.Campaigns;
using Dtx.Campaign.Server.Council;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.SelfAssessments;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Verification;

/// <summary>
/// A council member gives verdicts on a unit's indicators: one, several at once, or every self-score that may simply be
/// accepted (of a unit, or of one indicator group across the member's units). What a verdict may say is
/// <see cref="CouncilReview.Decide"/>'s; only in the council-verification stage, within the member's remit.
/// </summary>
internal sealed class Verdicts(CampaignDbContext db, ReviewWork work, AuditTrail audit, TimeProvider clock)
{
    public async Task<VerdictView> ReviewAsync(CouncilSeat seat, Guid unitId, string code, VerdictInput input, CancellationToken ct) =>
        (await ReviewManyAsync(seat, unitId, [new VerdictChange(code, input)], ct)).Single();

    /// <summary>Several verdicts on one unit in one transaction, all or none (the demo's council reviews a whole unit this way).</summary>
    public async Task<IReadOnlyList<VerdictView>> ReviewManyAsync(CouncilSeat seat, Guid unitId, IReadOnlyList<VerdictChange> changes, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var (scope, member) = await work.ReviewScopeAsync(seat, unitId, [.. changes.Select(c => c.Code)], ct);
        EnsureNotAnswering(scope);
        var verdicts = await RecordVerdictsAsync(seat, scope, member, changes, ct);
        await transaction.CommitAsync(ct);
        return [.. verdicts.Select(ReviewWork.ToView)];
    }

    /// <summary>
    /// Accepts in one step every self-score of the unit that the member may verify, that has no verdict yet, is answered and
    /// has the evidence its indicator asks for (a bonus claim: evidence under it). Each gets the verdict, score change and
    /// audit entry of a single acceptance; the rest is listed with why. The same stage, seat and conflict-of-interest rules.
    /// </summary>
    public Task<SelfScoresAcceptedView> AcceptSelfScoresAsync(CouncilSeat seat, Guid unitId, CancellationToken ct) => AcceptSelfScoresAsync(seat, unitId, null, ct);

    /// <summary>
    /// The same for one indicator group, across every unit where the member is assigned to that group or to the whole unit.
    /// Each unit is its own transaction, as if accepted unit by unit: a unit its review would refuse (returned for
    /// clarification, excluded, nothing to verify) is listed with the refusal and the others go on.
    /// </summary>
    public async Task<GroupSelfScoresAcceptedView> AcceptGroupSelfScoresAsync(CouncilSeat seat, string groupCode, CancellationToken ct)
    {
        var member = seat.SeatedMember;
        await CampaignStage.RequireAsync(db, seat.Campaign, "action.verify", ct, ReviewWork.Stage);
        var units = await (from a in db.Set<VerificationAssignment>().AsNoTracking()
                           join p in db.Participants.AsNoTracking() on a.ParticipantId equals p.Id
                           join u in db.Units.AsNoTracking() on p.UnitId equals u.Id
                           where a.CampaignId == seat.Campaign.Id && a.CouncilMemberId == member.Id && (a.GroupCode == null || a.GroupCode == groupCode)
                           select new { p.UnitId, u.Code, p.Category }).Distinct().ToListAsync(ct);
        if (units.Count == 0)
            throw Refusal.Forbidden("verification.group-not-assigned", ("member", member.FullName), ("group", groupCode));
        var language = Refusal.LanguageOf(System.Globalization.CultureInfo.CurrentUICulture);
        var accepted = new List<SelfScoresAcceptedView>();
        var refused = new List<UnitRefusedView>();
        foreach (var unit in units.OrderBy(u => u.Category, StringComparer.Ordinal).ThenBy(u => u.Code, StringComparer.Ordinal))
        {
            try
            {
                accepted.Add(await AcceptSelfScoresAsync(seat, unit.UnitId, groupCode, ct));
            }
            catch (Refusal refusal)
            {
                // Nothing of a refused unit stays tracked to be saved with the next one.
                db.ChangeTracker.Clear();
                refused.Add(new UnitRefusedView(unit.UnitId, unit.Code, refusal.Code, string.Join("; ", refusal.Texts(language))));
            }
        }
        return new GroupSelfScoresAcceptedView(groupCode, accepted.Sum(u => u.AcceptedCount), accepted.Sum(u => u.SkippedCount), accepted, refused);
    }

    /// <summary>One unit's bulk acceptance; with a group, only that group's indicators are looked at (and must be the member's).</summary>
    private async Task<SelfScoresAcceptedView> AcceptSelfScoresAsync(CouncilSeat seat, Guid unitId, string? group, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var (scope, member, remit) = await work.ReviewRemitAsync(seat, unitId, ct);
        if (group is null ? !remit.Any : !remit.CoversGroup(group))
            throw ReviewWork.NotAssigned(member, scope, group);
        EnsureNotAnswering(scope);
        var id = scope.Participant.Id;
        var reviewed = (await work.VerdictCodesAsync(id, ct)).ToHashSet(StringComparer.Ordinal);
        var answers = await db.Set<Answer>().AsNoTracking().Where(a => a.ParticipantId == id).ToDictionaryAsync(a => a.IndicatorCode, StringComparer.Ordinal, ct);
        var evidenced = (await db.Set<EvidenceItem>().AsNoTracking().Where(e => e.ParticipantId == id).Select(e => e.IndicatorCode).Distinct().ToListAsync(ct))
            .ToHashSet(StringComparer.Ordinal);
        var leaves = scope.ApplicableLeaves.ToDictionary(l => l.Code, StringComparer.Ordinal);
        SkipReason? WhyNot(string code)
        {
            if (!remit.Covers(code))
                return SkipReason.NotAssigned;
            if (reviewed.Contains(code))
                return SkipReason.AlreadyReviewed;
            // A bonus claim to review has items (ToReviewAsync); it counts only with evidence under it.
            if (Scoring.Participation.Participation.IsBonusEvidence(code))
                return evidenced.Contains(code) ? null : SkipReason.NoEvidence;
            if (!answers.TryGetValue(code, out var answer) || !Scoring.Participation.Participation.Answered(answer.Input(false)))
                return SkipReason.NotAnswered;
            return Scoring.Participation.Participation.AnswerLacksEvidence(leaves[code], answer.Input(evidenced.Contains(code))) ? SkipReason.NoEvidence : null;
        }
        var skipped = new List<SkippedSelfScore>();
        var accept = new List<VerdictChange>();
        foreach (var code in (await work.ToReviewAsync(scope, ct)).Where(c => group is null || ReviewWork.Remit.GroupOf(c) == group))
        {
            if (WhyNot(code) is { } reason)
                skipped.Add(new SkippedSelfScore(code, reason));
            else
                accept.Add(new VerdictChange(code, new VerdictInput(true, null, null)));
        }
        // Nothing to accept writes nothing: a second bulk acceptance leaves the unit as it was.
        var verdicts = accept.Count == 0 ? [] : await RecordVerdictsAsync(seat, scope, member, accept, ct);
        await transaction.CommitAsync(ct);
        return new SelfScoresAcceptedView(unitId, scope.Unit.Code, verdicts.Count, skipped.Count, [.. verdicts.Select(ReviewWork.ToView)], skipped);
    }

    /// <summary>Whether the seat may give verdicts on some of the unit now (the checks of a review: stage, seat, conflict of interest, assignment).</summary>
    public async Task<bool> MayReviewAsync(CouncilSeat seat, Guid unitId, CancellationToken ct)
    {
        try
        {
            return (await work.ReviewRemitAsync(seat, unitId, ct)).Remit.Any;
        }
        catch (Refusal)
        {
            return false;
        }
    }

    /// <summary>While the unit may still answer the council's questions, its scores wait.</summary>
    private void EnsureNotAnswering(AssessmentScope scope)
    {
        if (scope.Participant.AwaitsClarification(clock.GetUtcNow()))
            throw Refusal.Conflict("verification.returned", ("unit", scope.Unit.Code), ("dueAt", scope.When(scope.Participant.ClarificationDueAt!.Value)));
    }

    /// <summary>
    /// The verdicts of a review, in the caller's transaction: per indicator one verdict, one score change and one audit
    /// entry, whether the member reviews one indicator, several, or accepts self-scores in bulk.
    /// </summary>
    private async Task<List<IndicatorVerdict>> RecordVerdictsAsync(CouncilSeat seat, AssessmentScope scope, CouncilMember member, IReadOnlyList<VerdictChange> changes,
        CancellationToken ct)
    {
        var unitId = scope.Unit.Id;
        var verdicts = new List<IndicatorVerdict>();
        var events = new List<AuditEvent>();
        foreach (var (code, input) in changes)
        {
            var (max, selfPoints) = await SelfPointsAsync(scope, code, ct);
            var (points, note) = CouncilReview.Decide(code, input, max, selfPoints, Scoring.Participation.Participation.IsBonusEvidence(code));

            var verdict = await db.Set<IndicatorVerdict>().FirstOrDefaultAsync(v => v.ParticipantId == scope.Participant.Id && v.IndicatorCode == code, ct);
            var before = verdict is null ? null : new { verdict.Points, verdict.Note, verdict.MemberName };
            if (verdict is null)
            {
                verdict = new IndicatorVerdict { Id = Guid.CreateVersion7(), ParticipantId = scope.Participant.Id, IndicatorCode = code, MemberName = member.FullName };
                db.Add(verdict);
            }
            var from = before?.Points ?? selfPoints;
            (verdict.SelfPoints, verdict.Points, verdict.Note, verdict.CouncilMemberId, verdict.MemberName, verdict.At) =
                (selfPoints, points, note, member.Id, member.FullName, clock.GetUtcNow());
            db.Add(new ScoreChange
            {
                Id = Guid.CreateVersion7(), ParticipantId = scope.Participant.Id, IndicatorCode = code, Stage = ScoreStage.Verified,
                FromPoints = from, ToPoints = points, Note = note, By = member.FullName, At = verdict.At,
            });
            verdicts.Add(verdict);
            events.Add(new AuditEvent("verification.scored", "indicator-verdict", verdict.Id.ToString(), before,
                new { verdict.SelfPoints, verdict.Points, verdict.Note, verdict.MemberName }, Detail: code, CampaignId: seat.Campaign.Id, UnitId: unitId));
        }
        scope.Participant.VerdictsGiven();
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(events, ct);
        return verdicts;
    }

    /// <summary>The indicator's maximum and the unit's self-score (for a bonus rule: the items claimed with evidence).</summary>
    private async Task<(decimal Max, decimal SelfPoints)> SelfPointsAsync(AssessmentScope scope, string code, CancellationToken ct)
    {
        var id = scope.Participant.Id;
        if (Scoring.Participation.Participation.IsBonusEvidence(code))
        {
            var rule = scope.IndexSet.BonusRules.FirstOrDefault(r => BonusClaimRecord.EvidenceCode(r.Key) == code)
                ?? throw Refusal.NotFound("not-found", ("what", $"Bonus rule '{code[6..]}' in the index set of {scope.Unit.Code}"));
            var claim = await db.Set<BonusClaimRecord>().AsNoTracking().FirstOrDefaultAsync(c => c.ParticipantId == id && c.RuleKey == rule.Key, ct);
            var hasEvidence = await db.Set<EvidenceItem>().AnyAsync(e => e.ParticipantId == id && e.IndicatorCode == code, ct);
            var claimed = claim is not null && Scoring.Participation.Participation.BonusCounts(claim.Count, hasEvidence) ? claim.Count : 0;
            return (claimed, claimed);
        }
        var leaf = AssessmentWork.EnsureIndicator(scope, code);
        var self = await db.Set<Answer>().AsNoTracking().Where(a => a.ParticipantId == id && a.IndicatorCode == code).Select(a => (decimal?)a.SelfScore).FirstOrDefaultAsync(ct);
        return (leaf.MaxPoints, self ?? 0);
    }
}
