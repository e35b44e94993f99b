using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Dtx.Campaign.Server.Awards;
using Dtx.Campaign.Server.Campaigns;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Disputes;
using Dtx.Campaign.Server.Results;
using Dtx.Campaign.Server.Verification;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dtx.Campaign.Server.Workflow;

/// <summary>
/// What the chair approved at the end of a stage: the snapshot of the figures under the approval (canonical
/// JSON of named items) and its SHA-256. A later approval of the same stage (a re-approval) adds a record.
/// </summary>
public sealed class ApprovalRecord
{
    public Guid Id { get; set; }
    public Guid CampaignId { get; set; }
    public required string Stage { get; set; }
    public required string Checksum { get; set; }
    public required string Snapshot { get; set; }
    public DateTimeOffset ApprovedAt { get; set; }
    public required string ApprovedBy { get; set; }
    public string? Comment { get; set; }
}

internal sealed class ApprovalRecordConfiguration : IEntityTypeConfiguration<ApprovalRecord>
{
    public void Configure(EntityTypeBuilder<ApprovalRecord> builder)
    {
        builder.ToTable("approval_records");
        builder.HasIndex(x => new { x.CampaignId, x.Stage, x.ApprovedAt });
        builder.Property(x => x.Stage).HasMaxLength(64);
        builder.Property(x => x.Checksum).HasMaxLength(64);
        builder.Property(x => x.ApprovedBy).HasMaxLength(256);
    }
}

/// <summary>A snapshot: item name → value, ordered by name, and its checksum.</summary>
public sealed record ApprovalSnapshot(IReadOnlyDictionary<string, string> Items, string Checksum)
{
    public static ApprovalSnapshot Of(SortedDictionary<string, string> items) => new(items, ChecksumOf(items));

    public static string ChecksumOf(IReadOnlyDictionary<string, string> items) =>
        Convert.ToHexStringLower(SHA256.HashData(Canonical(items)));

    /// <summary>Canonical JSON: one object, keys in ordinal order, no whitespace, UTF-8.</summary>
    public static byte[] Canonical(IReadOnlyDictionary<string, string> items) =>
        JsonSerializer.SerializeToUtf8Bytes(new SortedDictionary<string, string>(items.ToDictionary(), StringComparer.Ordinal));

    public static IReadOnlyDictionary<string, string> Read(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [];

    /// <summary>What differs between an approved snapshot and now, one line per item: "verdict SNV 1.1: 20|ok → 15|lowered".</summary>
    public static IReadOnlyList<string> Changes(IReadOnlyDictionary<string, string> approved, IReadOnlyDictionary<string, string> now)
    {
        var changes = new List<string>();
        foreach (var key in approved.Keys.Union(now.Keys).Order(StringComparer.Ordinal))
        {
            var before = approved.GetValueOrDefault(key);
            var after = now.GetValueOrDefault(key);
            if (before != after)
                changes.Add($"{key}: {before ?? "(không có / none)"} → {after ?? "(đã xoá / removed)"}");
        }
        return changes;
    }
}

/// <summary>
/// Reads what an approval of each gated stage stands on. council-verification: each verdict (points and note)
/// and each exclusion; dispute-resolution: those and every dispute (status, new points, answer) and the
/// preliminary results' checksum; publication-and-awards: those, the final results' checksum and the awards.
/// </summary>
internal sealed class ApprovalSnapshots(CampaignDbContext db)
{
    public static readonly string[] GatedStages = ["council-verification", "dispute-resolution", "publication-and-awards"];

    public async Task<ApprovalSnapshot> TakeAsync(Guid campaignId, string stage, CancellationToken ct)
    {
        var items = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var level = Array.IndexOf(GatedStages, stage);
        static string N(decimal d) => d.ToString("0.####", CultureInfo.InvariantCulture);

        var participants = await (from p in db.Participants.AsNoTracking()
                                  join u in db.Units.AsNoTracking() on p.UnitId equals u.Id
                                  where p.CampaignId == campaignId
                                  select new { p.Id, u.Code, p.Verification, p.ExclusionReason }).ToListAsync(ct);
        var code = participants.ToDictionary(p => p.Id, p => p.Code);
        foreach (var p in participants.Where(p => p.Verification == VerificationStatus.Excluded))
            items[$"excluded {p.Code}"] = p.ExclusionReason ?? "";
        var participantIds = db.Participants.Where(p => p.CampaignId == campaignId).Select(p => p.Id);
        foreach (var v in await db.Set<IndicatorVerdict>().AsNoTracking().Where(v => participantIds.Contains(v.ParticipantId))
                     .Select(v => new { v.ParticipantId, v.IndicatorCode, v.Points, v.Note }).ToListAsync(ct))
            items[$"verdict {code[v.ParticipantId]} {v.IndicatorCode}"] = $"{N(v.Points)}|{v.Note}";
        if (level >= 1)
        {
            foreach (var d in await db.Set<Dispute>().AsNoTracking().Where(d => d.CampaignId == campaignId).ToListAsync(ct))
                items[$"dispute {code[d.ParticipantId]} {d.IndicatorCode} {d.Id:N}"] =
                    $"{d.Status.ToString().ToLowerInvariant()}|{(d.NewPoints is { } n ? N(n) : "")}|{d.Resolution}";
            foreach (var r in await db.Set<ResultSet>().AsNoTracking().Where(r => r.CampaignId == campaignId).Select(r => new { r.Kind, r.Checksum }).ToListAsync(ct))
                if (r.Kind == ResultKinds.Preliminary || level >= 2)
                    items[$"results {r.Kind}"] = r.Checksum;
        }
        if (level >= 2)
            foreach (var a in await db.Set<Award>().AsNoTracking().Where(a => a.CampaignId == campaignId).Select(a => new { a.UnitCode, a.Class }).ToListAsync(ct))
                items[$"award {a.UnitCode}"] = a.Class.ToString().ToLowerInvariant();
        return ApprovalSnapshot.Of(items);
    }

    public sealed record RecordView(string Stage, DateTimeOffset ApprovedAt, string ApprovedBy, string Checksum, string CurrentChecksum, bool Stale,
        int ChangeCount, IReadOnlyList<string> Changes);

    /// <summary>The latest approval of each stage, checked against the figures now.</summary>
    public async Task<IReadOnlyList<RecordView>> ListAsync(Guid campaignId, CancellationToken ct)
    {
        var records = (await db.Set<ApprovalRecord>().AsNoTracking().Where(r => r.CampaignId == campaignId).ToListAsync(ct))
            .GroupBy(r => r.Stage).Select(g => g.OrderBy(r => r.ApprovedAt).Last())
            .OrderBy(r => Array.IndexOf(GatedStages, r.Stage)).ToList();
        var views = new List<RecordView>();
        foreach (var r in records)
        {
            var now = await TakeAsync(campaignId, r.Stage, ct);
            var changes = now.Checksum == r.Checksum ? [] : ApprovalSnapshot.Changes(ApprovalSnapshot.Read(r.Snapshot), now.Items);
            views.Add(new RecordView(r.Stage, r.ApprovedAt, r.ApprovedBy, r.Checksum, now.Checksum, now.Checksum != r.Checksum, changes.Count,
                [.. changes.Take(100)]));
        }
        return views;
    }
}
