using System.Collections.Concurrent;
using Dtx.Campaign.Workflows.Scheduling;
using Quartz;

namespace Dtx.Campaign.Benchmarks;

/// <summary>
/// Scenario 5: many reminder triggers in the server's Quartz store on PostgreSQL: how fast they are
/// scheduled, and how late they fire when they all fall due within a few seconds. (A fired trigger resumes
/// a bookmark that does not exist here, which the runtime answers at once: the job's cost is not measured.)
/// </summary>
internal static class TimersBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var count = Bench.Option(args, "count", 10000);
        var spread = Bench.Option(args, "spread-seconds", 20);
        await using var database = await Bench.Database.CreateAsync();
        await using var app = await Bench.StartServerAsync(database, port: null, new() { ["Scheduling:Enabled"] = "true" });
        var scheduler = await app.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        var lateness = new ConcurrentBag<double>();
        scheduler.ListenerManager.AddTriggerListener(new LatenessListener(lateness));

        await using var scope = app.Services.CreateAsyncScope();
        var timers = scope.ServiceProvider.GetRequiredService<ITimerScheduler>();
        // The first trigger falls due after scheduling should be over (at ≥ 300 triggers/s in batches), so lateness is the firing's own.
        var start = DateTime.UtcNow.AddSeconds(Math.Max(10, count / 300.0));
        // As the runtime writes them: a step's (or the reconciler's) timers in one job-store transaction.
        var batch = Bench.Option(args, "batch", 1000);
        var scheduling = await Bench.TimeAsync(async () =>
        {
            for (var i = 0; i < count; i += batch)
                await timers.ScheduleManyAsync(Enumerable.Range(i, Math.Min(batch, count - i))
                    .Select(n => (Guid.NewGuid(), start.AddSeconds(spread * (double)n / count))).ToList());
        });
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(spread) + TimeSpan.FromMinutes(5);
        while (lateness.Count < count && DateTime.UtcNow < deadline)
            await Task.Delay(250);
        var sorted = lateness.Order().ToList();
        await app.StopAsync();
        Bench.Print($"timers: {count} triggers in Quartz on PostgreSQL ({batch} per transaction), due within {spread} s",
            ("scheduling", $"{count / (scheduling / 1000):0} triggers/s ({Bench.Ms(scheduling)})"),
            ("fired", $"{sorted.Count} of {count}"),
            ("lateness p50 / p99 / max", $"{Bench.Ms(Bench.Percentile(sorted, 50))} / {Bench.Ms(Bench.Percentile(sorted, 99))} / {Bench.Ms(sorted.LastOrDefault())}"));
    }

    private sealed class LatenessListener(ConcurrentBag<double> lateness) : ITriggerListener
    {
        public string Name => "bench-lateness";

        public ValueTask TriggerFired(ITrigger trigger, IJobExecutionContext context, CancellationToken cancellationToken = default)
        {
            if (context.ScheduledFireTimeUtc is { } scheduled)
                lateness.Add((context.FireTimeUtc - scheduled).TotalMilliseconds);
            return ValueTask.CompletedTask;
        }
    }
}
