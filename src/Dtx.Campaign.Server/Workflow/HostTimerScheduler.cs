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
        var scheduler = await SchedulerAsync(ct);
        foreach (var (id, due) in pending)
        {
            if (due is { } at)
                await scheduler.ScheduleAsync(id, at, ct);
            else
                await scheduler.UnscheduleAsync(id, ct);
        }
    }

    private async ValueTask<QuartzTimerScheduler> SchedulerAsync(CancellationToken ct) => new(await factory.GetScheduler(ct));

    public async ValueTask ScheduleAsync(Guid bookmarkId, DateTime dueUtc, CancellationToken cancellationToken = default)
    {
        if (deferred is not null)
            deferred.Add((bookmarkId, dueUtc));
        else
            await (await SchedulerAsync(cancellationToken)).ScheduleAsync(bookmarkId, dueUtc, cancellationToken);
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
