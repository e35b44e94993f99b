using Dtx.Campaign.Workflows.Storage;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Workflows.Scheduling;

/// <summary>What a reconciliation did.</summary>
public sealed record ReconcileReport(int Scheduled, int OrphansRemoved);

/// <summary>
/// Makes the scheduler agree with the bookmark table (the source of truth): every pending timer
/// bookmark gets a trigger (overdue ones are staggered so a restart does not stampede), and
/// triggers of consumed or unknown bookmarks are removed. Run on one node at start-up and periodically.
/// </summary>
/// <remarks>
/// A step changes a bookmark, commits, and only then (re)schedules its trigger. So the reconciler never
/// acts on its first read alone: it re-reads each bookmark right before it writes or deletes a trigger and
/// once more after; if the bookmark changed meanwhile it writes again. A step committing after that last
/// read schedules after our write, so its trigger wins. (It does not hold the instance lock while
/// writing: on SQLite, Quartz writes through its own connection to the same file and would wait for it.)
/// </remarks>
public static class TimerReconciler
{
    /// <summary>Bound on re-writes of one bookmark whose due time keeps changing under us.</summary>
    private const int MaxAttempts = 5;

    public static async Task<ReconcileReport> ReconcileAsync(
        DbContext db, ITimerScheduler scheduler, TimeProvider time, TimeSpan? stagger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(time);
        var step = stagger ?? TimeSpan.FromMilliseconds(200);
        var now = time.GetUtcNow().UtcDateTime;
        var overdue = 0;
        DateTime Slot() => now + (step * overdue++);
        DateTime DueOf(DateTime? due) => due is { } d && d > now ? d : Slot();
        // All at once in one job-store transaction (thousands of timers cost one commit), then checked.
        var first = await db.Set<Bookmark>().AsNoTracking()
            .Where(b => b.Kind == BookmarkKind.Timer && b.ConsumedAt == null)
            .Select(b => new { b.Id, b.DueUtc })
            .ToListAsync(cancellationToken);
        var snapshot = first.OrderBy(b => b.DueUtc).ToDictionary(b => b.Id, b => b.DueUtc);
        await scheduler.ScheduleManyAsync(snapshot.Select(b => (b.Key, DueOf(b.Value))).ToList(), cancellationToken);

        // Triggers with no bookmark in the snapshot may belong to bookmarks created since: read them too.
        var others = (await scheduler.ListScheduledAsync(cancellationToken)).Where(id => !snapshot.ContainsKey(id)).ToList();
        var reread = await ReadManyAsync(db, snapshot.Keys.ToList(), cancellationToken);
        var scheduled = 0;
        foreach (var (id, due) in snapshot)
        {
            var fresh = reread.TryGetValue(id, out var d) ? (true, d) : (false, (DateTime?)null);
            if (fresh == (true, due))
            {
                scheduled++;
            }
            else if (await ApplyAsync(db, scheduler, id, fresh, DueOf, cancellationToken))
            {
                // Extended, retried or consumed while we wrote: written again from the database.
                scheduled++;
            }
        }

        var orphans = 0;
        foreach (var id in others)
        {
            if (!await ApplyAsync(db, scheduler, id, await ReadAsync(db, id, cancellationToken), DueOf, cancellationToken))
            {
                orphans++;
            }
        }

        return new ReconcileReport(scheduled, orphans);
    }

    /// <summary>Makes one bookmark's trigger match the database; true when it is (still) a pending timer.</summary>
    private static async Task<bool> ApplyAsync(
        DbContext db, ITimerScheduler scheduler, Guid id, (bool Pending, DateTime? DueUtc) read, Func<DateTime?, DateTime> dueOf, CancellationToken ct)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            if (read.Pending)
            {
                await scheduler.ScheduleAsync(id, dueOf(read.DueUtc), ct);
            }
            else
            {
                await scheduler.UnscheduleAsync(id, ct);
            }

            var again = await ReadAsync(db, id, ct);
            if (again == read)
            {
                return read.Pending;
            }

            read = again;
        }

        return read.Pending;
    }

    /// <summary>The pending timer bookmarks among <paramref name="ids"/> with their due times.</summary>
    private static async Task<Dictionary<Guid, DateTime?>> ReadManyAsync(DbContext db, List<Guid> ids, CancellationToken ct)
    {
        var result = new Dictionary<Guid, DateTime?>(ids.Count);
        foreach (var chunk in ids.Chunk(500))
        {
            var rows = await db.Set<Bookmark>().AsNoTracking()
                .Where(b => chunk.Contains(b.Id) && b.Kind == BookmarkKind.Timer && b.ConsumedAt == null)
                .Select(b => new { b.Id, b.DueUtc })
                .ToListAsync(ct);
            foreach (var row in rows)
            {
                result[row.Id] = row.DueUtc;
            }
        }

        return result;
    }

    private static async Task<(bool Pending, DateTime? DueUtc)> ReadAsync(DbContext db, Guid id, CancellationToken ct)
    {
        var row = await db.Set<Bookmark>().AsNoTracking()
            .Where(b => b.Id == id)
            .Select(b => new { b.Kind, b.ConsumedAt, b.DueUtc })
            .FirstOrDefaultAsync(ct);
        return row is { Kind: BookmarkKind.Timer, ConsumedAt: null } ? (true, row.DueUtc) : (false, null);
    }
}
