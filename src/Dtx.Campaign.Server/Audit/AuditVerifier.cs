using Dtx.Campaign.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Dtx.Campaign.Server.Audit;

/// <summary>
/// Walks the audit chain from its first entry and reports the first thing that does not hold. It never
/// seals: an entry whose seal fields were cleared would otherwise be re-sealed with its edited content.
/// An entry still unsealed after the sealer's window is therefore a break, and the chain's head is
/// checked against anchors kept outside the database (<see cref="AuditAnchors"/>, or a hash given by
/// hand), so removing the newest entries is found too.
/// </summary>
internal sealed class AuditVerifier(CampaignDbContext db, TimeProvider clock, IOptions<AuditOptions> options, AuditAnchors anchors)
{
    public sealed record Report(bool Intact, long Entries, long? FirstBrokenId, string Message, string? HeadHash = null, long? HeadSeq = null);

    /// <summary>Verifies; a <paramref name="head"/> recorded earlier (<c>audit verify --head</c>) must still be in the chain.</summary>
    public async Task<Report> VerifyAsync(CancellationToken ct, string? head = null)
    {
        var cutoff = clock.GetUtcNow() - options.Value.SealWindow;
        var stale = await db.Set<AuditEntry>().AsNoTracking().Where(e => e.Seq == null).OrderBy(e => e.Id)
            .Select(e => new { e.Id, e.Action, e.At }).ToListAsync(ct);
        // Compared in memory: SQLite stores the time as ticks and cannot compare offsets in SQL.
        if (stale.FirstOrDefault(e => e.At < cutoff) is { } unsealed)
            return new Report(false, 0, unsealed.Id,
                $"entry #{unsealed.Id} ({unsealed.Action} at {unsealed.At:u}) is outside the chain {(clock.GetUtcNow() - unsealed.At).TotalMinutes:0} minutes after it was written (the sealer's window is {options.Value.SealWindow.TotalMinutes:0}): its seal was removed");

        var anchored = (await anchors.ReadAsync(ct)).ToLookup(a => a.Seq);
        var headFound = head is null;
        var previous = AuditTrail.Genesis;
        long expected = 0, count = 0, lastId = 0;
        // Streamed in chain order: the log can be long, and memory stays flat.
        await foreach (var entry in db.Set<AuditEntry>().AsNoTracking().Where(e => e.Seq != null).OrderBy(e => e.Seq)
                           .AsAsyncEnumerable().WithCancellation(ct))
        {
            count++;
            var seq = entry.Seq!.Value;
            if (seq != ++expected)
                return new Report(false, count, entry.Id, $"the entry at place {expected} of the chain is missing (the next is entry #{entry.Id} at place {seq}): entries were removed");
            if (entry.PreviousHash != previous)
                return new Report(false, count, entry.Id, $"entry #{entry.Id} does not follow the entry before it in the chain: the chain was cut or reordered");
            if (AuditTrail.HashOf(entry, seq, previous) != entry.Hash)
                return new Report(false, count, entry.Id, $"entry #{entry.Id} ({entry.Action} at {entry.At:u}) was altered after it was written");
            foreach (var anchor in anchored[seq].Where(a => a.Hash != entry.Hash))
                return new Report(false, count, entry.Id, $"entry #{entry.Id} at place {seq} does not have the hash anchored on {anchor.At:u} ({anchor.Hash}): the chain was rewritten from there");
            headFound |= string.Equals(entry.Hash, head, StringComparison.OrdinalIgnoreCase);
            previous = entry.Hash;
            lastId = entry.Id;
        }
        if (!headFound)
            return new Report(false, count, null, $"the head {head} is not in the chain (it ends at place {expected} with {previous}): entries were removed from the end or rewritten");
        if (anchored.Select(g => g.Key).Where(s => s > expected).Order().FirstOrDefault() is > 0 and var missing)
            return new Report(false, count, null, $"the chain ends at place {expected}, but place {missing} was anchored ({anchored[missing].First().Hash}): entries were removed from the end");
        return new Report(true, count, null, count == 0 ? "audit chain intact: 0 entries"
            : $"audit chain intact: {count} entries; the last is #{lastId} at place {expected} with hash {previous}", previous, expected);
    }
}

/// <summary>Settings of the audit log, bound from the <c>Audit</c> section.</summary>
public sealed class AuditOptions
{
    public const string Section = "Audit";

    /// <summary>How long an entry may wait to be sealed (normally well under a second); older unsealed entries are a break.</summary>
    public TimeSpan SealWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The append-only file the chain's head is written to each day and checked against by <c>audit verify</c>.
    /// Relative paths are resolved against the data directory; keep it where a database administrator cannot write
    /// (another host, a write-once mount, or <c>chattr +a</c>). Empty: no file.
    /// </summary>
    public string? AnchorFile { get; set; } = "audit-anchors.log";

    /// <summary>How often the head is appended to the anchor file.</summary>
    public TimeSpan AnchorInterval { get; set; } = TimeSpan.FromDays(1);
}
