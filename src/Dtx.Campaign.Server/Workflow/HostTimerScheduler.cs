using Dtx.Campaign.Workflows.Scheduling;
using Quartz;

namespace Dtx.Campaign.Server.Workflow;

/// <summary>
/// The runtime's timers as Quartz triggers in the scheduler the host configured (persistent, clustered
/// on PostgreSQL). A step run inside a use case's own transaction reaches it only after that transaction
/// commits: the runtime's <see cref="TimerCommitHook"/> (in the DbContext options) arms them then, because
/// Quartz writes through its own connection (on SQLite it would wait for the use case's write lock for ever).
/// </summary>
internal sealed class HostTimerScheduler(ISchedulerFactory factory) : ITimerScheduler
{
    private async ValueTask<QuartzTimerScheduler> SchedulerAsync(CancellationToken ct) => new(await factory.GetScheduler(ct));

    public async ValueTask ScheduleAsync(Guid bookmarkId, DateTime dueUtc, CancellationToken cancellationToken = default) =>
        await (await SchedulerAsync(cancellationToken)).ScheduleAsync(bookmarkId, dueUtc, cancellationToken);

    public async ValueTask ScheduleManyAsync(IReadOnlyCollection<(Guid BookmarkId, DateTime DueUtc)> timers, CancellationToken cancellationToken = default) =>
        await (await SchedulerAsync(cancellationToken)).ScheduleManyAsync(timers, cancellationToken);

    public async ValueTask UnscheduleAsync(Guid bookmarkId, CancellationToken cancellationToken = default) =>
        await (await SchedulerAsync(cancellationToken)).UnscheduleAsync(bookmarkId, cancellationToken);

    public async ValueTask<IReadOnlyCollection<Guid>> ListScheduledAsync(CancellationToken cancellationToken = default) =>
        await (await SchedulerAsync(cancellationToken)).ListScheduledAsync(cancellationToken);
}
