using Dtx.Campaign.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Audit;

/// <summary>Walks the audit chain from the first entry and reports the first entry that does not hold.</summary>
internal sealed class AuditVerifier(CampaignDbContext db)
{
    public sealed record Report(bool Intact, long Entries, long? FirstBrokenId, string Message);

    public async Task<Report> VerifyAsync(CancellationToken ct)
    {
        var previous = AuditTrail.Genesis;
        long expectedId = 0, count = 0;
        // Streamed in id order: the log can be long, and memory stays flat.
        await foreach (var entry in db.Set<AuditEntry>().AsNoTracking().OrderBy(e => e.Id).AsAsyncEnumerable().WithCancellation(ct))
        {
            count++;
            if (entry.Id != ++expectedId)
                return new Report(false, count, entry.Id, $"entry #{expectedId} is missing (the next entry is #{entry.Id}): entries were removed");
            if (entry.PreviousHash != previous)
                return new Report(false, count, entry.Id, $"entry #{entry.Id} does not follow entry #{entry.Id - 1}: the chain was cut or reordered");
            if (AuditTrail.HashOf(entry) != entry.Hash)
                return new Report(false, count, entry.Id, $"entry #{entry.Id} ({entry.Action} at {entry.At:u}) was altered after it was written");
            previous = entry.Hash;
        }
        return new Report(true, count, null, $"audit chain intact: {count} entries");
    }
}
