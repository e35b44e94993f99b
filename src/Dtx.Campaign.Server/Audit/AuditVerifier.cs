using Dtx.Campaign.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Audit;

/// <summary>
/// Seals what is waiting, then walks the audit chain from its first entry and reports the first entry
/// that does not hold. Sealing first means every committed entry is checked; an entry edited before it
/// was sealed cannot be told apart (see <see cref="AuditSealer"/>).
/// </summary>
internal sealed class AuditVerifier(CampaignDbContext db, AuditSealer sealer)
{
    public sealed record Report(bool Intact, long Entries, long? FirstBrokenId, string Message);

    public async Task<Report> VerifyAsync(CancellationToken ct)
    {
        await sealer.SealPendingAsync(ct);
        var previous = AuditTrail.Genesis;
        long expected = 0, count = 0, lastId = 0;
        // Streamed in chain order: the log can be long, and memory stays flat. Entries written while this
        // runs are not sealed yet and are left for the next check.
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
            previous = entry.Hash;
            lastId = entry.Id;
        }
        // The last hash, kept with a backup, shows later whether entries were removed from the end.
        return new Report(true, count, null, count == 0 ? "audit chain intact: 0 entries"
            : $"audit chain intact: {count} entries; the last is #{lastId} with hash {previous}");
    }
}
