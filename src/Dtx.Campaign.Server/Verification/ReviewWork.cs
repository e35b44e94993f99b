using Dtx.Campaign.Scoring.Participation;
using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Campaigns;
using Dtx.Campaign.Server.Council;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Hosting;
using Dtx.Campaign.Server.IndexSets;
using Dtx.Campaign.Server.SelfAssessments;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Verification;

/// <summary>
/// What every council-verification use case does the same way: load a unit's scope and check what of it a seat may change
/// (the stage, conflict of interest, the member's assignment: the pure rules are <see cref="CouncilReview"/>'s), list what
/// needs a verdict, and build the progress views. Who may call each use case is the endpoint's or page's
/// <see cref="CouncilPermission"/>; only what a seat may see and change of a unit is checked here.
/// </summary>
internal sealed class ReviewWork(CampaignDbContext db, IndexSetCache sets)
{
    public const string Stage = "council-verification";

    /// <summary>Whether the council has to verify the unit: it submitted, or its draft counts by the campaign's rule.</summary>
    public static bool NeedsVerification(Participant p, Campaigns.Campaign c) =>
        CouncilReview.NeedsVerification(ParticipantStatuses.ForRules(p.Status), c.CountUnsubmittedDrafts);

    /// <summary>The unit's scope in the seat's campaign, or not found.</summary>
    public async Task<AssessmentScope> ScopeAsync(CouncilSeat seat, Guid unitId, CancellationToken ct) =>
        await AssessmentScope.LoadAsync(db, sets, seat.Campaign.Id, unitId, ct) ?? throw AssessmentWork.UnitNotFound(seat.Campaign.Id, unitId);

    /// <summary>The unit's scope for a change by a council member: right stage, assigned (to the indicator's group), no conflict of interest.</summary>
    public async Task<(AssessmentScope Scope, CouncilMember Member)> ReviewScopeAsync(CouncilSeat seat, Guid unitId, IReadOnlyCollection<string> codes, CancellationToken ct)
    {
        var (scope, member, remit) = await ReviewRemitAsync(seat, unitId, ct);
        // No code: a change to the whole unit.
        var groups = codes.Count == 0 ? [null] : codes.Select(Remit.GroupOf).Distinct().ToList();
        foreach (var group in groups)
            if (!remit.CoversGroup(group))
                throw NotAssigned(member, scope, group);
        return (scope, member);
    }

    /// <summary>The refusal for a member outside their remit: the whole unit (no group), or one indicator group of it.</summary>
    public static Refusal NotAssigned(CouncilMember member, AssessmentScope scope, string? group) =>
        group is null ? Refusal.Forbidden("verification.not-assigned", ("member", member.FullName), ("unit", scope.Unit.Code))
            : Refusal.Forbidden("verification.not-assigned-group", ("member", member.FullName), ("group", group), ("unit", scope.Unit.Code));

    /// <summary>
    /// What of a unit a member may verify: all of it (an organiser, or assigned to the whole unit), some of its indicator
    /// groups, or nothing. A bonus rule's evidence belongs to the unit, not to a group.
    /// </summary>
    public sealed record Remit(bool WholeUnit, IReadOnlyList<string> Groups)
    {
        public static readonly Remit All = new(true, []);

        public bool Any => WholeUnit || Groups.Count > 0;

        public static string? GroupOf(string code) => Scoring.Participation.Participation.IsBonusEvidence(code) ? null : code.Split('.')[0];

        /// <summary>An indicator group, or (null) the whole unit.</summary>
        public bool CoversGroup(string? group) => WholeUnit || (group is not null && Groups.Contains(group, StringComparer.Ordinal));

        public bool Covers(string code) => CoversGroup(GroupOf(code));
    }

    /// <summary>The unit's scope for a council member's change: right stage, no conflict of interest, something to verify; and what of it is theirs.</summary>
    public async Task<(AssessmentScope Scope, CouncilMember Member, Remit Remit)> ReviewRemitAsync(CouncilSeat seat, Guid unitId, CancellationToken ct)
    {
        var member = seat.SeatedMember;
        await CampaignStage.RequireAsync(db, seat.Campaign, "action.verify", ct, Stage);
        var scope = await ScopeAsync(seat, unitId, ct);
        CouncilReview.EnsureReviewable(scope.Unit.Code, member.FullName, membersOwnUnit: member.UnitId == unitId, NeedsVerification(scope.Participant, seat.Campaign),
            ParticipantStatuses.ForRules(scope.Participant.Verification), scope.Participant.ExclusionReason);
        if (seat.Organises)
            return (scope, member, Remit.All);
        var assigned = await db.Set<VerificationAssignment>().Where(a => a.ParticipantId == scope.Participant.Id && a.CouncilMemberId == member.Id)
            .Select(a => a.GroupCode).ToListAsync(ct);
        return (scope, member, new Remit(assigned.Contains(null), [.. assigned.OfType<string>()]));
    }

