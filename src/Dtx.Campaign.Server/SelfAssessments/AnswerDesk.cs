using Dtx.Campaign.Scoring.IndexSets;
using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Scoring.Scoring;
using Dtx.Campaign.Server.Audit;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.IndexSets;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.SelfAssessments;

/// <summary>What a unit answers: each indicator's answer (scored on every save), its bonus claims, last year's answers copied in.</summary>
internal sealed class AnswerDesk(CampaignDbContext db, IndexSetCache sets, AssessmentWork work, AuditTrail audit, TimeProvider clock)
{
    public async Task<AnswerView> SaveAnswerAsync(Guid campaignId, Guid unitId, string code, AnswerInput input, string? user, CancellationToken ct) =>
        (await SaveAnswersAsync(campaignId, unitId, [new AnswerChange(code, input)], user, ct)).Single();

    /// <summary>
    /// Saves several answers of one unit together, all or none: one lock, one read of the unit's entries, one
    /// recalculation of its totals (the demo fills whole forms this way, 40 answers in one transaction).
    /// </summary>
    public async Task<IReadOnlyList<AnswerView>> SaveAnswersAsync(Guid campaignId, Guid unitId, IReadOnlyList<AnswerChange> changes, string? user, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var scope = await work.LockedScopeAsync(campaignId, unitId, ct);
        var checkedChanges = changes.Select(change => Check(scope, change)).ToList();
        scope.EnsureEditable(clock.GetUtcNow());

        // The unit's entries are read once: the answers to change, which have evidence, and the totals.
        var entries = await work.EntriesAsync(scope, ct, trackAnswers: true);
        var saved = new List<AnswerView>();
        var events = new List<AuditEvent>();
        foreach (var (code, input, node, value) in checkedChanges)
        {
            var answer = entries.Answers.FirstOrDefault(a => a.IndicatorCode == code);
            // The same content again (a retry, an autosave after a save) is accepted as it stands.
            if (answer is not null && answer.Yes == input.Yes && answer.Numerator == input.Numerator && answer.Denominator == input.Denominator
                && answer.Number == input.Number && answer.Explanation == input.Explanation)
            {
                saved.Add(AssessmentWork.ToView(answer));
                continue;
            }
            if ((answer?.Version ?? 0) != input.Version)
            {
                var current = answer is null ? new AnswerView(code, null, null, null, null, null, 0, null, 0, default, null) : AssessmentWork.ToView(answer);
                // The stored answer goes with the refusal, so that a client can show it and apply its change again.
                throw new Refusal(RefusalKind.Conflict, [Reason.Of("self-assessment.version-conflict", ("code", code), ("by", current.UpdatedBy), ("at", current.UpdatedAt.ToString("u")))],
                    new Dictionary<string, object?> { ["reason"] = "version-conflict", ["current"] = current });
            }

            var before = answer is null ? null : AssessmentWork.ToView(answer);
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
            saved.Add(AssessmentWork.ToView(answer));
            events.Add(new AuditEvent("self-assessment.answer-saved", "answer", answer.Id.ToString(), before, saved[^1],
                Detail: code, CampaignId: campaignId, UnitId: unitId));
        }
        AssessmentWork.ApplyTotals(scope, entries);
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
        var node = AssessmentWork.EnsureIndicator(scope, code);
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
        var scope = await work.LockedScopeAsync(campaignId, unitId, ct);
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
        await work.RefreshTotalsAsync(scope, ct);
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
        return AssessmentWork.BonusView(rule, claim, evidence.Select(AssessmentWork.ToView).ToList());
    }

    /// <summary>
    /// Copies the unit's answers from its latest earlier campaign of the same authority, for indicators
    /// whose code and method exist in both index sets and which are still empty this year. Evidence is
    /// not copied: it is yearly.
    /// </summary>
    public async Task<PrefillReport> PrefillFromLastYearAsync(Guid campaignId, Guid unitId, string? user, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var scope = await work.LockedScopeAsync(campaignId, unitId, ct);
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
        await work.RefreshTotalsAsync(scope, ct);
        await audit.RecordAsync(new AuditEvent("self-assessment.prefilled", "participant", scope.Participant.Id.ToString(),
            After: new { FromYear = previous.Year, Copied = copied, Skipped = skipped }, CampaignId: campaignId, UnitId: unitId), ct);
        await transaction.CommitAsync(ct);
        return new PrefillReport(previous.Year, copied, skipped);
    }
}
