using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Dtx.Campaign.Scoring.IndexSets;
using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Audit;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Hosting;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.IndexSets;

/// <summary>
/// Reads, validates and stores index-set versions, and moves them through draft → published → superseded.
/// A published version is never changed: a change is a new version.
/// </summary>
internal sealed class IndexSetCatalog(CampaignDbContext db, IndexSetFiles files, AuditTrail audit, TimeProvider clock)
{
    /// <summary>Parses and validates a file and stores it as a draft (replacing a draft of the same key and version).</summary>
    public async Task<IndexSetRecord> ImportAsync(string fileName, Stream content, string? user, bool publish, CancellationToken ct)
    {
        var set = await files.ReadAsync(fileName, content, ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var existing = await db.IndexSets.Include(s => s.Indicators)
            .FirstOrDefaultAsync(s => s.Key == set.Key && s.Version == set.Version, ct);
        if (existing is { Status: not IndexSetStatus.Draft })
        {
            var next = await db.IndexSets.Where(s => s.Key == set.Key).MaxAsync(s => s.Version, ct) + 1;
            throw Refusal.Conflict("index-set.version-frozen", ("file", fileName), ("set", set.Key), ("version", set.Version), ("status", ApiNames.Label("index-set", existing.Status)), ("next", next));
        }
        if (existing is not null)
        {
            var usedBy = await db.Set<Campaigns.CampaignIndexSet>().Where(s => s.IndexSetId == existing.Id)
                .Join(db.Set<Campaigns.Campaign>(), s => s.CampaignId, c => c.Id, (s, c) => c.NameVi).FirstOrDefaultAsync(ct);
            if (usedBy is not null)
                throw Refusal.Conflict("index-set.draft-in-use", ("file", fileName), ("set", set.Key), ("version", set.Version), ("campaign", usedBy));
            db.IndexSets.Remove(existing);
        }

        var record = ToRecord(set, fileName, user);
        db.IndexSets.Add(record);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditEvent(existing is null ? "index-set.created" : "index-set.draft-replaced", "index-set", record.Id.ToString(),
            Before: existing is null ? null : Snapshot(existing), After: Snapshot(record), Detail: fileName), ct);
        if (publish)
            await PublishCoreAsync(record, user, ct);
        await transaction.CommitAsync(ct);
        return record;
    }

    /// <summary>Publishes a draft; the previously published version of the same key becomes superseded.</summary>
    public async Task<IndexSetRecord> PublishAsync(Guid id, string? user, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var record = await db.IndexSets.FirstOrDefaultAsync(s => s.Id == id, ct)
            ?? throw new KeyNotFoundException($"Index set {id}");
        if (record.Status != IndexSetStatus.Draft)
            throw Refusal.Conflict("index-set.not-draft", ("set", record.Key), ("version", record.Version), ("status", ApiNames.Label("index-set", record.Status)));
        await PublishCoreAsync(record, user, ct);
        await transaction.CommitAsync(ct);
        return record;
    }

    /// <summary>Starts a new draft version from a stored version (its content, with the next version number).</summary>
    public async Task<IndexSetRecord> NewVersionAsync(Guid id, string? user, CancellationToken ct)
    {
        var source = await db.IndexSets.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct)
            ?? throw new KeyNotFoundException($"Index set {id}");
        var next = await db.IndexSets.Where(s => s.Key == source.Key).MaxAsync(s => s.Version, ct) + 1;
        var set = Deserialize(source.DefinitionJson) with { Version = next };
        var record = ToRecord(set, source.SourceFileName, user);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.IndexSets.Add(record);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditEvent("index-set.new-version", "index-set", record.Id.ToString(), Before: Snapshot(source), After: Snapshot(record)), ct);
        await transaction.CommitAsync(ct);
        return record;
    }

    public static IndexSet Deserialize(string json) =>
        JsonSerializer.Deserialize<IndexSet>(json, IndexSetJson.Options)
        ?? throw new InvalidDataException("A stored index set definition is empty.");

    private async Task PublishCoreAsync(IndexSetRecord record, string? user, CancellationToken ct)
    {
        var previous = await db.IndexSets
            .Where(s => s.Key == record.Key && s.Status == IndexSetStatus.Published && s.Id != record.Id)
            .ToListAsync(ct);
        var events = new List<AuditEvent>();
        foreach (var old in previous)
        {
            events.Add(new AuditEvent("index-set.superseded", "index-set", old.Id.ToString(), Before: Snapshot(old), After: Snapshot(old) with { Status = "superseded" }));
            old.Status = IndexSetStatus.Superseded;
            old.ConcurrencyStamp = Guid.NewGuid();
        }
        events.Add(new AuditEvent("index-set.published", "index-set", record.Id.ToString(), Before: Snapshot(record), After: Snapshot(record) with { Status = "published" }));
        record.Status = IndexSetStatus.Published;
        record.PublishedAt = clock.GetUtcNow();
        record.PublishedBy = user;
        record.ConcurrencyStamp = Guid.NewGuid();
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(events, ct);
    }

    private sealed record IndexSetSnapshot(string Key, int Version, string Status, string ContentHash);

    private static IndexSetSnapshot Snapshot(IndexSetRecord r) => new(r.Key, r.Version, r.Status.ToString().ToLowerInvariant(), r.ContentHash);

    private IndexSetRecord ToRecord(IndexSet set, string fileName, string? user)
    {
        var json = JsonSerializer.Serialize(set, IndexSetJson.Options);
        var id = Guid.CreateVersion7();
        var order = 0;
        return new IndexSetRecord
        {
            Id = id,
            Key = set.Key,
            Version = set.Version,
            Status = IndexSetStatus.Draft,
            NameVi = set.Name.Vi,
            NameEn = set.Name.En,
            Level = set.Level,
            EffectiveYear = set.EffectiveYear,
            LegalReference = set.LegalReference,
            IsSample = set.IsSample,
            MaxPoints = set.MaxPoints,
            IndicatorCount = set.Leaves().Count(),
            DefinitionJson = json,
            SourceFileName = Path.GetFileName(fileName),
            ContentHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json))),
            CreatedAt = clock.GetUtcNow(),
            CreatedBy = user,
            Indicators = set.Groups.SelectMany(g => Flatten(g, null, 0)).Select(n => new IndicatorRecord
            {
                Id = Guid.CreateVersion7(),
                IndexSetId = id,
                Code = n.Node.Code,
                ParentCode = n.Parent,
                Depth = n.Depth,
                SortOrder = order++,
                NameVi = n.Node.Name.Vi,
                NameEn = n.Node.Name.En,
                MaxPoints = n.Node.MaxPoints,
                IsLeaf = n.Node.IsLeaf,
                MethodKind = n.Node.Method?.Kind,
                RequiresFlag = n.Node.AppliesTo?.RequiresFlag,
            }).ToList(),
        };
    }

    private static IEnumerable<(IndicatorNode Node, string? Parent, int Depth)> Flatten(IndicatorNode node, string? parent, int depth)
    {
        yield return (node, parent, depth);
        foreach (var child in node.Children)
            foreach (var item in Flatten(child, node.Code, depth + 1))
                yield return item;
    }
}

/// <summary>The canonical JSON of an index set: what is stored and hashed.</summary>
internal static class IndexSetJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
