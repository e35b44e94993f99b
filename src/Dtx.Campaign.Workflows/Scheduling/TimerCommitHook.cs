using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dtx.Campaign.Workflows.Scheduling;

/// <summary>
/// Arms the timers of a workflow step that ran inside the host's own transaction once that transaction
/// commits, and drops them if it rolls back. Timer stores such as Quartz write through their own
/// connection: on SQLite that connection would wait for the host's write lock for ever, and on any
/// database a trigger armed before the commit could fire for a bookmark that never existed. The host adds
/// it to its DbContext options (<c>options.AddInterceptors(sp.GetRequiredService&lt;TimerCommitHook&gt;())</c>);
/// a lost flush (a crash between commit and arming) is repaired by the timer reconciler.
/// </summary>
public sealed partial class TimerCommitHook(ILogger<TimerCommitHook>? logger = null) : DbTransactionInterceptor
{
    private readonly ConditionalWeakTable<DbContext, Pending> _pending = [];
    private readonly ILogger _logger = (ILogger?)logger ?? NullLogger.Instance;

    /// <summary>Queues timer changes until the current transaction of <paramref name="db"/> ends.</summary>
    internal void Defer(DbContext db, ITimerScheduler scheduler, IEnumerable<Guid> unschedule, IEnumerable<(Guid BookmarkId, DateTime DueUtc)> schedule)
    {
        var pending = _pending.GetValue(db, _ => new Pending(scheduler));
        lock (pending)
        {
            foreach (var id in unschedule)
                pending.Last[id] = null;
            foreach (var (id, due) in schedule)
                pending.Last[id] = due;
        }
    }

    public override ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
    {
        Drop(eventData);
        return ValueTask.FromResult(result);
    }

    public override DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        Drop(eventData);
        return result;
    }

    public override async Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default) =>
        await ArmAsync(eventData, cancellationToken);

    // A synchronous commit arms synchronously: the caller expects its timers once Commit() returns.
    public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) =>
        ArmAsync(eventData, CancellationToken.None).GetAwaiter().GetResult();

    public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Drop(eventData);
        return Task.CompletedTask;
    }

    public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Drop(eventData);

    private void Drop(TransactionEndEventData eventData)
    {
        if (eventData.Context is { } db)
            _pending.Remove(db);
    }

    private async Task ArmAsync(TransactionEndEventData eventData, CancellationToken ct)
    {
        if (eventData.Context is not { } db || !_pending.TryGetValue(db, out var pending))
            return;
        _pending.Remove(db);
        List<KeyValuePair<Guid, DateTime?>> last;
        lock (pending)
            last = [.. pending.Last];
        try
        {
            // The last change of each bookmark is what counts; changes of different bookmarks commute.
            foreach (var (id, _) in last.Where(change => change.Value is null))
                await pending.Scheduler.UnscheduleAsync(id, ct);
            await pending.Scheduler.ScheduleManyAsync(last.Where(change => change.Value is not null).Select(change => (change.Key, change.Value!.Value)).ToList(), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogArmingFailed(_logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Arming workflow timers after the host's commit failed; the reconciler will repair them.")]
    private static partial void LogArmingFailed(ILogger logger, Exception error);

    private sealed class Pending(ITimerScheduler scheduler)
    {
        public ITimerScheduler Scheduler { get; } = scheduler;

        public Dictionary<Guid, DateTime?> Last { get; } = [];
    }
}
