using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Workflows.Storage;

/// <summary>
/// The outbox contract for the deliverer (a separate concern): fetch due pending rows, deliver each
/// idempotently (its <see cref="OutboxMessage.IdempotencyKey"/> is stable across retries), then mark
/// it sent, or failed with a back-off; after the last allowed attempt it stays <c>Failed</c> for a person to look at.
/// </summary>
public static class WorkflowOutbox
{
    public static Task<List<OutboxMessage>> FetchDueAsync(DbContext db, DateTime nowUtc, int take = 50, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        return db.Set<OutboxMessage>()
            .Where(o => o.Status == OutboxStatus.Pending && (o.NextAttemptAt == null || o.NextAttemptAt <= nowUtc))
            .OrderBy(o => o.NextAttemptAt)
            .Take(take)
            .ToListAsync(cancellationToken);
    }

    public static void MarkSent(OutboxMessage message, DateTime nowUtc)
    {
        ArgumentNullException.ThrowIfNull(message);
        message.Status = OutboxStatus.Sent;
        message.SentAt = nowUtc;
        message.Attempts++;
        message.LastError = null;
    }

    /// <summary>Records a failed attempt; after <c>maxAttempts</c> the message is <c>Failed</c> for good.</summary>
    public static void MarkFailed(OutboxMessage message, string error, DateTime nowUtc, int maxAttempts = 8)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(error);
        message.Attempts++;
        message.LastError = error.Length > 4000 ? error[..4000] : error;
        if (message.Attempts >= maxAttempts)
        {
            message.Status = OutboxStatus.Failed;
            message.NextAttemptAt = null;
            return;
        }

        message.NextAttemptAt = nowUtc + TimeSpan.FromMinutes(Math.Min(60, 1 << Math.Min(6, message.Attempts - 1)));
    }
}
