using Dtx.Campaign.Workflows.Scheduling;
using Quartz;

namespace Dtx.Campaign.Server.Workflow;

/// <summary>
/// The runtime's timers as Quartz triggers in the scheduler the host configured (persistent, clustered
/// on PostgreSQL). Scoped: a use case that runs a workflow step inside its own transaction defers the
/// triggers until it has committed, because Quartz writes them through its own connection (on SQLite
/// that connection would wait for the use case's write lock for ever). A crash between the commit and
/// the flush is repaired by the timer reconciler, which re-creates missing triggers.
/// </summary>
internal sealed class HostTimerScheduler(ISchedulerFactory factory) : ITimerScheduler
{
    private List<(Guid BookmarkId, DateTime? DueUtc)>? deferred;

    public IDisposable DeferUntilFlushed()
    {
        deferred ??= [];
        return new EndDeferral(this);
    }

    /// <summary>Applies the deferred schedules and unschedules, in order; call after the commit.</summary>
    public async Task FlushAsync(CancellationToken ct)
    {
        var pending = deferred ?? [];
        deferred = null;
        // The last change of each bookmark is what counts (changes of different bookmarks commute):
        // unschedules one by one, schedules in one job-store transaction.
        var last = new Dictionary<Guid, DateTime?>();
        foreach (var (id, due) in pending)
            last[id] = due;
        var scheduler = await SchedulerAsync(ct);
        foreach (var (id, _) in last.Where(change => change.Value is null))
            await scheduler.UnscheduleAsync(id, ct);
        await scheduler.ScheduleManyAsync(last.Where(change => change.Value is not null).Select(change => (change.Key, change.Value!.Value)).ToList(), ct);
    }

    private async ValueTask<QuartzTimerScheduler> SchedulerAsync(CancellationToken ct) => new(await factory.GetScheduler(ct));

    public async ValueTask ScheduleAsync(Guid bookmarkId, DateTime dueUtc, CancellationToken cancellationToken = default)
    {
        if (deferred is not null)
            deferred.Add((bookmarkId, dueUtc));
        else
            await (await SchedulerAsync(cancellationToken)).ScheduleAsync(bookmarkId, dueUtc, cancellationToken);
    }

    public async ValueTask ScheduleManyAsync(IReadOnlyCollection<(Guid BookmarkId, DateTime DueUtc)> timers, CancellationToken cancellationToken = default)
    {
        if (deferred is not null)
            deferred.AddRange(timers.Select(t => (t.BookmarkId, (DateTime?)t.DueUtc)));
        else
            await (await SchedulerAsync(cancellationToken)).ScheduleManyAsync(timers, cancellationToken);
    }

    public async ValueTask UnscheduleAsync(Guid bookmarkId, CancellationToken cancellationToken = default)
    {
        if (deferred is not null)
            deferred.Add((bookmarkId, null));
        else
            await (await SchedulerAsync(cancellationToken)).UnscheduleAsync(bookmarkId, cancellationToken);
    }

    public async ValueTask<IReadOnlyCollection<Guid>> ListScheduledAsync(CancellationToken cancellationToken = default) =>
        await (await SchedulerAsync(cancellationToken)).ListScheduledAsync(cancellationToken);

    private sealed class EndDeferral(HostTimerScheduler owner) : IDisposable
    {
        // Leaving the scope without a flush (the use case failed) drops what it would have scheduled.
        public void Dispose() => owner.deferred = null;
    }
}
