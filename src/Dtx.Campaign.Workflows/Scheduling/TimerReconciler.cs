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
public static class TimerReconciler
{
    public static async Task<ReconcileReport> ReconcileAsync(
        DbContext db, ITimerScheduler scheduler, TimeProvider time, TimeSpan? stagger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(time);
        var step = stagger ?? TimeSpan.FromMilliseconds(200);
        var now = time.GetUtcNow().UtcDateTime;
        var pending = (await db.Set<Bookmark>().AsNoTracking()
                .Where(b => b.Kind == BookmarkKind.Timer && b.ConsumedAt == null)
                .Select(b => new { b.Id, b.DueUtc })
                .ToListAsync(cancellationToken))
            .OrderBy(b => b.DueUtc).ToList();

        var overdue = 0;
        var timers = new List<(Guid, DateTime)>(pending.Count);
        foreach (var bookmark in pending)
        {
            var due = bookmark.DueUtc ?? now;
            if (due <= now)
            {
                due = now + (step * overdue++);
            }

            timers.Add((bookmark.Id, due));
        }

        await scheduler.ScheduleManyAsync(timers, cancellationToken);

        var wanted = pending.Select(b => b.Id).ToHashSet();
        var orphans = (await scheduler.ListScheduledAsync(cancellationToken)).Where(id => !wanted.Contains(id)).ToList();
        foreach (var id in orphans)
        {
            await scheduler.UnscheduleAsync(id, cancellationToken);
        }

        return new ReconcileReport(pending.Count, orphans.Count);
    }
}
