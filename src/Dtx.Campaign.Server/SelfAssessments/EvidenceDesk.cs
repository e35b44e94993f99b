using Dtx.Campaign.Scoring.IndexSets;
using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Scoring.Scoring;
using Dtx.Campaign.Server.Audit;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Evidence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Dtx.Campaign.Server.SelfAssessments;

/// <summary>A unit's evidence: files, links and document references filed under an indicator or a bonus claim, and taken back.</summary>
internal sealed class EvidenceDesk(CampaignDbContext db, AssessmentWork work, IEvidenceStore store, IOptions<EvidenceOptions> evidenceOptions, AuditTrail audit, TimeProvider clock)
{
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
        var scope = await work.ScopeAsync(campaignId, unitId, ct) ?? throw AssessmentWork.UnitNotFound(campaignId, unitId);
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
        var scope = await work.LockedScopeAsync(campaignId, unitId, ct);
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
        await work.RefreshTotalsAsync(scope, ct);
        await audit.RecordAsync([.. items.Select(item => new AuditEvent("self-assessment.evidence-added", "evidence", item.Id.ToString(), After: AssessmentWork.AuditForm(item),
            Detail: item.IndicatorCode, CampaignId: campaignId, UnitId: unitId))], ct);
        await transaction.CommitAsync(ct);
        return [.. items.Select(AssessmentWork.ToView)];
    }

    /// <summary>
    /// Takes back an evidence item while the form is still editable (before submission, or while returned for
    /// clarification): a wrong file must not stay attached to a claim. The stored bytes stay (content-addressed,
    /// possibly shared); the audit keeps what was removed, by whom and when.
    /// </summary>
    public async Task RemoveEvidenceAsync(Guid campaignId, Guid unitId, Guid evidenceId, string? user, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var scope = await work.LockedScopeAsync(campaignId, unitId, ct);
        var item = await db.Set<EvidenceItem>().FirstOrDefaultAsync(e => e.Id == evidenceId && e.ParticipantId == scope.Participant.Id, ct)
            ?? throw Refusal.NotFound("not-found", ("what", $"Evidence {evidenceId} of unit {unitId}"));
        scope.EnsureEditable(clock.GetUtcNow());
        var before = AssessmentWork.AuditForm(item);
        db.Remove(item);
        var node = scope.ApplicableLeaves.FirstOrDefault(l => l.Code == item.IndicatorCode);
        var answer = node is null ? null : await db.Set<Answer>().FirstOrDefaultAsync(a => a.ParticipantId == scope.Participant.Id && a.IndicatorCode == item.IndicatorCode, ct);
        if (answer is not null && node is not null)
        {
            var stillEvidenced = await db.Set<EvidenceItem>().AnyAsync(e => e.ParticipantId == scope.Participant.Id && e.IndicatorCode == item.IndicatorCode && e.Id != evidenceId, ct);
            (answer.SelfScore, answer.ShortfallReason) = ScoringEngine.ScoreLeaf(node, new IndicatorInput(answer.Yes, answer.Numerator, answer.Denominator, answer.Number, stillEvidenced));
        }
        await db.SaveChangesAsync(ct);
        await work.RefreshTotalsAsync(scope, ct);
        await audit.RecordAsync(new AuditEvent("self-assessment.evidence-removed", "evidence", evidenceId.ToString(), Before: before,
            Detail: item.IndicatorCode, CampaignId: campaignId, UnitId: unitId), ct);
        await transaction.CommitAsync(ct);
    }

    /// <summary>An indicator, or a bonus claim (<c>bonus:rule</c>), that evidence may be filed under; null for a bonus claim.</summary>
    private static IndicatorNode? EnsureEvidenceTarget(AssessmentScope scope, string code) =>
        Scoring.Participation.Participation.IsBonusEvidence(code)
            ? scope.IndexSet.BonusRules.Any(r => BonusClaimRecord.EvidenceCode(r.Key) == code) ? null
                : throw Refusal.NotFound("not-found", ("what", $"Bonus rule '{code[6..]}' in the index set of {scope.Unit.Code}"))
            : AssessmentWork.EnsureIndicator(scope, code);
}
