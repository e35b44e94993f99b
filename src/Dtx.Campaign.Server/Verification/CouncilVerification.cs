using System.Text.Json;
using Dtx.Campaign.Scoring.Participation;
using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Audit;
using Dtx.Campaign.Server.Campaigns;
using Dtx.Campaign.Server.Council;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.IndexSets;
using Dtx.Campaign.Server.SelfAssessments;
using Dtx.Campaign.Server.Units;
using Dtx.Campaign.Workflows.Storage;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Verification;

/// <summary>
/// The Appraisal Council's verification of the units' self-assessments: assignments (never to a member
/// from the unit), a verdict per indicator, returning a unit for clarification, and marking a unit
/// verified or excluded. Only in the council-verification stage. Who may call each is the endpoint's or page's
/// <see cref="CouncilPermission"/>; here stay what a seat may see and change of a unit (assignment, conflict of interest).
/// </summary>
internal sealed class CouncilVerification(CampaignDbContext db, IndexSetCache sets, SelfAssessment selfAssessment, AuditTrail audit, TimeProvider clock,
    Notices.NoticeDesk notices, Workflow.StageGates gates)
{
    private const string Stage = "council-verification";

    /// <summary>Whether the council has to verify the unit: it submitted, or its draft counts by the campaign's rule.</summary>
    public static bool NeedsVerification(Participant p, Campaigns.Campaign c) =>
        CouncilReview.NeedsVerification(ParticipantStatuses.ForRules(p.Status), c.CountUnsubmittedDrafts);

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

    public async Task<VerdictView> ReviewAsync(CouncilSeat seat, Guid unitId, string code, VerdictInput input, CancellationToken ct) =>
        (await ReviewManyAsync(seat, unitId, [new VerdictChange(code, input)], ct)).Single();

    /// <summary>Several verdicts on one unit in one transaction, all or none (the demo's council reviews a whole unit this way).</summary>
    public async Task<IReadOnlyList<VerdictView>> ReviewManyAsync(CouncilSeat seat, Guid unitId, IReadOnlyList<VerdictChange> changes, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var (scope, member) = await ReviewScopeAsync(seat, unitId, [.. changes.Select(c => c.Code)], ct);
        EnsureNotAnswering(scope);
        var verdicts = await RecordVerdictsAsync(seat, scope, member, changes, ct);
        await transaction.CommitAsync(ct);
        return [.. verdicts.Select(ToView)];
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
        await CampaignStage.RequireAsync(db, seat.Campaign, "action.verify", ct, Stage);
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
        var (scope, member, remit) = await ReviewRemitAsync(seat, unitId, ct);
        if (group is null ? !remit.Any : !remit.CoversGroup(group))
            throw group is null ? Refusal.Forbidden("verification.not-assigned", ("member", member.FullName), ("unit", scope.Unit.Code))
                : Refusal.Forbidden("verification.not-assigned-group", ("member", member.FullName), ("group", group), ("unit", scope.Unit.Code));
        EnsureNotAnswering(scope);
        var id = scope.Participant.Id;
        var reviewed = (await VerdictCodesAsync(id, ct)).ToHashSet(StringComparer.Ordinal);
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
        foreach (var code in (await ToReviewAsync(scope, ct)).Where(c => group is null || Remit.GroupOf(c) == group))
        {
            if (WhyNot(code) is { } reason)
                skipped.Add(new SkippedSelfScore(code, reason));
            else
                accept.Add(new VerdictChange(code, new VerdictInput(true, null, null)));
        }
        // Nothing to accept writes nothing: a second bulk acceptance leaves the unit as it was.
        var verdicts = accept.Count == 0 ? [] : await RecordVerdictsAsync(seat, scope, member, accept, ct);
        await transaction.CommitAsync(ct);
        return new SelfScoresAcceptedView(unitId, scope.Unit.Code, verdicts.Count, skipped.Count, [.. verdicts.Select(ToView)], skipped);
    }

    /// <summary>Whether the seat may give verdicts on some of the unit now (the checks of a review: stage, seat, conflict of interest, assignment).</summary>
    public async Task<bool> MayReviewAsync(CouncilSeat seat, Guid unitId, CancellationToken ct)
    {
        try
        {
            return (await ReviewRemitAsync(seat, unitId, ct)).Remit.Any;
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
            throw Refusal.Conflict("verification.returned", ("unit", scope.Unit.Code), ("dueAt", scope.Local(scope.Participant.ClarificationDueAt!.Value)));
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
        if (scope.Participant.Verification == VerificationStatus.Pending)
            scope.Participant.Verification = VerificationStatus.InProgress;
        scope.Participant.ConcurrencyStamp = Guid.NewGuid();
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(events, ct);
        return verdicts;
    }

    /// <summary>Marks a unit verified once every indicator (and every bonus claim) has a verdict.</summary>
    public async Task<UnitVerificationView> CompleteAsync(CouncilSeat seat, Guid unitId, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var (scope, _) = await ReviewScopeAsync(seat, unitId, [], ct);
        if (scope.Participant.AwaitsClarification(clock.GetUtcNow()))
            throw Refusal.Conflict("verification.answering-clarification", ("unit", scope.Unit.Code));
        CouncilReview.EnsureComplete(scope.Unit.Code, await ToReviewAsync(scope, ct), await VerdictCodesAsync(scope.Participant.Id, ct));
        scope.Participant.Verification = VerificationStatus.Verified;
        scope.Participant.VerifiedAt = clock.GetUtcNow();
        scope.Participant.ConcurrencyStamp = Guid.NewGuid();
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditEvent("verification.completed", "participant", scope.Participant.Id.ToString(),
            After: new { Verification = "verified" }, CampaignId: seat.Campaign.Id, UnitId: unitId), ct);
        await TellChairIfReadyAsync(seat.Campaign, ct);
        await transaction.CommitAsync(ct);
        return (await BuildProgressAsync(seat.Campaign, null, ct)).PerUnit.First(u => u.UnitId == unitId);
    }

    /// <summary>
    /// When the last unit to verify is completed or excluded, the chair is told (e-mail and inbox) that the stage's approval
    /// waits for them — once per campaign, by the same gate check the approval itself makes.
    /// </summary>
    private async Task TellChairIfReadyAsync(Campaigns.Campaign campaign, CancellationToken ct)
    {
        if (!(await gates.CheckAsync(campaign, Stage, ct)).Ready)
            return;
        var chairs = campaign.Council.Where(m => m.Role == CouncilRole.Chair).Select(m => (m.Email, m.FullName));
        foreach (var chair in await Email.Announcements.RecipientsAsync(db, chairs, ct))
            if (!await db.Set<OutboxMessage>().AnyAsync(m => m.IdempotencyKey == Email.Announcements.OnceKey("verification-approval-due", campaign, chair), ct))
                Email.Announcements.Queue(db, clock.GetUtcNow(), "verification-approval-due", campaign, chair, once: true);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Leaves a unit out of verification and ranking, with the reason on the record.</summary>
    public async Task<UnitVerificationView> ExcludeAsync(CouncilSeat seat, Guid unitId, string? reason, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(reason) || reason.Trim().Length < 5)
            throw Refusal.Invalid("reason", "verification.exclusion-reason");
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await CampaignStage.RequireAsync(db, seat.Campaign, "action.exclude", ct, Stage);
        var participant = await db.Participants.FirstOrDefaultAsync(p => p.CampaignId == seat.Campaign.Id && p.UnitId == unitId, ct)
            ?? throw Refusal.NotFound("not-found", ("what", $"Unit {unitId} in campaign {seat.Campaign.Id}"));
        var before = participant.Verification.ToString();
        participant.Verification = VerificationStatus.Excluded;
        participant.ExclusionReason = reason.Trim();
        participant.ConcurrencyStamp = Guid.NewGuid();
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditEvent("verification.excluded", "participant", participant.Id.ToString(), new { Verification = before },
            new { Verification = "excluded", participant.ExclusionReason }, CampaignId: seat.Campaign.Id, UnitId: unitId), ct);
        await TellChairIfReadyAsync(seat.Campaign, ct);
        await transaction.CommitAsync(ct);
        return (await BuildProgressAsync(seat.Campaign, null, ct)).PerUnit.First(u => u.UnitId == unitId);
    }

    /// <summary>Returns a submitted unit's self-assessment with questions; it may edit and must resubmit before the due time.</summary>
    public async Task<ClarificationView> ReturnForClarificationAsync(CouncilSeat seat, Guid unitId, ClarificationInput input, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(input.Questions))
            throw Refusal.Invalid("questions", "verification.questions-required");
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var (scope, member) = await ReviewScopeAsync(seat, unitId, [], ct);
        scope.Rules.EnsureReturnable(status => CampaignProgress.Kebab(Enum.Parse<ParticipantStatus>(status.ToString())));
        if (LocalDateTimeInput.TryParse(input.DueAt, scope.Zone, out var due) is { } refusal)
            throw Refusal.Invalid([refusal with { Field = "dueAt" }]);
        var now = clock.GetUtcNow();
        if (due <= now)
            throw Refusal.Invalid("dueAt", "date.in-past", ("time", $"{input.DueAt} ({scope.Zone.Id})"));
        if (due > seat.Campaign.Schedule.VerificationEndsAt)
            throw Refusal.Invalid("dueAt", "verification.due-after-verification", ("end", scope.Local(seat.Campaign.Schedule.VerificationEndsAt)));
        var request = new ClarificationRequest
        {
            Id = Guid.CreateVersion7(), ParticipantId = scope.Participant.Id, Questions = input.Questions.Trim(), RequestedBy = member.FullName,
            RequestedAt = now, DueAt = due,
        };
        db.Add(request);
        scope.Participant.Status = ParticipantStatus.ReturnedForClarification;
        scope.Participant.ClarificationDueAt = due;
        scope.Participant.ConcurrencyStamp = Guid.NewGuid();
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
                    letter.Subject, letter.Text, letter.Html, letter.ModelType, letter.ModelJson,
                }),
            });
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditEvent("verification.returned-for-clarification", "clarification", request.Id.ToString(),
            After: new { request.Questions, request.DueAt, request.RequestedBy }, CampaignId: seat.Campaign.Id, UnitId: unitId), ct);
        await transaction.CommitAsync(ct);
        return ToView(request, scope);
    }

    /// <summary>A member sees the units assigned to them; the chair, vice-chair, secretary and administrators see all.</summary>
    public Task<VerificationProgressView> ProgressAsync(CouncilSeat seat, CancellationToken ct) =>
        BuildProgressAsync(seat.Campaign, seat.Organises || seat.IsAdministrator ? null : seat.SeatedMember, ct);

    private async Task<VerificationProgressView> BuildProgressAsync(Campaigns.Campaign campaign, CouncilMember? onlyFor, CancellationToken ct)
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
        var perUnit = rows.Select(r => new UnitVerificationView(r.p.UnitId, r.Code, r.NameVi, r.p.Category, CampaignProgress.Kebab(r.p.Status),
            Kebab(r.p.Verification, NeedsVerification(r.p, campaign)), r.p.ExclusionReason, verdictCounts.GetValueOrDefault(r.p.Id), r.p.ApplicableCount,
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
            return new MemberProgressView(m.Id, m.FullName, m.Role.ToString().ToLowerInvariant(), assigned.Count,
                rows.Count(r => assigned.Contains(r.p.Id) && r.p.Verification == VerificationStatus.Verified));
        }).ToList();
        return new VerificationProgressView(rows.Count, done, verified, excluded, notRequired,
            Reason.Of("verification.summary", ("done", done), ("total", rows.Count), ("verified", verified), ("excluded", excluded), ("notSubmitted", notRequired))
                .Text(Refusal.LanguageOf(System.Globalization.CultureInfo.CurrentUICulture)), perUnit, perMember);
    }

    public async Task<UnitReviewView> UnitAsync(CouncilSeat seat, Guid unitId, CancellationToken ct)
    {
        var (scope, _) = await ReadScopeAsync(seat, unitId, ct);
        var view = await selfAssessment.GetAsync(seat.Campaign.Id, unitId, ct) ?? throw Refusal.NotFound("not-found", ("what", $"Unit {unitId} in campaign {seat.Campaign.Id}"));
        var id = scope.Participant.Id;
        var verdicts = await db.Set<IndicatorVerdict>().AsNoTracking().Where(v => v.ParticipantId == id).OrderBy(v => v.IndicatorCode).ToListAsync(ct);
        var history = await History(db, id, ct);
        var clarifications = await db.Set<ClarificationRequest>().AsNoTracking().Where(c => c.ParticipantId == id).OrderBy(c => c.RequestedAt).ToListAsync(ct);
        var progress = await BuildProgressAsync(seat.Campaign, null, ct);
        return new UnitReviewView(progress.PerUnit.First(u => u.UnitId == unitId), view, verdicts.Select(ToView).ToList(), history,
            clarifications.Select(c => ToView(c, scope)).ToList());
    }

    public static async Task<IReadOnlyList<ScoreChangeView>> History(CampaignDbContext db, Guid participantId, CancellationToken ct) =>
        (await db.Set<ScoreChange>().AsNoTracking().Where(c => c.ParticipantId == participantId).ToListAsync(ct))
        .OrderBy(c => c.At).ThenBy(c => c.Id)
        .Select(c => new ScoreChangeView(c.IndicatorCode, c.Stage.ToString().ToLowerInvariant(), c.FromPoints, c.ToPoints, c.Note, c.By, c.At)).ToList();

    /// <summary>The unit's scope, after checking the reader sees it: an organiser, an administrator, or a member assigned to it.</summary>
    private async Task<(AssessmentScope Scope, CouncilMember? Member)> ReadScopeAsync(CouncilSeat seat, Guid unitId, CancellationToken ct)
    {
        var scope = await AssessmentScope.LoadAsync(db, sets, seat.Campaign.Id, unitId, ct) ?? throw Refusal.NotFound("not-found", ("what", $"Unit {unitId} in campaign {seat.Campaign.Id}"));
        if (seat.Organises || seat.IsAdministrator)
            return (scope, seat.Member);
        var member = seat.SeatedMember;
        if (!await db.Set<VerificationAssignment>().AnyAsync(a => a.ParticipantId == scope.Participant.Id && a.CouncilMemberId == member.Id, ct))
            throw Refusal.Forbidden("verification.not-assigned", ("member", member.FullName), ("unit", scope.Unit.Code));
        return (scope, member);
    }

    /// <summary>The unit's scope for a change by a council member: right stage, assigned (to the indicator's group), no conflict of interest.</summary>
    private async Task<(AssessmentScope Scope, CouncilMember Member)> ReviewScopeAsync(CouncilSeat seat, Guid unitId, IReadOnlyCollection<string> codes, CancellationToken ct)
    {
        var (scope, member, remit) = await ReviewRemitAsync(seat, unitId, ct);
        // No code: a change to the whole unit.
        var groups = codes.Count == 0 ? [null] : codes.Select(Remit.GroupOf).Distinct().ToList();
        foreach (var group in groups)
            if (!remit.CoversGroup(group))
                throw group is null ? Refusal.Forbidden("verification.not-assigned", ("member", member.FullName), ("unit", scope.Unit.Code))
                    : Refusal.Forbidden("verification.not-assigned-group", ("member", member.FullName), ("group", group), ("unit", scope.Unit.Code));
        return (scope, member);
    }

    /// <summary>
    /// What of a unit a member may verify: all of it (an organiser, or assigned to the whole unit), some of its indicator
    /// groups, or nothing. A bonus rule's evidence belongs to the unit, not to a group.
    /// </summary>
    private sealed record Remit(bool WholeUnit, IReadOnlyList<string> Groups)
    {
        public static readonly Remit All = new(true, []);

        public bool Any => WholeUnit || Groups.Count > 0;

        public static string? GroupOf(string code) => Scoring.Participation.Participation.IsBonusEvidence(code) ? null : code.Split('.')[0];

        /// <summary>An indicator group, or (null) the whole unit.</summary>
        public bool CoversGroup(string? group) => WholeUnit || (group is not null && Groups.Contains(group, StringComparer.Ordinal));

        public bool Covers(string code) => CoversGroup(GroupOf(code));
    }

    /// <summary>The unit's scope for a council member's change: right stage, no conflict of interest, something to verify; and what of it is theirs.</summary>
    private async Task<(AssessmentScope Scope, CouncilMember Member, Remit Remit)> ReviewRemitAsync(CouncilSeat seat, Guid unitId, CancellationToken ct)
    {
        var member = seat.SeatedMember;
        await CampaignStage.RequireAsync(db, seat.Campaign, "action.verify", ct, Stage);
        var scope = await AssessmentScope.LoadAsync(db, sets, seat.Campaign.Id, unitId, ct) ?? throw Refusal.NotFound("not-found", ("what", $"Unit {unitId} in campaign {seat.Campaign.Id}"));
        CouncilReview.EnsureReviewable(scope.Unit.Code, member.FullName, membersOwnUnit: member.UnitId == unitId, NeedsVerification(scope.Participant, seat.Campaign),
            ParticipantStatuses.ForRules(scope.Participant.Verification), scope.Participant.ExclusionReason);
        if (seat.Organises)
            return (scope, member, Remit.All);
        var assigned = await db.Set<VerificationAssignment>().Where(a => a.ParticipantId == scope.Participant.Id && a.CouncilMemberId == member.Id)
            .Select(a => a.GroupCode).ToListAsync(ct);
        return (scope, member, new Remit(assigned.Contains(null), [.. assigned.OfType<string>()]));
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
        var leaf = scope.ApplicableLeaves.FirstOrDefault(l => l.Code == code)
            ?? throw Refusal.NotFound("not-found", ("what", $"Indicator {code} does not apply to {scope.Unit.Code} in this campaign"));
        var self = await db.Set<Answer>().AsNoTracking().Where(a => a.ParticipantId == id && a.IndicatorCode == code).Select(a => (decimal?)a.SelfScore).FirstOrDefaultAsync(ct);
        return (leaf.MaxPoints, self ?? 0);
    }

    /// <summary>What needs a verdict: every applicable indicator and every bonus claim, in the index set's order.</summary>
    private async Task<IReadOnlyList<string>> ToReviewAsync(AssessmentScope scope, CancellationToken ct)
    {
        var claims = await db.Set<BonusClaimRecord>().AsNoTracking().Where(c => c.ParticipantId == scope.Participant.Id && c.Count > 0)
            .Select(c => c.RuleKey).ToListAsync(ct);
        return [.. scope.ApplicableLeaves.Select(l => l.Code),
            .. scope.IndexSet.BonusRules.Where(r => claims.Contains(r.Key)).Select(r => BonusClaimRecord.EvidenceCode(r.Key))];
    }

    private async Task<List<string>> VerdictCodesAsync(Guid participantId, CancellationToken ct) =>
        await db.Set<IndicatorVerdict>().Where(v => v.ParticipantId == participantId).Select(v => v.IndicatorCode).ToListAsync(ct);

    private static string Kebab(VerificationStatus status, bool needed) => !needed && status is VerificationStatus.Pending ? "not-required" : status switch
    {
        VerificationStatus.Pending => "pending",
        VerificationStatus.InProgress => "in-progress",
        VerificationStatus.Verified => "verified",
        _ => "excluded",
    };


    private static VerdictView ToView(IndicatorVerdict v) => new(v.IndicatorCode, v.SelfPoints, v.Points, v.Note, v.MemberName, v.At);

    private static ClarificationView ToView(ClarificationRequest c, AssessmentScope scope) =>
        new(c.Id, c.Questions, c.DueAt, scope.Local(c.DueAt), c.RequestedBy, c.Answer, c.AnsweredAt);
}
