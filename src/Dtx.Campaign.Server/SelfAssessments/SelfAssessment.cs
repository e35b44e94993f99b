using Dtx.Campaign.Scoring.IndexSets;
using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Scoring.Scoring;
using Dtx.Campaign.Server.Audit;
using Dtx.Campaign.Server.Campaigns;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Evidence;
using Dtx.Campaign.Server.IndexSets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Dtx.Campaign.Server.SelfAssessments;

/// <summary>
/// A unit's self-assessment: read it, save an answer (scored on every save), attach evidence, submit.
/// Changes to one unit are serialised (an advisory lock on PostgreSQL, the single writer on SQLite)
/// so that a save and a submit, or a submit and the deadline, cannot both win.
/// </summary>
internal sealed class SelfAssessment(CampaignDbContext db, IndexSetCache sets, IEvidenceStore store, IOptions<EvidenceOptions> evidenceOptions, AuditTrail audit, TimeProvider clock,
    Dtx.Campaign.Workflows.Runtime.WorkflowRuntime workflows, Dtx.Campaign.Workflows.Storage.ITransactionLock locks)
{
    public async Task<SelfAssessmentView?> GetAsync(Guid campaignId, Guid unitId, CancellationToken ct)
    {
        var scope = await AssessmentScope.LoadAsync(db, sets, campaignId, unitId, ct);
        return scope is null ? null : await ViewAsync(scope, ct);
    }

    public async Task<AnswerView> SaveAnswerAsync(Guid campaignId, Guid unitId, string code, AnswerInput input, string? user, CancellationToken ct) =>
        (await SaveAnswersAsync(campaignId, unitId, [new AnswerChange(code, input)], user, ct)).Single();

    /// <summary>
    /// Saves several answers of one unit together, all or none: one lock, one read of the unit's entries, one
    /// recalculation of its totals (the demo fills whole forms this way, 40 answers in one transaction).
    /// </summary>
    public async Task<IReadOnlyList<AnswerView>> SaveAnswersAsync(Guid campaignId, Guid unitId, IReadOnlyList<AnswerChange> changes, string? user, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var scope = await LockedScopeAsync(campaignId, unitId, ct);
        var checkedChanges = changes.Select(change => Check(scope, change)).ToList();
        scope.EnsureEditable(clock.GetUtcNow());

        // The unit's entries are read once: the answers to change, which have evidence, and the totals.
        var entries = await EntriesAsync(scope, ct, trackAnswers: true);
        var saved = new List<AnswerView>();
        var events = new List<AuditEvent>();
        foreach (var (code, input, node, value) in checkedChanges)
        {
            var answer = entries.Answers.FirstOrDefault(a => a.IndicatorCode == code);
            // The same content again (a retry, an autosave after a save) is accepted as it stands.
            if (answer is not null && answer.Yes == input.Yes && answer.Numerator == input.Numerator && answer.Denominator == input.Denominator
                && answer.Number == input.Number && answer.Explanation == input.Explanation)
            {
                saved.Add(ToView(answer));
                continue;
            }
            if ((answer?.Version ?? 0) != input.Version)
            {
                var current = answer is null ? new AnswerView(code, null, null, null, null, null, 0, null, 0, default, null) : ToView(answer);
                // The stored answer goes with the refusal, so that a client can show it and apply its change again.
                throw new Refusal(RefusalKind.Conflict, [Reason.Of("self-assessment.version-conflict", ("code", code), ("by", current.UpdatedBy), ("at", current.UpdatedAt.ToString("u")))],
                    new Dictionary<string, object?> { ["reason"] = "version-conflict", ["current"] = current });
            }

            var before = answer is null ? null : ToView(answer);
            if (answer is null)
            {
                answer = new Answer { Id = Guid.CreateVersion7(), ParticipantId = scope.Participant.Id, IndicatorCode = code };
                db.Add(answer);
                entries.Answers.Add(answer);
            }
            answer.Yes = input.Yes;
            answer.Numerator = input.Numerator;
            answer.Denominator = input.Denominator;
            answer.Number = input.Number;
            answer.Explanation = input.Explanation;
            answer.Version++;
            answer.UpdatedAt = clock.GetUtcNow();
            answer.UpdatedBy = user;
            (answer.SelfScore, answer.ShortfallReason) = ScoringEngine.ScoreLeaf(node, value with { HasEvidence = entries.WithEvidence.Contains(code) });
            saved.Add(ToView(answer));
            events.Add(new AuditEvent("self-assessment.answer-saved", "answer", answer.Id.ToString(), before, saved[^1],
                Detail: code, CampaignId: campaignId, UnitId: unitId));
        }
        ApplyTotals(scope, entries);
        // The answers, the totals and the audit entries are written in one batch.
        if (events.Count > 0)
            await audit.RecordAsync(events, ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return saved;
    }

    /// <summary>An answer refused before anything is read or written: an indicator not in the unit's set, a value its method cannot take.</summary>
    private static (string Code, AnswerInput Input, IndicatorNode Node, IndicatorInput Value) Check(AssessmentScope scope, AnswerChange change)
    {
        var (code, input) = change;
        var node = scope.ApplicableLeaves.FirstOrDefault(l => l.Code == code)
            ?? throw Refusal.NotFound("not-found", ("what", $"Indicator {code} does not apply to {scope.Unit.Code} in this campaign"));
        var value = new IndicatorInput(input.Yes, input.Numerator, input.Denominator, input.Number);
        var problems = ScoringEngine.ValidateInput(node, value);
        if (problems.Count > 0)
            throw Refusal.Invalid([.. problems.Select(p => p with { Field = $"answers.{code}" })]);
        if (input.Explanation?.Length > 4000)
            throw Refusal.Invalid($"answers.{code}.explanation", "field.too-long", ("max", 4000));
        return (code, input, node, value);
    }

    /// <summary>Sets the number of items claimed under a bonus rule (0 withdraws the claim).</summary>
    public async Task<BonusView> SaveBonusClaimAsync(Guid campaignId, Guid unitId, string ruleKey, BonusClaimInput input, string? user, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var scope = await LockedScopeAsync(campaignId, unitId, ct);
        var rule = scope.IndexSet.BonusRules.FirstOrDefault(r => r.Key == ruleKey)
            ?? throw Refusal.NotFound("not-found", ("what", $"Bonus rule '{ruleKey}' in the index set of {scope.Unit.Code}"));
        if (input.Count is < 0 or > 1000)
            throw Refusal.Invalid($"bonus.{ruleKey}.count", "self-assessment.bonus-count", ("got", input.Count));
        scope.EnsureEditable(clock.GetUtcNow());
        var claim = await db.Set<BonusClaimRecord>().FirstOrDefaultAsync(c => c.ParticipantId == scope.Participant.Id && c.RuleKey == ruleKey, ct);
        if (claim is not null && claim.Count == input.Count && claim.Explanation == input.Explanation)
            return await ClaimViewAsync(scope, rule, claim, ct);
        if ((claim?.Version ?? 0) != input.Version)
            throw Refusal.Invalid($"bonus.{ruleKey}.version", "self-assessment.bonus-version", ("by", claim?.UpdatedBy), ("at", claim?.UpdatedAt.ToString("u")), ("version", claim?.Version));
        var before = claim is null ? null : new { claim.Count, claim.Explanation };
        if (claim is null)
        {
            claim = new BonusClaimRecord { Id = Guid.CreateVersion7(), ParticipantId = scope.Participant.Id, RuleKey = ruleKey };
            db.Add(claim);
        }
        (claim.Count, claim.Explanation) = (input.Count, input.Explanation);
        claim.Version++;
        claim.UpdatedAt = clock.GetUtcNow();
        claim.UpdatedBy = user;
        await db.SaveChangesAsync(ct);
        await RefreshTotalsAsync(scope, ct);
        await audit.RecordAsync(new AuditEvent("self-assessment.bonus-claimed", "bonus-claim", claim.Id.ToString(), before, new { claim.Count, claim.Explanation },
            Detail: ruleKey, CampaignId: campaignId, UnitId: unitId), ct);
        await transaction.CommitAsync(ct);
        return await ClaimViewAsync(scope, rule, claim, ct);
    }

    private async Task<BonusView> ClaimViewAsync(AssessmentScope scope, BonusRule rule, BonusClaimRecord claim, CancellationToken ct)
    {
        var code = BonusClaimRecord.EvidenceCode(rule.Key);
        var evidence = await db.Set<EvidenceItem>().AsNoTracking().Where(e => e.ParticipantId == scope.Participant.Id && e.IndicatorCode == code)
            .OrderBy(e => e.AddedAt).ToListAsync(ct);
        return BonusView(rule, claim, evidence.Select(ToView).ToList());
    }

    private static BonusView BonusView(BonusRule rule, BonusClaimRecord? claim, IReadOnlyList<EvidenceView> evidence) =>
        new(rule.Key, rule.Name.Vi, rule.Name.En, rule.PointsPerItem, rule.Cap, claim?.Count ?? 0, claim?.Explanation, claim?.Version ?? 0, evidence);

    /// <summary>
    /// Copies the unit's answers from its latest earlier campaign of the same authority, for indicators
    /// whose code and method exist in both index sets and which are still empty this year. Evidence is
    /// not copied: it is yearly.
    /// </summary>
    public async Task<PrefillReport> PrefillFromLastYearAsync(Guid campaignId, Guid unitId, string? user, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var scope = await LockedScopeAsync(campaignId, unitId, ct);
        scope.EnsureEditable(clock.GetUtcNow());
        var previous = await (from p in db.Participants.AsNoTracking()
                              join c in db.Campaigns.AsNoTracking() on p.CampaignId equals c.Id
                              where p.UnitId == unitId && c.AuthorityId == scope.Campaign.AuthorityId && c.Year < scope.Campaign.Year
                              orderby c.Year descending
                              select new { Participant = p, c.Year }).FirstOrDefaultAsync(ct);
        if (previous is null)
            return new PrefillReport(null, [], ["no earlier campaign of this unit"]);

        var previousSet = await sets.GetAsync(db, previous.Participant.IndexSetId, ct);
        var previousKinds = previousSet.Leaves().ToDictionary(l => l.Code, l => l.Method?.Kind, StringComparer.Ordinal);
        var old = await db.Set<Answer>().AsNoTracking().Where(a => a.ParticipantId == previous.Participant.Id).ToDictionaryAsync(a => a.IndicatorCode, ct);
        var current = await db.Set<Answer>().Where(a => a.ParticipantId == scope.Participant.Id).ToDictionaryAsync(a => a.IndicatorCode, ct);
        var withEvidence = (await db.Set<EvidenceItem>().AsNoTracking().Where(e => e.ParticipantId == scope.Participant.Id)
            .Select(e => e.IndicatorCode).Distinct().ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        List<string> copied = [], skipped = [];
        foreach (var leaf in scope.ApplicableLeaves)
        {
            if (!old.TryGetValue(leaf.Code, out var last))
                continue;
            if (previousKinds.GetValueOrDefault(leaf.Code) != leaf.Method!.Kind)
            {
                skipped.Add($"{leaf.Code}: the scoring method changed ({previousKinds.GetValueOrDefault(leaf.Code)} → {leaf.Method.Kind})");
                continue;
            }
            if (current.TryGetValue(leaf.Code, out var existing) && (existing.Yes ?? (object?)existing.Numerator ?? existing.Number) is not null)
            {
                skipped.Add($"{leaf.Code}: already answered this year");
                continue;
            }
            var input = new IndicatorInput(last.Yes, last.Numerator, last.Denominator, last.Number);
            if (ScoringEngine.ValidateInput(leaf, input) is { Count: > 0 } problems)
            {
                skipped.Add($"{leaf.Code}: last year's value does not fit this year's method ({problems[0].Text("en")})");
                continue;
            }
            var answer = existing ?? new Answer { Id = Guid.CreateVersion7(), ParticipantId = scope.Participant.Id, IndicatorCode = leaf.Code };
            if (existing is null)
                db.Add(answer);
            (answer.Yes, answer.Numerator, answer.Denominator, answer.Number, answer.Explanation) = (last.Yes, last.Numerator, last.Denominator, last.Number, last.Explanation);
            answer.Version++;
            answer.UpdatedAt = clock.GetUtcNow();
            answer.UpdatedBy = user;
            (answer.SelfScore, answer.ShortfallReason) = ScoringEngine.ScoreLeaf(leaf, input with { HasEvidence = withEvidence.Contains(leaf.Code) });
            copied.Add(leaf.Code);
        }
        await db.SaveChangesAsync(ct);
        await RefreshTotalsAsync(scope, ct);
        await audit.RecordAsync(new AuditEvent("self-assessment.prefilled", "participant", scope.Participant.Id.ToString(),
            After: new { FromYear = previous.Year, Copied = copied, Skipped = skipped }, CampaignId: campaignId, UnitId: unitId), ct);
        await transaction.CommitAsync(ct);
        return new PrefillReport(previous.Year, copied, skipped);
    }

    public async Task<EvidenceView> AddFileAsync(Guid campaignId, Guid unitId, string code, string fileName, Stream content, long length, string? user, CancellationToken ct)
    {
        var limit = evidenceOptions.Value.MaxFileBytes;
        if (length > limit)
            throw Refusal.Invalid("file", "evidence.too-large", ("file", fileName), ("size", Math.Round(length / 1024 / 1024.0, 1)), ("limit", Math.Round(limit / 1024 / 1024.0, 1)));
        var head = new byte[16];
        var read = await content.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
        var (type, refusal) = EvidenceFileType.Detect(fileName, head.AsSpan(0, read));
        if (type is null)
            throw Refusal.Invalid([refusal! with { Field = "file" }]);
        if (type.StructureProblem(content, fileName) is { } malformed)
            throw Refusal.Invalid([malformed with { Field = "file" }]);
        content.Position = 0;
        // Checked before the file is stored, and again under the lock before it is recorded.
        var scope = await AssessmentScope.LoadAsync(db, sets, campaignId, unitId, ct) ?? throw Refusal.NotFound("not-found", ("what", $"Unit {unitId} in campaign {campaignId}"));
        EnsureEvidenceTarget(scope, code);
        scope.EnsureEditable(clock.GetUtcNow());
        var (sha256, size) = await store.SaveAsync(content, ct);
        return (await AddEvidenceAsync(campaignId, unitId, user, [new EvidenceItem
        {
            IndicatorCode = code, Kind = EvidenceKind.File, FileName = EvidenceFileType.CleanFileName(fileName), ContentType = type.ContentType, Size = size, Sha256 = sha256,
        }], ct)).Single();
    }

    public async Task<EvidenceView> AddReferenceAsync(Guid campaignId, Guid unitId, string code, EvidenceItem reference, string? user, CancellationToken ct)
    {
        reference.IndicatorCode = code;
        return (await AddEvidenceAsync(campaignId, unitId, user, [reference], ct)).Single();
    }

    /// <summary>Several document references at once (each names its indicator), all or none, in one transaction.</summary>
    public Task<IReadOnlyList<EvidenceView>> AddReferencesAsync(Guid campaignId, Guid unitId, IReadOnlyList<EvidenceItem> references, string? user, CancellationToken ct) =>
        AddEvidenceAsync(campaignId, unitId, user, references, ct);

    private async Task<IReadOnlyList<EvidenceView>> AddEvidenceAsync(Guid campaignId, Guid unitId, string? user, IReadOnlyList<EvidenceItem> items, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var scope = await LockedScopeAsync(campaignId, unitId, ct);
        var nodes = items.Select(item => EnsureEvidenceTarget(scope, item.IndicatorCode)).ToList();
        scope.EnsureEditable(clock.GetUtcNow());
        foreach (var item in items)
        {
            item.Id = Guid.CreateVersion7();
            item.ParticipantId = scope.Participant.Id;
            item.AddedAt = clock.GetUtcNow();
            item.AddedBy = user;
            db.Add(item);
        }
        // Evidence can change the score (yes-no with required evidence).
        var scored = nodes.OfType<IndicatorNode>().ToDictionary(n => n.Code, StringComparer.Ordinal);
        var codes = scored.Keys.ToList();
        foreach (var answer in await db.Set<Answer>().Where(a => a.ParticipantId == scope.Participant.Id && codes.Contains(a.IndicatorCode)).ToListAsync(ct))
            (answer.SelfScore, answer.ShortfallReason) = ScoringEngine.ScoreLeaf(scored[answer.IndicatorCode],
                new IndicatorInput(answer.Yes, answer.Numerator, answer.Denominator, answer.Number, HasEvidence: true));
        await db.SaveChangesAsync(ct);
        await RefreshTotalsAsync(scope, ct);
        await audit.RecordAsync([.. items.Select(item => new AuditEvent("self-assessment.evidence-added", "evidence", item.Id.ToString(), After: ToView(item),
            Detail: item.IndicatorCode, CampaignId: campaignId, UnitId: unitId))], ct);
        await transaction.CommitAsync(ct);
        return [.. items.Select(ToView)];
    }

    /// <summary>
    /// Takes back an evidence item while the form is still editable (before submission, or while returned for
    /// clarification): a wrong file must not stay attached to a claim. The stored bytes stay (content-addressed,
    /// possibly shared); the audit keeps what was removed, by whom and when.
    /// </summary>
    public async Task RemoveEvidenceAsync(Guid campaignId, Guid unitId, Guid evidenceId, string? user, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var scope = await LockedScopeAsync(campaignId, unitId, ct);
        var item = await db.Set<EvidenceItem>().FirstOrDefaultAsync(e => e.Id == evidenceId && e.ParticipantId == scope.Participant.Id, ct)
            ?? throw Refusal.NotFound("not-found", ("what", $"Evidence {evidenceId} of unit {unitId}"));
        scope.EnsureEditable(clock.GetUtcNow());
        var before = ToView(item);
        db.Remove(item);
        var node = scope.ApplicableLeaves.FirstOrDefault(l => l.Code == item.IndicatorCode);
        var answer = node is null ? null : await db.Set<Answer>().FirstOrDefaultAsync(a => a.ParticipantId == scope.Participant.Id && a.IndicatorCode == item.IndicatorCode, ct);
        if (answer is not null && node is not null)
        {
            var stillEvidenced = await db.Set<EvidenceItem>().AnyAsync(e => e.ParticipantId == scope.Participant.Id && e.IndicatorCode == item.IndicatorCode && e.Id != evidenceId, ct);
            (answer.SelfScore, answer.ShortfallReason) = ScoringEngine.ScoreLeaf(node, new IndicatorInput(answer.Yes, answer.Numerator, answer.Denominator, answer.Number, stillEvidenced));
        }
        await db.SaveChangesAsync(ct);
        await RefreshTotalsAsync(scope, ct);
        await audit.RecordAsync(new AuditEvent("self-assessment.evidence-removed", "evidence", evidenceId.ToString(), Before: before,
            Detail: item.IndicatorCode, CampaignId: campaignId, UnitId: unitId), ct);
        await transaction.CommitAsync(ct);
    }

    /// <summary>
    /// Submits when complete; otherwise refuses listing every indicator still missing an answer or evidence. In a campaign
    /// with head approval only an approver (the unit's head, or an administrator) submits, and the record says who prepared
    /// what they approved.
    /// </summary>
    public async Task<SelfAssessmentView> SubmitAsync(Guid campaignId, Guid unitId, string? user, CancellationToken ct, bool byApprover = false)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var scope = await LockedScopeAsync(campaignId, unitId, ct);
        scope.Rules.EnsureSubmittable(clock.GetUtcNow(), byApprover);
        await EnsureCompleteAsync(scope, ct);
        var before = CampaignProgress.Kebab(scope.Participant.Status);
        // A first submission after the deadline, inside the grace period, is recorded as late; a resubmission keeps the mark.
        scope.Participant.SubmittedLate |= scope.Rules.SubmissionIsLate(clock.GetUtcNow());
        scope.Participant.Status = ParticipantStatus.Submitted;
        scope.Participant.SubmittedAt = clock.GetUtcNow();
        scope.Participant.SubmittedBy = user;
        scope.Participant.ConcurrencyStamp = Guid.NewGuid();
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditEvent("self-assessment.submitted", "participant", scope.Participant.Id.ToString(),
            new { Status = before }, new { Status = "submitted", scope.Participant.SelfTotal, scope.Participant.SelfPercentage,
                ApprovedBy = scope.Campaign.HeadApproval && byApprover ? user : null, scope.Participant.PreparedBy },
            CampaignId: campaignId, UnitId: unitId), ct);
        await transaction.CommitAsync(ct);
        await RaiseAllSubmittedAsync(scope.Campaign, user, ct);
        return await ViewAsync(scope, ct);
    }

    /// <summary>
    /// Takes a submission back for a few minutes after it was made (the rules are <see cref="Scoring.Participation.Participation.EnsureWithdrawable"/>):
    /// the form opens again with every answer and file as it was, to the head when the head had approved it, else to the unit.
    /// </summary>
    public async Task<SelfAssessmentView> WithdrawAsync(Guid campaignId, Guid unitId, string? user, CancellationToken ct, bool byApprover = false)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var scope = await LockedScopeAsync(campaignId, unitId, ct);
        var stage = await Council.CampaignStage.OfAsync(db, scope.Campaign, ct);
        scope.Rules.EnsureWithdrawable(clock.GetUtcNow(), byApprover, selfAssessmentLasts: !Council.CampaignStage.IsPast(stage, "self-assessment"));
        var p = scope.Participant;
        var before = new { Status = "submitted", p.SubmittedAt, p.SubmittedBy };
        p.Status = scope.Campaign.HeadApproval && p.PreparedAt is not null ? ParticipantStatus.AwaitingApproval : ParticipantStatus.InProgress;
        (p.SubmittedAt, p.SubmittedBy) = (null, null);
        p.ConcurrencyStamp = Guid.NewGuid();
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditEvent("self-assessment.withdrawn", "participant", p.Id.ToString(), before,
            new { Status = CampaignProgress.Kebab(p.Status) }, CampaignId: campaignId, UnitId: unitId), ct);
        await transaction.CommitAsync(ct);
        return await ViewAsync(scope, ct);
    }

    /// <summary>
    /// The officer sends the complete self-assessment to the unit's head (campaigns with head approval): it is locked
    /// until the head submits it or sends it back. Incomplete, it is refused with the same list as a submission.
    /// </summary>
    public async Task<SelfAssessmentView> PrepareAsync(Guid campaignId, Guid unitId, string? user, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var scope = await LockedScopeAsync(campaignId, unitId, ct);
        scope.Rules.EnsurePreparable(clock.GetUtcNow());
        await EnsureCompleteAsync(scope, ct);
        var p = scope.Participant;
        var before = new { Status = CampaignProgress.Kebab(p.Status), p.SentBackNote };
        (p.Status, p.PreparedAt, p.PreparedBy, p.SentBackNote, p.SentBackAt, p.SentBackBy) = (ParticipantStatus.AwaitingApproval, clock.GetUtcNow(), user, null, null, null);
        p.ConcurrencyStamp = Guid.NewGuid();
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditEvent("self-assessment.prepared", "participant", p.Id.ToString(), before,
            new { Status = "awaiting-approval", p.SelfTotal, p.SelfPercentage }, CampaignId: campaignId, UnitId: unitId), ct);
        await TellHeadsAsync(scope, ct);
        await transaction.CommitAsync(ct);
        return await ViewAsync(scope, ct);
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

    /// <summary>E-mails the officer who sent the form that the head sent it back (the note is read in the form), committed with the step.</summary>
    private async Task TellPreparerAsync(AssessmentScope scope, string? preparedBy, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(preparedBy) || !System.Net.Mail.MailAddress.TryCreate(preparedBy, out _))
            return;
        foreach (var officer in await Email.Announcements.RecipientsAsync(db, [(preparedBy, preparedBy)], ct))
            Email.Announcements.Queue(db, clock.GetUtcNow(), "sent-back", scope.Campaign, officer, scope.Deadline, scope.Unit);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The head sends the prepared self-assessment back to the officer with a note saying what to change.</summary>
    public async Task<SelfAssessmentView> SendBackAsync(Guid campaignId, Guid unitId, string? note, string? user, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(note) || note.Trim().Length > 2000)
            throw Refusal.Invalid("note", "self-assessment.send-back-note");
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var scope = await LockedScopeAsync(campaignId, unitId, ct);
        scope.Rules.EnsureCanSendBack(clock.GetUtcNow());
        var p = scope.Participant;
        (p.Status, p.SentBackNote, p.SentBackAt, p.SentBackBy) = (ParticipantStatus.InProgress, note.Trim(), clock.GetUtcNow(), user);
        p.ConcurrencyStamp = Guid.NewGuid();
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditEvent("self-assessment.sent-back", "participant", p.Id.ToString(), new { Status = "awaiting-approval", p.PreparedBy },
            new { Status = "in-progress", Note = p.SentBackNote }, CampaignId: campaignId, UnitId: unitId), ct);
        await TellPreparerAsync(scope, p.PreparedBy, ct);
        await transaction.CommitAsync(ct);
        return await ViewAsync(scope, ct);
    }

    /// <summary>Refuses, listing every indicator still missing an answer or evidence (and an unanswered clarification).</summary>
    private async Task EnsureCompleteAsync(AssessmentScope scope, CancellationToken ct)
    {
        var missing = Missing(scope, await EntriesAsync(scope, ct));
        if (scope.Participant.Status == ParticipantStatus.ReturnedForClarification
            && await db.Set<Verification.ClarificationRequest>().AnyAsync(c => c.ParticipantId == scope.Participant.Id && c.Answer == null, ct))
            missing.Add(Reason.For("clarification", "self-assessment.clarification-unanswered"));
        if (missing.Count > 0)
            throw Refusal.Invalid([.. missing.Select(m => m with { Field = "submit" })]);
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
        var scope = await LockedScopeAsync(campaignId, unitId, ct);
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
        return await ViewAsync(scope, ct);
    }

    private static IndicatorNode EnsureIndicator(AssessmentScope scope, string code) =>
        scope.ApplicableLeaves.FirstOrDefault(l => l.Code == code)
        ?? throw Refusal.NotFound("not-found", ("what", $"Indicator {code} does not apply to {scope.Unit.Code} in this campaign"));

    /// <summary>An indicator, or a bonus claim (<c>bonus:rule</c>), that evidence may be filed under; null for a bonus claim.</summary>
    private static IndicatorNode? EnsureEvidenceTarget(AssessmentScope scope, string code) =>
        Scoring.Participation.Participation.IsBonusEvidence(code)
            ? scope.IndexSet.BonusRules.Any(r => BonusClaimRecord.EvidenceCode(r.Key) == code) ? null
                : throw Refusal.NotFound("not-found", ("what", $"Bonus rule '{code[6..]}' in the index set of {scope.Unit.Code}"))
            : EnsureIndicator(scope, code);

    /// <summary>Loads the unit's scope after taking the unit's lock, so its state cannot change until commit.</summary>
    private async Task<AssessmentScope> LockedScopeAsync(Guid campaignId, Guid unitId, CancellationToken ct)
    {
        await locks.AcquireAsync(db, LockKey(campaignId, unitId), ct);
        return await AssessmentScope.LoadAsync(db, sets, campaignId, unitId, ct) ?? throw Refusal.NotFound("not-found", ("what", $"Unit {unitId} in campaign {campaignId}"));
    }

    /// <summary>
    /// A 64-bit advisory-lock key for one unit in one campaign, from the ids the request already has (no
    /// query before the lock): the random last 8 bytes of each (the first bytes of version-7 ids are a
    /// timestamp, alike for units imported together), tagged.
    /// </summary>
    public static long LockKey(Guid campaignId, Guid unitId) =>
        BitConverter.ToInt64(campaignId.ToByteArray(), 8) ^ BitConverter.ToInt64(unitId.ToByteArray(), 8) ^ 0x5341_0000_0000_0000;

    /// <summary>What a unit has entered, read once per operation: answers, evidence and bonus claims.</summary>
    private sealed record Entries(List<Answer> Answers, List<EvidenceItem> Evidence, List<BonusClaimRecord> Claims)
    {
        public HashSet<string> WithEvidence { get; } = Evidence.Select(e => e.IndicatorCode).ToHashSet(StringComparer.Ordinal);

        // Computed when asked (take it once per use): a save changes the answers after they were read.
        public HashSet<string> Answered => Answers.Where(a => Scoring.Participation.Participation.Answered(a.Input(false)))
            .Select(a => a.IndicatorCode).ToHashSet(StringComparer.Ordinal);
    }

    private async Task<Entries> EntriesAsync(AssessmentScope scope, CancellationToken ct, bool trackAnswers = false)
    {
        var id = scope.Participant.Id;
        var answers = trackAnswers ? db.Set<Answer>() : db.Set<Answer>().AsNoTracking();
        return new Entries(
            await answers.Where(a => a.ParticipantId == id).ToListAsync(ct),
            await db.Set<EvidenceItem>().AsNoTracking().Where(e => e.ParticipantId == id).OrderBy(e => e.AddedAt).ToListAsync(ct),
            await db.Set<BonusClaimRecord>().AsNoTracking().Where(c => c.ParticipantId == id).ToListAsync(ct));
    }

    private async Task RefreshTotalsAsync(AssessmentScope scope, CancellationToken ct)
    {
        ApplyTotals(scope, await EntriesAsync(scope, ct));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Sets the unit's counts and self-score from its entries (saved with the caller's changes).</summary>
    private static void ApplyTotals(AssessmentScope scope, Entries entries)
    {
        var score = Score(scope, entries);
        var answered = entries.Answered;
        var p = scope.Participant;
        p.ApplicableCount = scope.ApplicableLeaves.Count;
        p.AnsweredCount = scope.ApplicableLeaves.Count(l => answered.Contains(l.Code));
        p.SelfTotal = score.Total;
        p.SelfPercentage = score.Percentage;
        if (p.Status == ParticipantStatus.NotStarted && p.AnsweredCount > 0)
            p.Status = ParticipantStatus.InProgress;
    }

    private static UnitScore Score(AssessmentScope scope, Entries entries)
    {
        var inputs = entries.Answers.ToDictionary(a => a.IndicatorCode,
            a => new IndicatorInput(a.Yes, a.Numerator, a.Denominator, a.Number, entries.WithEvidence.Contains(a.IndicatorCode)), StringComparer.Ordinal);
        var claims = entries.Claims.Where(c => Scoring.Participation.Participation.BonusCounts(c.Count, entries.WithEvidence.Contains(BonusClaimRecord.EvidenceCode(c.RuleKey))))
            .Select(c => new BonusClaim(c.RuleKey, c.Count)).ToList();
        return ScoringEngine.Score(scope.IndexSet, scope.Profile, inputs, claims);
    }

    private static List<Reason> Missing(AssessmentScope scope, Entries entries)
    {
        var missing = new List<Reason>();
        var answered = entries.Answered;
        foreach (var leaf in scope.ApplicableLeaves)
        {
            if (!answered.Contains(leaf.Code))
                missing.Add(Reason.Of("self-assessment.not-answered", ("code", leaf.Code), ("name", new Words(leaf.Name.Vi, leaf.Name.En))));
            else if (Scoring.Participation.Participation.AnswerLacksEvidence(leaf, entries.Answers.First(a => a.IndicatorCode == leaf.Code).Input(entries.WithEvidence.Contains(leaf.Code))))
                missing.Add(Reason.Of("self-assessment.evidence-missing", ("code", leaf.Code), ("name", new Words(leaf.Name.Vi, leaf.Name.En)), ("requirement", leaf.EvidenceRequirement)));
        }
        missing.AddRange(entries.Claims.Where(c => Scoring.Participation.Participation.BonusLacksEvidence(c.Count, entries.WithEvidence.Contains(BonusClaimRecord.EvidenceCode(c.RuleKey))))
            .Select(c => Reason.Of("self-assessment.bonus-needs-evidence", ("code", BonusClaimRecord.EvidenceCode(c.RuleKey)))));
        return missing;
    }

    private async Task<SelfAssessmentView> ViewAsync(AssessmentScope scope, CancellationToken ct)
    {
        var entries = await EntriesAsync(scope, ct);
        var answers = entries.Answers.ToDictionary(a => a.IndicatorCode, StringComparer.Ordinal);
        var evidence = entries.Evidence.GroupBy(e => e.IndicatorCode).ToDictionary(g => g.Key, g => g.Select(ToView).ToList(), StringComparer.Ordinal);
        var score = Score(scope, entries);
        string? closed = null;
        // The view speaks the reader's language (the request's culture, API and pages alike).
        var language = Refusal.LanguageOf(System.Globalization.CultureInfo.CurrentUICulture);
        try { scope.EnsureEditable(clock.GetUtcNow()); }
        catch (Refusal e) { closed = string.Join("; ", e.Texts(language)); }
        var indicators = scope.ApplicableLeaves.Select(l => new IndicatorView(l.Code, l.Code.Split('.')[0], l.Name.Vi, l.Name.En, l.MaxPoints, l.Method!,
            l.EvidenceRequirement, l.EvidenceRequired, answers.TryGetValue(l.Code, out var a) ? ToView(a) : null,
            evidence.GetValueOrDefault(l.Code) ?? [])).ToList();
        var bonusViews = scope.IndexSet.BonusRules.Select(rule => BonusView(rule, entries.Claims.FirstOrDefault(c => c.RuleKey == rule.Key),
            evidence.GetValueOrDefault(BonusClaimRecord.EvidenceCode(rule.Key)) ?? [])).ToList();
        return new SelfAssessmentView(scope.Campaign.Id, scope.Unit.Id, scope.Unit.Code, scope.Unit.NameVi, CampaignProgress.Kebab(scope.Participant.Status),
            scope.Deadline, scope.Local(scope.Deadline), closed is null, closed, score.Total, score.ApplicableMax, score.Percentage, score.Band?.Key,
            scope.Participant.AnsweredCount, scope.ApplicableLeaves.Count, [.. Missing(scope, entries).Select(m => m.Text(language))], indicators, score.Bonus, bonusViews,
            $"/calendar/{scope.Participant.CalendarToken}.ics",
            scope.Campaign.HeadApproval ? new UnitApprovalView(scope.Participant.PreparedAt, scope.Participant.PreparedBy, scope.Participant.SentBackNote,
                scope.Participant.SentBackAt, scope.Participant.SentBackBy, scope.Participant.SubmittedAt, scope.Participant.SubmittedBy) : null,
            scope.Rules.WithdrawableUntil is { } until && clock.GetUtcNow() < until ? until : null);
    }

    private static AnswerView ToView(Answer a) => new(a.IndicatorCode, a.Yes, a.Numerator, a.Denominator, a.Number, a.Explanation, a.SelfScore, a.ShortfallReason, a.Version, a.UpdatedAt, a.UpdatedBy);

    private static EvidenceView ToView(EvidenceItem e) => new(e.Id, e.IndicatorCode, e.Kind.ToString().ToLowerInvariant(), e.FileName, e.ContentType, e.Size, e.Sha256,
        e.Url, e.DocumentNumber, e.DocumentDate, e.DocumentIssuer, e.AddedAt);
}
