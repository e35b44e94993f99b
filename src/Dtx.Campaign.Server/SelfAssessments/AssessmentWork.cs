using Dtx.Campaign.Scoring.IndexSets;
using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Scoring.Scoring;
using Dtx.Campaign.Server.Campaigns;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.IndexSets;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace Dtx.Campaign.Server.SelfAssessments;

/// <summary>
/// What every self-assessment use case does the same way: load the unit's scope under its lock, read what the unit
/// entered, recount its totals, build its view. Changes to one unit are serialised (an advisory lock on PostgreSQL,
/// the single writer on SQLite) so that a save and a submit, or a submit and the deadline, cannot both win.
/// </summary>
internal sealed class AssessmentWork(CampaignDbContext db, IndexSetCache sets, TimeProvider clock, Dtx.Campaign.Workflows.Storage.ITransactionLock locks)
{
    /// <summary>The unit's scope without its lock: for reading, or for checks that are made again under the lock.</summary>
    public Task<AssessmentScope?> ScopeAsync(Guid campaignId, Guid unitId, CancellationToken ct) =>
        AssessmentScope.LoadAsync(db, sets, campaignId, unitId, ct);

    /// <summary>Loads the unit's scope after taking the unit's lock, so its state cannot change until commit.</summary>
    public async Task<AssessmentScope> LockedScopeAsync(Guid campaignId, Guid unitId, CancellationToken ct)
    {
        await locks.AcquireAsync(db, LockKey(campaignId, unitId), ct);
        return await ScopeAsync(campaignId, unitId, ct) ?? throw UnitNotFound(campaignId, unitId);
    }

    public static Refusal UnitNotFound(Guid campaignId, Guid unitId) => Refusal.NotFound("not-found", ("what", $"Unit {unitId} in campaign {campaignId}"));

    /// <summary>
    /// A 64-bit advisory-lock key for one unit in one campaign, from the ids the request already has (no
    /// query before the lock): the random last 8 bytes of each (the first bytes of version-7 ids are a
    /// timestamp, alike for units imported together), tagged.
    /// </summary>
    public static long LockKey(Guid campaignId, Guid unitId) =>
        BitConverter.ToInt64(campaignId.ToByteArray(), 8) ^ BitConverter.ToInt64(unitId.ToByteArray(), 8) ^ 0x5341_0000_0000_0000;

    public static IndicatorNode EnsureIndicator(AssessmentScope scope, string code) =>
        scope.ApplicableLeaves.FirstOrDefault(l => l.Code == code)
        ?? throw Refusal.NotFound("not-found", ("what", $"Indicator {code} does not apply to {scope.Unit.Code} in this campaign"));

    /// <summary>What a unit has entered, as its score needs it: answers, which codes have evidence, how many items each bonus claim counts.</summary>
    public sealed record Entries(List<Answer> Answers, IReadOnlySet<string> WithEvidence, IReadOnlyList<ClaimCount> Claims)
    {
        // Computed when asked (take it once per use): a save changes the answers after they were read.
        public HashSet<string> Answered => Answers.Where(a => Scoring.Participation.Participation.Answered(a.Input(false)))
            .Select(a => a.IndicatorCode).ToHashSet(StringComparer.Ordinal);
    }

    public sealed record ClaimCount(string RuleKey, int Count);

    /// <summary>One code under which the unit has evidence (Claimed null), or one bonus claim: both read in one query.</summary>
    private sealed class EntryMark
    {
        public required string Code { get; init; }
        public int? Claimed { get; init; }
    }

    /// <summary>
    /// The unit's entries in two round trips (answers; evidence codes and claims together): for submissions, claims, prefill
    /// and SQLite's save. PostgreSQL's save reads the same in its batch (<see cref="ScopeAndEntriesAsync"/>): a filter added
    /// here belongs there too.
    /// </summary>
    public async Task<Entries> EntriesAsync(AssessmentScope scope, CancellationToken ct, bool trackAnswers = false)
    {
        var id = scope.Participant.Id;
        var answers = trackAnswers ? db.Set<Answer>() : db.Set<Answer>().AsNoTracking();
        var list = await answers.Where(a => a.ParticipantId == id).ToListAsync(ct);
        var marks = await db.Set<EvidenceItem>().Where(e => e.ParticipantId == id).Select(e => new EntryMark { Code = e.IndicatorCode, Claimed = null })
            .Concat(db.Set<BonusClaimRecord>().Where(c => c.ParticipantId == id).Select(c => new EntryMark { Code = c.RuleKey, Claimed = c.Count }))
            .ToListAsync(ct);
        return new Entries(list, marks.Where(m => m.Claimed is null).Select(m => m.Code).ToHashSet(StringComparer.Ordinal),
            [.. marks.Where(m => m.Claimed is not null).Select(m => new ClaimCount(m.Code, m.Claimed!.Value))]);
    }

