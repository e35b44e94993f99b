using System.Collections.Concurrent;
using System.Text;
using Dtx.Campaign.Scoring.IndexSets;
using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Audit;
using Dtx.Campaign.Server.Campaigns;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Disputes;
using Dtx.Campaign.Server.IndexSets;
using Dtx.Campaign.Server.SelfAssessments;
using Dtx.Campaign.Server.Verification;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Results;

/// <summary>
/// A stored result set checked three ways: the hash of the document as stored, the stored checksum, and the
/// checksum of a recomputation; and each of its <see cref="UnitRows"/> (what a unit's page is served from) against
/// the document's entry for the unit and its own checksum. Identical only when all agree; otherwise
/// <see cref="Differences"/> names each unit and figure that differ ("SNV total: stored 170, recomputed 160").
/// </summary>
public sealed record RecomputeReport(string Kind, string StoredChecksum, string RecomputedChecksum, bool Identical,
    string DocumentChecksum, IReadOnlyList<string> Differences, int UnitRows);

/// <summary>
/// Computes, stores, publishes and reads a campaign's results. A result set, once stored, is never
/// rewritten: recomputing it only tells whether the same figures come out (byte for byte).
/// </summary>
internal sealed partial class ResultsBook(CampaignDbContext db, IndexSetCache sets, AuditTrail audit, TimeProvider clock, PublishedPages pages, ILogger<ResultsBook> logger)
{
    // Stored documents never change, so a parsed copy can be kept per result-set id and checksum.
    private static readonly ConcurrentDictionary<(Guid, string), ResultDocument> Parsed = new();

    /// <summary>A stored result set without its document: what the workflow's steps report (the document is 42 MB for 5 000 units).</summary>
    public sealed record Stored(Guid Id, string Kind, string Checksum, DateTimeOffset? PublishedAt);

    private Task<Stored?> StoredAsync(Guid campaignId, string kind, CancellationToken ct) =>
        db.Set<ResultSet>().Where(r => r.CampaignId == campaignId && r.Kind == kind)
            .Select(r => new Stored(r.Id, r.Kind, r.Checksum, r.PublishedAt)).FirstOrDefaultAsync(ct);

    /// <summary>Computes and stores the results of a kind, unless already stored (a re-run of the workflow step changes nothing).</summary>
    public async Task<Stored> ComputeAsync(Guid campaignId, string kind, string? actor, CancellationToken ct)
    {
        if (await StoredAsync(campaignId, kind, ct) is { } existing)
            return existing;
        var document = await BuildAsync(campaignId, kind, ct);
        var (bytes, units) = CanonicalJson.Print(document);
        var set = new ResultSet
        {
            Id = Guid.CreateVersion7(), CampaignId = campaignId, Kind = kind, Document = Encoding.UTF8.GetString(bytes),
            Checksum = CanonicalJson.Checksum(bytes), ComputedAt = clock.GetUtcNow(), ComputedBy = actor,
        };
        db.Add(set);
        // Each unit's row, in the same save (both or neither), so that its page never reads the document.
        var (unitIds, checksums) = UnitChecksums(document, units);
        if (db.Database.IsNpgsql())
            await SaveCopyingRowsAsync(set.Id, unitIds, units, checksums, ct);
        else
        {
            db.AddRange(unitIds.Select((unitId, i) => new UnitResultRow
            {
                ResultSetId = set.Id, UnitId = unitId, Result = Encoding.UTF8.GetString(units[i]), Checksum = checksums[i],
            }));
            await db.SaveChangesAsync(ct);
        }
        await audit.RecordAsync(new AuditEvent("results.computed", "result-set", set.Id.ToString(), After: new { set.Kind, set.Checksum },
            CampaignId: campaignId), ct);
        return new Stored(set.Id, set.Kind, set.Checksum, set.PublishedAt);
    }

