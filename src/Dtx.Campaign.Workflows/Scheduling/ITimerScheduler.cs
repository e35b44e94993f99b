namespace Dtx.Campaign.Workflows.Scheduling;

/// <summary>
/// Where timer bookmarks wake up. The bookmark table is the source of truth: scheduling happens
/// after the step commits, and <see cref="TimerReconciler"/> repairs what a crash in between lost.
/// Implementations must be idempotent (scheduling an existing bookmark replaces its trigger).
/// </summary>
public interface ITimerScheduler
{
    ValueTask ScheduleAsync(Guid bookmarkId, DateTime dueUtc, CancellationToken cancellationToken = default);

    /// <summary>Schedules many timers; a store may write them at once (one transaction instead of one each).</summary>
    async ValueTask ScheduleManyAsync(IReadOnlyCollection<(Guid BookmarkId, DateTime DueUtc)> timers, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(timers);
        foreach (var (id, due) in timers)
            await ScheduleAsync(id, due, cancellationToken);
    }

    ValueTask UnscheduleAsync(Guid bookmarkId, CancellationToken cancellationToken = default);

    /// <summary>The bookmark ids that currently have a trigger, for reconciliation.</summary>
    ValueTask<IReadOnlyCollection<Guid>> ListScheduledAsync(CancellationToken cancellationToken = default);
}
