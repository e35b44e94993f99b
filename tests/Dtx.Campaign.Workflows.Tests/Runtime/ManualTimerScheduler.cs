using System.Collections.Concurrent;
using Dtx.Campaign.Workflows.Scheduling;

namespace Dtx.Campaign.Workflows.Tests.Runtime;

/// <summary>An in-memory scheduler whose timers a test fires by hand.</summary>
public sealed class ManualTimerScheduler : ITimerScheduler
{
    private readonly ConcurrentDictionary<Guid, DateTime> _triggers = new();

    public IReadOnlyDictionary<Guid, DateTime> Triggers => _triggers;

    public ValueTask ScheduleAsync(Guid bookmarkId, DateTime dueUtc, CancellationToken cancellationToken = default)
    {
        _triggers[bookmarkId] = dueUtc;
        return ValueTask.CompletedTask;
    }

    public ValueTask UnscheduleAsync(Guid bookmarkId, CancellationToken cancellationToken = default)
    {
        _triggers.TryRemove(bookmarkId, out _);
        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyCollection<Guid>> ListScheduledAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyCollection<Guid>>(_triggers.Keys.ToList());

    /// <summary>Takes the earliest trigger due at <paramref name="nowUtc"/>, as a scheduler thread would.</summary>
    public (Guid Id, DateTime Due)? TakeNextDue(DateTime nowUtc)
    {
        var next = _triggers.Where(t => t.Value <= nowUtc).OrderBy(t => t.Value).FirstOrDefault();
        if (next.Key == Guid.Empty || !_triggers.TryRemove(next.Key, out _))
        {
            return null;
        }

        return (next.Key, next.Value);
    }
}