    /// <summary>
    /// On PostgreSQL the result set is saved and its unit rows copied in (binary COPY) in one transaction: thousands of rows
    /// of kilobytes each, which EF Core sent as as many INSERT statements, each printed unit's UTF-8 bytes written as they
    /// are (the connection's encoding is UTF-8) rather than decoded into a string first.
    /// </summary>
    private async Task SaveCopyingRowsAsync(Guid setId, List<Guid> unitIds, IReadOnlyList<byte[]> printedUnits, List<string> checksums, CancellationToken ct)
    {
        // Within the caller's transaction when there is one (the workflow's step computing results at an approval).
        await using var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        await db.SaveChangesAsync(ct);
        var connection = (Npgsql.NpgsqlConnection)db.Database.GetDbConnection();
        await using (var copy = await connection.BeginBinaryImportAsync(
            "COPY unit_result_rows (\"ResultSetId\", \"UnitId\", \"Result\", \"Checksum\") FROM STDIN (FORMAT BINARY)", ct))
        {
            for (var i = 0; i < unitIds.Count; i++)
            {
                await copy.StartRowAsync(ct);
                await copy.WriteAsync(setId, NpgsqlTypes.NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(unitIds[i], NpgsqlTypes.NpgsqlDbType.Uuid, ct);
                await copy.WriteAsync(printedUnits[i], NpgsqlTypes.NpgsqlDbType.Text, ct);
                await copy.WriteAsync(checksums[i], NpgsqlTypes.NpgsqlDbType.Varchar, ct);
            }
            await copy.CompleteAsync(ct);
        }
        if (own is not null)
            await own.CommitAsync(ct);
    }

    public async Task<RecomputeReport?> RecomputeAsync(Guid campaignId, string kind, CancellationToken ct)
    {
        if (await StoredAsync(campaignId, kind, ct) is not { } found)
            return null;
        // On PostgreSQL the stored document and rows are hashed where they are stored, on a connection of their own, while the
        // set is recomputed here (0.2-0.4 s of PostgreSQL's CPU that no longer adds to the recompute's time).
        var hashing = StoredHashesAsync(found, ct);
        var building = BuildAsync(campaignId, kind, ct);
        await Task.WhenAll(hashing, building);
        var recomputed = await building;
        var (bytes, units) = CanonicalJson.Print(recomputed);
        var checksum = CanonicalJson.Checksum(bytes);
        if (checksum == found.Checksum && await hashing is { } hashes && Agreeing(hashes, found, recomputed, units) is { } rowCount)
            return new RecomputeReport(kind, found.Checksum, checksum, Identical: true, DocumentChecksum: found.Checksum, [], rowCount);
        var stored = await db.Set<ResultSet>().AsNoTracking().FirstAsync(r => r.Id == found.Id, ct);
        // The stored text itself is hashed: an edit to the document that leaves the checksum column alone is found here.
        var documentChecksum = CanonicalJson.Checksum(Encoding.UTF8.GetBytes(stored.Document));
        var rows = await db.Set<UnitResultRow>().AsNoTracking().Where(r => r.ResultSetId == stored.Id).ToListAsync(ct);
        var identical = checksum == stored.Checksum && documentChecksum == stored.Checksum;
        // When the stored document is byte for byte the recomputed one, its unit entries are the units just printed: the rows are
        // compared with those, and the 42 MB document is parsed only to name what differs.
        var rowDifferences = identical ? ResultDifferences.OfRows(recomputed, units, rows) : [];
        if (!identical || rowDifferences.Count > 0)
            rowDifferences = ResultDifferences.OfRows(stored.Document, rows);
        var differences = new List<string>();
        if (documentChecksum != stored.Checksum)
            differences.Add($"the stored document hashes to {documentChecksum}, not its checksum {stored.Checksum}");
        if (!identical)
            differences.AddRange(ResultDifferences.Between(stored.Document, recomputed));
        differences.AddRange(rowDifferences);
        return new RecomputeReport(kind, stored.Checksum, checksum, identical && rowDifferences.Count == 0, documentChecksum, differences, rows.Count);
    }

    private sealed record RowHash(Guid UnitId, string Checksum, string Hash);

    /// <summary>Each unit of the document, in document order, with the checksum of its printed bytes (hashed on all cores).</summary>
    private static (List<Guid> UnitIds, List<string> Checksums) UnitChecksums(ResultDocument document, IReadOnlyList<byte[]> printedUnits) =>
        ([.. document.Categories.SelectMany(c => c.Units).Select(u => u.UnitId)], [.. printedUnits.AsParallel().AsOrdered().Select(CanonicalJson.Checksum)]);

    /// <summary>What the stored document and each stored unit row hash to, hashed by PostgreSQL.</summary>
    private sealed record StoredHashes(string Document, List<RowHash> Rows);

    /// <summary>
    /// On PostgreSQL, the stored document's and unit rows' hashes, computed where they are stored: the 84 MB of a national
    /// result set do not cross the connection when nothing differs (a recompute took 1.4 s, a third of it reading and
    /// hashing them). Null on SQLite: the caller then reads them all and names each difference.
    /// </summary>
    private async Task<StoredHashes?> StoredHashesAsync(Stored stored, CancellationToken ct)
    {
        if (!db.Database.IsNpgsql())
            return null;
        // Its own connection (the context's serves the recompute meanwhile); both queries in one round trip.
        await using var connection = new Npgsql.NpgsqlConnection(db.Database.GetConnectionString());
        await connection.OpenAsync(ct);
        await using var batch = new Npgsql.NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new("SELECT encode(sha256(convert_to(\"Document\", 'UTF8')), 'hex') FROM result_sets WHERE \"Id\" = $1") { Parameters = { new() { Value = stored.Id } } },
                new("SELECT \"UnitId\", \"Checksum\", encode(sha256(convert_to(\"Result\", 'UTF8')), 'hex') FROM unit_result_rows WHERE \"ResultSetId\" = $1")
                    { Parameters = { new() { Value = stored.Id } } },
            },
        };
        await using var reader = await batch.ExecuteReaderAsync(ct);
        var document = await reader.ReadAsync(ct) ? reader.GetString(0) : "";
        await reader.NextResultAsync(ct);
        var rows = new List<RowHash>();
        while (await reader.ReadAsync(ct))
            rows.Add(new RowHash(reader.GetGuid(0), reader.GetString(1), reader.GetString(2)));
        return new StoredHashes(document, rows);
    }

    /// <summary>
    /// The row count when the stored document and every unit row hash to what was just recomputed; null when anything
    /// differs (the caller then reads everything and names each difference).
    /// </summary>
    private static int? Agreeing(StoredHashes stored, Stored set, ResultDocument recomputed, IReadOnlyList<byte[]> printedUnits)
    {
        if (stored.Document != set.Checksum)
            return null;
        // A result set stored before the rows existed has none, and is checked by its document alone.
        if (stored.Rows.Count == 0)
            return 0;
        var (unitIds, checksums) = UnitChecksums(recomputed, printedUnits);
        var expected = unitIds.Zip(checksums).ToDictionary(x => x.First, x => x.Second);
        return stored.Rows.Count == expected.Count && stored.Rows.All(r => r.Hash == r.Checksum && expected.GetValueOrDefault(r.UnitId) == r.Hash) ? stored.Rows.Count : null;
    }

    public async Task<Stored?> PublishAsync(Guid campaignId, string kind, CancellationToken ct)
    {
        var stored = await StoredAsync(campaignId, kind, ct);
        if (stored is null || stored.PublishedAt is not null)
            return stored;
        // Only the date is written: the document is neither read nor sent back.
        var published = stored with { PublishedAt = clock.GetUtcNow() };
        await db.Set<ResultSet>().Where(r => r.Id == stored.Id && r.PublishedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.PublishedAt, published.PublishedAt), ct);
        await audit.RecordAsync(new AuditEvent("results.published", "result-set", stored.Id.ToString(), After: new { stored.Kind, stored.Checksum, published.PublishedAt },
            CampaignId: campaignId), ct);
        await pages.ChangedAsync(ct);
        return published;
    }

    public async Task<(ResultSet Set, ResultDocument Document)?> GetAsync(Guid campaignId, string kind, bool publishedOnly, CancellationToken ct)
    {
        var set = await db.Set<ResultSet>().AsNoTracking().FirstOrDefaultAsync(r => r.CampaignId == campaignId && r.Kind == kind, ct);
        if (set is null || (publishedOnly && set.PublishedAt is null))
            return null;
        return (set, Read(set));
    }

    /// <summary>
    /// The stored document, parsed, once it hashes to its checksum: a row edited outside the server (a figure changed,
    /// the checksum left alone) is refused to every reader, never served, and logged for the administrators, who find
    /// the unit and figure with <c>results verify</c>. Hashed on every read, so an edit is caught even where the
    /// genuine document is already parsed.
    /// </summary>
    private ResultDocument Read(ResultSet set)
    {
        if (CanonicalJson.Checksum(Encoding.UTF8.GetBytes(set.Document)) != set.Checksum)
        {
            LogTampered(logger, set.CampaignId, set.Kind, set.Checksum);
            throw Refusal.Conflict("results.tampered", ("kind", set.Kind));
        }
        return Parsed.GetOrAdd((set.Id, set.Checksum), _ => CanonicalJson.Read(set.Document));
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "The stored {Kind} results of campaign {CampaignId} do not hash to their checksum {Checksum}: edited outside the server; run 'results verify'")]
    private static partial void LogTampered(ILogger logger, Guid campaignId, string kind, string checksum);

    /// <summary>
    /// A unit's results of the given kinds (only published ones, if asked), by kind, each from the unit's row once it hashes
    /// to its checksum: a few kilobytes read and hashed, never the document. A result set stored before the rows existed has
    /// none, and its units are read from the document as before (rows are not added afterwards: a result set is never rewritten).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, UnitResult>> GetUnitAsync(Guid campaignId, Guid unitId, string[] kinds, bool publishedOnly, CancellationToken ct)
    {
        var rows = db.Set<UnitResultRow>().AsNoTracking();
        var stored = await (from s in db.Set<ResultSet>().AsNoTracking()
                            where s.CampaignId == campaignId && kinds.Contains(s.Kind) && (!publishedOnly || s.PublishedAt != null)
                            join r in rows.Where(r => r.UnitId == unitId) on s.Id equals r.ResultSetId into found
                            from r in found.DefaultIfEmpty()
                            select new { s.Kind, Result = r == null ? null : r.Result, Checksum = r == null ? null : r.Checksum, HasRows = rows.Any(x => x.ResultSetId == s.Id) })
            .ToListAsync(ct);
        var results = new Dictionary<string, UnitResult>(StringComparer.Ordinal);
        foreach (var s in stored)
        {
            if (s.Result is not null)
                results[s.Kind] = ReadRow(campaignId, s.Kind, unitId, s.Result, s.Checksum!);
            else if (!s.HasRows && await GetAsync(campaignId, s.Kind, publishedOnly, ct) is { } set
                && set.Document.Categories.SelectMany(c => c.Units).FirstOrDefault(u => u.UnitId == unitId) is { } fromDocument)
                results[s.Kind] = fromDocument;
        }
        return results;
    }

    /// <summary>
    /// A unit's row, parsed, once it hashes to its checksum and is this unit's: a row edited outside the server, or another unit's
    /// row copied over it with its checksum, is refused and logged as an edited document is.
    /// </summary>
    private UnitResult ReadRow(Guid campaignId, string kind, Guid unitId, string json, string checksum)
    {
        if (CanonicalJson.Checksum(Encoding.UTF8.GetBytes(json)) == checksum)
        {
            try
            {
                if (CanonicalJson.ReadUnit(json) is { } result && result.UnitId == unitId)
                    return result;
            }
            catch (System.Text.Json.JsonException)
            {
                // Rehashed along with the edit, and not even a unit result: refused below.
            }
        }
        LogRowTampered(logger, unitId, campaignId, kind, checksum);
        throw Refusal.Conflict("results.tampered", ("kind", kind));
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "The stored {Kind} result row of unit {UnitId} in campaign {CampaignId} does not hash to its checksum {Checksum} or is another unit's: edited outside the server; run 'results verify'")]
    private static partial void LogRowTampered(ILogger logger, Guid unitId, Guid campaignId, string kind, string checksum);

    /// <summary>Reads everything the results depend on and computes the document (nothing stored).</summary>
    public async Task<ResultDocument> BuildAsync(Guid campaignId, string kind, CancellationToken ct)
    {
        var campaign = await db.Campaigns.AsNoTracking().FirstAsync(c => c.Id == campaignId, ct);
        var participants = await (from p in db.Participants.AsNoTracking()
                                  join u in db.Units.AsNoTracking() on p.UnitId equals u.Id
                                  where p.CampaignId == campaignId
                                  select new { p, u.Code, u.NameVi }).ToListAsync(ct);
        // Rows are selected by campaign (a join, not a list of thousands of ids) and only the columns the
        // results use are read: 5 000 units × 60 indicators is 300 000 answers.
        var participantIds = db.Participants.Where(p => p.CampaignId == campaignId).Select(p => p.Id);
        var answers = (await db.Set<Answer>().Where(a => participantIds.Contains(a.ParticipantId))
            .Select(a => new ScoredAnswer(a.ParticipantId, a.IndicatorCode, a.Yes, a.Numerator, a.Denominator, a.Number, a.SelfScore))
            .ToListAsync(ct)).ToLookup(a => a.ParticipantId);
        var evidence = (await db.Set<EvidenceItem>().Where(e => participantIds.Contains(e.ParticipantId))
            .Select(e => new { e.ParticipantId, e.IndicatorCode }).Distinct().ToListAsync(ct)).ToLookup(e => e.ParticipantId, e => e.IndicatorCode);
        var claims = (await db.Set<BonusClaimRecord>().AsNoTracking().Where(c => participantIds.Contains(c.ParticipantId)).ToListAsync(ct)).ToLookup(c => c.ParticipantId);
        var verdicts = (await db.Set<IndicatorVerdict>().Where(v => participantIds.Contains(v.ParticipantId))
            .Select(v => new { v.ParticipantId, v.IndicatorCode, v.Points, v.Note }).ToListAsync(ct)).ToLookup(v => v.ParticipantId);
        var upheld = kind == ResultKinds.Final
            ? (await db.Set<Dispute>().AsNoTracking().Where(d => d.CampaignId == campaignId && d.Status == DisputeStatus.Upheld).ToListAsync(ct)).ToLookup(d => d.ParticipantId)
            : Enumerable.Empty<Dispute>().ToLookup(d => d.ParticipantId);

        // Lineage: who each participant came from, with the predecessor's population (docs/lineage.md).
        var unitIds = db.Participants.Where(p => p.CampaignId == campaignId).Select(p => p.UnitId);
        var lineage = (await (from l in db.Set<Units.UnitPredecessor>().AsNoTracking()
                              join u in db.Units.AsNoTracking() on l.PredecessorId equals u.Id
                              where unitIds.Contains(l.UnitId)
                              select new { l.UnitId, l.PredecessorId, l.Share, u.Population }).ToListAsync(ct))
            .ToLookup(l => l.UnitId, l => new PredecessorLink(l.PredecessorId, l.Share, l.Population));

        var inputs = new List<ResultInputs>(participants.Count);
        foreach (var x in participants.OrderBy(x => x.Code, StringComparer.Ordinal))
        {
            var p = x.p;
            var status = p.Verification == VerificationStatus.Excluded ? ResultCalculator.Excluded
                : ReviewWork.NeedsVerification(p, campaign) ? ResultCalculator.Assessed : ResultCalculator.NotSubmitted;
            var counts = status == ResultCalculator.Assessed;
            var withEvidence = evidence[p.Id].ToHashSet(StringComparer.Ordinal);
            var answered = counts ? answers[p.Id].ToList() : [];
            inputs.Add(new ResultInputs(p.UnitId, x.Code, x.NameVi, p.Category, p.Flags.ToHashSet(StringComparer.Ordinal), await sets.GetAsync(db, p.IndexSetId, ct),
                status, p.ExclusionReason,
                answered.ToDictionary(a => a.IndicatorCode, a => new IndicatorInput(a.Yes, a.Numerator, a.Denominator, a.Number, withEvidence.Contains(a.IndicatorCode)), StringComparer.Ordinal),
                answered.ToDictionary(a => a.IndicatorCode, a => a.SelfScore, StringComparer.Ordinal),
                counts ? verdicts[p.Id].ToDictionary(v => v.IndicatorCode, v => (v.Points, v.Note), StringComparer.Ordinal) : [],
                counts ? upheld[p.Id].OrderBy(d => d.ResolvedAt).GroupBy(d => d.IndicatorCode)
                    .ToDictionary(g => g.Key, g => (g.Last().NewPoints!.Value, g.Last().Resolution), StringComparer.Ordinal) : [],
                counts ? claims[p.Id].Where(c => Scoring.Participation.Participation.BonusCounts(c.Count, withEvidence.Contains(BonusClaimRecord.EvidenceCode(c.RuleKey))))
                    .ToDictionary(c => c.RuleKey, c => c.Count, StringComparer.Ordinal) : [])
            {
                Predecessors = [.. lineage[p.UnitId]],
            });
        }
        return ResultCalculator.Compute(campaign.Id, campaign.Year, campaign.NameVi, kind, inputs, await PreviousAsync(campaign, ct));
    }

    private sealed record ScoredAnswer(Guid ParticipantId, string IndicatorCode, bool? Yes, decimal? Numerator, decimal? Denominator, decimal? Number, decimal SelfScore);

    /// <summary>The final results of the same authority's latest earlier campaign, for year-over-year change.</summary>
    private async Task<ResultDocument?> PreviousAsync(Campaigns.Campaign campaign, CancellationToken ct)
    {
        var previous = await (from r in db.Set<ResultSet>().AsNoTracking()
                              join c in db.Campaigns.AsNoTracking() on r.CampaignId equals c.Id
                              where c.AuthorityId == campaign.AuthorityId && c.Year < campaign.Year && r.Kind == ResultKinds.Final
                              orderby c.Year descending
                              select r).FirstOrDefaultAsync(ct);
        return previous is null ? null : Read(previous);
    }
}
