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
    /// Saves several answers of one unit together, all or none: one read of the unit's entries, one recalculation of its
    /// totals, one write (the demo fills whole forms this way, 40 answers at once).
    /// </summary>
    public async Task<IReadOnlyList<AnswerView>> SaveAnswersAsync(Guid campaignId, Guid unitId, IReadOnlyList<AnswerChange> changes, string? user, CancellationToken ct)
    {
        if (db.Database.IsNpgsql())
            return await SaveWithoutHeldLockAsync(campaignId, unitId, changes, user, ct);
        // SQLite has one writer: lock (the write transaction), read, compute, write.
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var scope = await work.LockedScopeAsync(campaignId, unitId, ct);
        var outcome = AnswerEditing.Apply(scope, await work.EntriesAsync(scope, ct, trackAnswers: true), changes, user, clock.GetUtcNow());
        db.AddRange(outcome.Added);
        // The answers, the totals and the audit entries are written in one batch.
        await audit.RecordAsync(outcome.Events, ct);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return outcome.Saved;
    }

    /// <summary>
    /// PostgreSQL, the deadline day's path: the unit is read without a lock or a transaction, the changes are computed, and
    /// everything is written in one round trip that takes the unit's lock and writes only if the unit is still as it was read
    /// (its entries' version and status stamp, the campaign's stamp): nobody waits on a transaction held open while another
    /// request reads and computes. When the unit changed meanwhile (another save of the same unit, an evidence file, a
    /// submission), it is read and computed again: the version rule then decides on the answer as it now stands.
    /// </summary>
    private async Task<IReadOnlyList<AnswerView>> SaveWithoutHeldLockAsync(Guid campaignId, Guid unitId, IReadOnlyList<AnswerChange> changes, string? user, CancellationToken ct)
    {
        // One connection for the reads and the write: outside a transaction EF Core would hand it back to the pool after
        // each query, and the pool resets it (DISCARD ALL) before the next.
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            return await SaveAttemptsAsync(campaignId, unitId, changes, user, ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private async Task<IReadOnlyList<AnswerView>> SaveAttemptsAsync(Guid campaignId, Guid unitId, IReadOnlyList<AnswerChange> changes, string? user, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            // Only what the save may change is tracked (the participant's totals, the answers it names): tracking snapshots and
            // compares every value, and on the deadline day a unit has most of its answers in.
            var (scope, entries) = await work.ScopeAndEntriesAsync(campaignId, unitId, ct) ?? throw AssessmentWork.UnitNotFound(campaignId, unitId);
            db.Attach(scope.Participant);
            db.AttachRange(entries.Answers.Where(a => changes.Any(c => c.Code == a.IndicatorCode)));
            var outcome = AnswerEditing.Apply(scope, entries, changes, user, clock.GetUtcNow());
            if (outcome.Events.Count == 0)
                return outcome.Saved;
            db.AddRange(outcome.Added);
            var staged = audit.Stage(outcome.Events);
            if (await GuardedSave.SaveAsync(db, AssessmentWork.LockKey(campaignId, unitId), scope.Participant, [scope.Campaign], ct))
            {
                audit.Written();
                return outcome.Saved;
            }
            // Let go of what was read, so that the next attempt reads the unit as it now is.
            foreach (var entity in new object[] { scope.Campaign, scope.Participant, scope.Unit }.Concat(entries.Answers).Concat(staged))
                db.Entry(entity).State = EntityState.Detached;
            if (attempt == MaxAttempts)
                throw new Refusal(RefusalKind.Conflict, [Reason.Of("self-assessment.unit-busy", ("unit", scope.Unit.Code))]);
        }
    }

    /// <summary>Attempts of a save whose unit keeps changing under it (each loses only to a write that went through).</summary>
    private const int MaxAttempts = 8;

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