    /// <summary>
    /// PostgreSQL, the deadline day's save: the unit's scope and its entries in one round trip (three queries in a batch,
    /// on the caller's open connection), untracked. Each query reads what is committed when it starts; the guarded write
    /// that follows checks the participant's stamps, so a change between them is caught there and the save reads again.
    /// </summary>
    public async Task<(AssessmentScope Scope, Entries Entries)?> ScopeAndEntriesAsync(Guid campaignId, Guid unitId, CancellationToken ct)
    {
        var shape = SaveReadShape.Of(db.Model);
        Participant participant;
        Campaigns.Campaign campaign;
        Units.Unit unit;
        var answers = new List<Answer>();
        var withEvidence = new HashSet<string>(StringComparer.Ordinal);
        var claims = new List<ClaimCount>();
        // The reader is done with before anything else uses the connection (the index set, when not cached yet, is read on it).
        // Opened here too (EF Core counts the opens): the save path keeps it open across the read and the write.
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var batch = new Npgsql.NpgsqlBatch((Npgsql.NpgsqlConnection)db.Database.GetDbConnection());
            foreach (var sql in shape.Sql)
                batch.BatchCommands.Add(new Npgsql.NpgsqlBatchCommand(sql) { Parameters = { new() { Value = campaignId }, new() { Value = unitId } } });
            await using var reader = await batch.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct))
                return null;
            var ordinal = 0;
            participant = EntityRows.Read<Participant>(shape.ParticipantType, reader, ref ordinal);
            campaign = EntityRows.Read<Campaigns.Campaign>(shape.CampaignType, reader, ref ordinal);
            unit = EntityRows.Read<Units.Unit>(shape.UnitType, reader, ref ordinal);
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                ordinal = 0;
                answers.Add(EntityRows.Read<Answer>(shape.AnswerType, reader, ref ordinal));
            }
            await reader.NextResultAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                if (await reader.IsDBNullAsync(1, ct))
                    withEvidence.Add(reader.GetString(0));
                else
                    claims.Add(new ClaimCount(reader.GetString(0), reader.GetInt32(1)));
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
        var scope = new AssessmentScope(campaign, participant, unit, await sets.GetAsync(db, participant.IndexSetId, ct), TimeZoneInfo.FindSystemTimeZoneById(campaign.TimeZone));
        return (scope, new Entries(answers, withEvidence, claims));
    }

    /// <summary>The SQL of <see cref="ScopeAndEntriesAsync"/>, from the model's mapping (built once per model).</summary>
    private sealed record SaveReadShape(IEntityType ParticipantType, IEntityType CampaignType, IEntityType UnitType, IEntityType AnswerType, string[] Sql)
    {
        private static SaveReadShape? last;

        public static SaveReadShape Of(IModel model)
        {
            if (last is { } known && ReferenceEquals(known.ParticipantType.Model, model))
                return known;
            IEntityType Type<T>() => model.FindEntityType(typeof(T))!;
            var (p, c, u, a, e, b) = (Type<Participant>(), Type<Campaigns.Campaign>(), Type<Units.Unit>(), Type<Answer>(), Type<EvidenceItem>(), Type<BonusClaimRecord>());
            var participantId = $"(SELECT {EntityRows.Column(p, nameof(Participant.Id), "p")} FROM {EntityRows.Table(p)} AS p WHERE "
                + $"{EntityRows.Column(p, nameof(Participant.CampaignId), "p")} = $1 AND {EntityRows.Column(p, nameof(Participant.UnitId), "p")} = $2)";
            string[] sql =
            [
                $"SELECT {EntityRows.Select(p, "p")}, {EntityRows.Select(c, "c")}, {EntityRows.Select(u, "u")} FROM {EntityRows.Table(p)} AS p "
                    + $"JOIN {EntityRows.Table(c)} AS c ON {EntityRows.Column(c, nameof(Campaigns.Campaign.Id), "c")} = {EntityRows.Column(p, nameof(Participant.CampaignId), "p")} "
                    + $"JOIN {EntityRows.Table(u)} AS u ON {EntityRows.Column(u, nameof(Units.Unit.Id), "u")} = {EntityRows.Column(p, nameof(Participant.UnitId), "p")} "
                    + $"WHERE {EntityRows.Column(p, nameof(Participant.CampaignId), "p")} = $1 AND {EntityRows.Column(p, nameof(Participant.UnitId), "p")} = $2",
                $"SELECT {EntityRows.Select(a, "a")} FROM {EntityRows.Table(a)} AS a WHERE {EntityRows.Column(a, nameof(Answer.ParticipantId), "a")} = {participantId}",
                // $1 and $2 are used by the participant's subquery; each statement of the batch binds both.
                $"SELECT {EntityRows.Column(e, nameof(EvidenceItem.IndicatorCode), "e")}, NULL::integer FROM {EntityRows.Table(e)} AS e "
                    + $"WHERE {EntityRows.Column(e, nameof(EvidenceItem.ParticipantId), "e")} = {participantId} "
                    + $"UNION ALL SELECT {EntityRows.Column(b, nameof(BonusClaimRecord.RuleKey), "b")}, {EntityRows.Column(b, nameof(BonusClaimRecord.Count), "b")} "
                    + $"FROM {EntityRows.Table(b)} AS b WHERE {EntityRows.Column(b, nameof(BonusClaimRecord.ParticipantId), "b")} = {participantId}",
            ];
            return last = new SaveReadShape(p, c, u, a, sql);
        }
    }

    public async Task RefreshTotalsAsync(AssessmentScope scope, CancellationToken ct)
    {
        ApplyTotals(scope, await EntriesAsync(scope, ct));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Sets the unit's counts and self-score from its entries (saved with the caller's changes).</summary>
    public static void ApplyTotals(AssessmentScope scope, Entries entries)
    {
        var score = Score(scope, entries);
        var answered = entries.Answered;
        scope.Participant.RecordTotals(scope.ApplicableLeaves.Count, scope.ApplicableLeaves.Count(l => answered.Contains(l.Code)), score.Total, score.Percentage);
    }

    private static UnitScore Score(AssessmentScope scope, Entries entries)
    {
        var inputs = entries.Answers.ToDictionary(a => a.IndicatorCode,
            a => new IndicatorInput(a.Yes, a.Numerator, a.Denominator, a.Number, entries.WithEvidence.Contains(a.IndicatorCode)), StringComparer.Ordinal);
        var claims = entries.Claims.Where(c => Scoring.Participation.Participation.BonusCounts(c.Count, entries.WithEvidence.Contains(BonusClaimRecord.EvidenceCode(c.RuleKey))))
            .Select(c => new BonusClaim(c.RuleKey, c.Count)).ToList();
        return ScoringEngine.Score(scope.IndexSet, scope.Profile, inputs, claims);
    }

    /// <summary>Refuses, listing every indicator still missing an answer or evidence (and an unanswered clarification).</summary>
    public async Task EnsureCompleteAsync(AssessmentScope scope, CancellationToken ct)
    {
        var missing = Missing(scope, await EntriesAsync(scope, ct));
        if (scope.Participant.Status == ParticipantStatus.ReturnedForClarification
            && await db.Set<Verification.ClarificationRequest>().AnyAsync(c => c.ParticipantId == scope.Participant.Id && c.Answer == null, ct))
            missing.Add(Reason.For("clarification", "self-assessment.clarification-unanswered"));
        if (missing.Count > 0)
            throw Refusal.Invalid([.. missing.Select(m => m with { Field = "submit" })]);
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

    public async Task<SelfAssessmentView> ViewAsync(AssessmentScope scope, CancellationToken ct)
    {
        // The view shows every evidence item and claim in full, so it reads them as they are.
        var id = scope.Participant.Id;
        var evidenceItems = await db.Set<EvidenceItem>().AsNoTracking().Where(e => e.ParticipantId == id).OrderBy(e => e.AddedAt).ToListAsync(ct);
        var claimRecords = await db.Set<BonusClaimRecord>().AsNoTracking().Where(c => c.ParticipantId == id).ToListAsync(ct);
        var entries = new Entries(await db.Set<Answer>().AsNoTracking().Where(a => a.ParticipantId == id).ToListAsync(ct),
            evidenceItems.Select(e => e.IndicatorCode).ToHashSet(StringComparer.Ordinal), [.. claimRecords.Select(c => new ClaimCount(c.RuleKey, c.Count))]);
        var answers = entries.Answers.ToDictionary(a => a.IndicatorCode, StringComparer.Ordinal);
        var evidence = evidenceItems.GroupBy(e => e.IndicatorCode).ToDictionary(g => g.Key, g => g.Select(ToView).ToList(), StringComparer.Ordinal);
        var score = Score(scope, entries);
        string? closed = null;
        // The view speaks the reader's language (the request's culture, API and pages alike).
        var language = Refusal.LanguageOf(System.Globalization.CultureInfo.CurrentUICulture);
        try { scope.EnsureEditable(clock.GetUtcNow()); }
        catch (Refusal e) { closed = string.Join("; ", e.Texts(language)); }
        var indicators = scope.ApplicableLeaves.Select(l => new IndicatorView(l.Code, l.Code.Split('.')[0], l.Name.Vi, l.Name.En, l.MaxPoints, l.Method!,
            l.EvidenceRequirement, l.EvidenceRequired, answers.TryGetValue(l.Code, out var a) ? ToView(a) : null,
            evidence.GetValueOrDefault(l.Code) ?? [])).ToList();
        var bonusViews = scope.IndexSet.BonusRules.Select(rule => BonusView(rule, claimRecords.FirstOrDefault(c => c.RuleKey == rule.Key),
            evidence.GetValueOrDefault(BonusClaimRecord.EvidenceCode(rule.Key)) ?? [])).ToList();
        return new SelfAssessmentView(scope.Campaign.Id, scope.Unit.Id, scope.Unit.Code, scope.Unit.NameVi, scope.Participant.Status,
            scope.Deadline, scope.Local(scope.Deadline), closed is null, closed, score.Total, score.ApplicableMax, score.Percentage, score.Band?.Key,
            scope.Participant.AnsweredCount, scope.ApplicableLeaves.Count, [.. Missing(scope, entries).Select(m => m.Text(language))], indicators, score.Bonus, bonusViews,
            $"/calendar/{scope.Participant.CalendarToken}.ics",
            scope.Campaign.HeadApproval ? new UnitApprovalView(scope.Participant.PreparedAt, scope.Participant.PreparedBy, scope.Participant.SentBackNote,
                scope.Participant.SentBackAt, scope.Participant.SentBackBy, scope.Participant.SubmittedAt, scope.Participant.SubmittedBy) : null,
            scope.Rules.WithdrawableUntil is { } until && clock.GetUtcNow() < until ? until : null);
    }

    public static BonusView BonusView(BonusRule rule, BonusClaimRecord? claim, IReadOnlyList<EvidenceView> evidence) =>
        new(rule.Key, rule.Name.Vi, rule.Name.En, rule.PointsPerItem, rule.Cap, claim?.Count ?? 0, claim?.Explanation, claim?.Version ?? 0, evidence);

    public static AnswerView ToView(Answer a) => new(a.IndicatorCode, a.Yes, a.Numerator, a.Denominator, a.Number, a.Explanation, a.SelfScore, a.ShortfallReason, a.Version, a.UpdatedAt, a.UpdatedBy);

    public static EvidenceView ToView(EvidenceItem e) => new(e.Id, e.IndicatorCode, e.Kind, e.FileName, e.ContentType, e.Size, e.Sha256,
        e.Url, e.DocumentNumber, e.DocumentDate, e.DocumentIssuer, e.AddedAt);

    /// <summary>
    /// An evidence item as the audit trail records it: the fields of <see cref="EvidenceView"/> with the kind as a word
    /// ("link"), the form of the entries already stored (the trail's serializer would write the enum as a number).
    /// </summary>
    public static object AuditForm(EvidenceItem e) => new
    {
        e.Id, Code = e.IndicatorCode, Kind = e.Kind.ToString().ToLowerInvariant(), e.FileName, e.ContentType, e.Size, e.Sha256,
        e.Url, e.DocumentNumber, e.DocumentDate, e.DocumentIssuer, e.AddedAt,
    };
}