    /// <summary>What needs a verdict: every applicable indicator and every bonus claim, in the index set's order.</summary>
    public async Task<IReadOnlyList<string>> ToReviewAsync(AssessmentScope scope, CancellationToken ct)
    {
        var claims = await db.Set<BonusClaimRecord>().AsNoTracking().Where(c => c.ParticipantId == scope.Participant.Id && c.Count > 0)
            .Select(c => c.RuleKey).ToListAsync(ct);
        return [.. scope.ApplicableLeaves.Select(l => l.Code),
            .. scope.IndexSet.BonusRules.Where(r => claims.Contains(r.Key)).Select(r => BonusClaimRecord.EvidenceCode(r.Key))];
    }

    public async Task<List<string>> VerdictCodesAsync(Guid participantId, CancellationToken ct) =>
        await db.Set<IndicatorVerdict>().Where(v => v.ParticipantId == participantId).Select(v => v.IndicatorCode).ToListAsync(ct);

    /// <summary>One unit's line of the progress, as it stands after a change to it.</summary>
    public async Task<UnitVerificationView> UnitProgressAsync(Campaigns.Campaign campaign, Guid unitId, CancellationToken ct) =>
        (await ProgressAsync(campaign, null, ct)).PerUnit.First(u => u.UnitId == unitId);

    /// <summary>The campaign's verification per unit and per member; with a member, only the units assigned to them.</summary>
    public async Task<VerificationProgressView> ProgressAsync(Campaigns.Campaign campaign, CouncilMember? onlyFor, CancellationToken ct)
    {
        var rows = await (from p in db.Participants.AsNoTracking()
                          join u in db.Units.AsNoTracking() on p.UnitId equals u.Id
                          where p.CampaignId == campaign.Id
                          orderby p.Category, u.Code
                          select new { p, u.Code, u.NameVi }).ToListAsync(ct);
        var assignments = await db.Set<VerificationAssignment>().AsNoTracking().Where(a => a.CampaignId == campaign.Id).ToListAsync(ct);
        var ids = rows.Select(r => r.p.Id).ToList();
        var verdictCounts = await db.Set<IndicatorVerdict>().AsNoTracking().Where(v => ids.Contains(v.ParticipantId))
            .GroupBy(v => v.ParticipantId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        var names = campaign.Council.ToDictionary(m => m.Id, m => m.FullName);
        var perUnit = rows.Select(r => new UnitVerificationView(r.p.UnitId, r.Code, r.NameVi, r.p.Category, r.p.Status,
            VerificationOf(r.p.Verification, NeedsVerification(r.p, campaign)), r.p.ExclusionReason, verdictCounts.GetValueOrDefault(r.p.Id), r.p.ApplicableCount,
            assignments.Where(a => a.ParticipantId == r.p.Id).Select(a => names.GetValueOrDefault(a.CouncilMemberId, "?") + (a.GroupCode is null ? "" : $" ({a.GroupCode})")).ToList()))
            .ToList();
        if (onlyFor is not null)
        {
            var mine = assignments.Where(a => a.CouncilMemberId == onlyFor.Id).Select(a => a.ParticipantId).ToHashSet();
            var mineUnits = rows.Where(r => mine.Contains(r.p.Id)).Select(r => r.p.UnitId).ToHashSet();
            perUnit = perUnit.Where(u => mineUnits.Contains(u.UnitId)).ToList();
        }
        var verified = rows.Count(r => r.p.Verification == VerificationStatus.Verified);
        var excluded = rows.Count(r => r.p.Verification == VerificationStatus.Excluded);
        var notRequired = rows.Count(r => r.p.Verification is VerificationStatus.Pending or VerificationStatus.InProgress && !NeedsVerification(r.p, campaign));
        var done = verified + excluded + notRequired;
        var perMember = campaign.Council.OrderBy(m => m.Role).ThenBy(m => m.FullName).Select(m =>
        {
            var assigned = assignments.Where(a => a.CouncilMemberId == m.Id).Select(a => a.ParticipantId).Distinct().ToList();
            // The role lower-cased as clients have always read it here ("vicechair"; the campaign's council seats carry the enum: "vice-chair").
            return new MemberProgressView(m.Id, m.FullName, m.Role.ToString().ToLowerInvariant(), assigned.Count,
                rows.Count(r => assigned.Contains(r.p.Id) && r.p.Verification == VerificationStatus.Verified));
        }).ToList();
        return new VerificationProgressView(rows.Count, done, verified, excluded, notRequired,
            Reason.Of("verification.summary", ("done", done), ("total", rows.Count), ("verified", verified), ("excluded", excluded), ("notSubmitted", notRequired))
                .Text(Refusal.LanguageOf(System.Globalization.CultureInfo.CurrentUICulture)), perUnit, perMember);
    }

    /// <summary>A unit's verification by its API name, or "not-required" (no member of the enum) for a unit the council need not verify.</summary>
    private static string VerificationOf(VerificationStatus status, bool needed) => !needed && status is VerificationStatus.Pending ? "not-required" : ApiNames.Of(status);

    public static VerdictView ToView(IndicatorVerdict v) => new(v.IndicatorCode, v.SelfPoints, v.Points, v.Note, v.MemberName, v.At);

    public static ClarificationView ToView(ClarificationRequest c, AssessmentScope scope) =>
        new(c.Id, c.Questions, c.DueAt, scope.Local(c.DueAt), c.RequestedBy, c.Answer, c.AnsweredAt);
}
