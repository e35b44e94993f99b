using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Dtx.Campaign.Workflows.Scheduling;

/// <summary>
/// Runs <see cref="TimerReconciler"/> at start-up and then every <see cref="Interval"/>. Idempotent, so
/// running it on several nodes is safe (at worst a trigger is re-created and fires into
/// <c>AlreadyConsumed</c>); the host may still enable it on one node only.
/// </summary>
public sealed partial class TimerReconcilerService<TContext>(IServiceScopeFactory scopes, TimeProvider time, ILogger<TimerReconcilerService<TContext>> logger)
    : BackgroundService
    where TContext : Microsoft.EntityFrameworkCore.DbContext
{
    public TimeSpan Interval { get; init; } = TimeSpan.FromMinutes(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var report = await TimerReconciler.ReconcileAsync(
                    scope.ServiceProvider.GetRequiredService<TContext>(),
                    scope.ServiceProvider.GetRequiredService<ITimerScheduler>(),
                    time,
                    cancellationToken: stoppingToken);
                LogReconciled(logger, report.Scheduled, report.OrphansRemoved);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Never delete anything on failure; try again at the next round.
                LogFailed(logger, ex);
            }

            await Task.Delay(Interval, time, stoppingToken);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Workflow timers reconciled: {Scheduled} pending timers scheduled, {Orphans} orphan triggers removed.")]
    private static partial void LogReconciled(ILogger logger, int scheduled, int orphans);

    [LoggerMessage(Level = LogLevel.Error, Message = "Reconciling workflow timers failed; retrying at the next round.")]
    private static partial void LogFailed(ILogger logger, Exception error);
}
