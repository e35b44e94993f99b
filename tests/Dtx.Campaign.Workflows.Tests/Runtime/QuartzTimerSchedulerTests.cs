using Dtx.Campaign.Workflows.Runtime;
using Dtx.Campaign.Workflows.Scheduling;
using Dtx.Campaign.Workflows.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Quartz;
using Quartz.Extensibility;

namespace Dtx.Campaign.Workflows.Tests.Runtime;

/// <summary>Builds jobs from the test's service provider, as Quartz's DI job factory does in the host.</summary>
internal sealed class ServiceProviderJobFactory : IJobFactory
{
    private int _runs;

    public IServiceProvider? Services { get; set; }

    /// <summary>Raw job runs, duplicates included (the effect is counted in the database).</summary>
    public int Runs => _runs;

    public ValueTask<JobScope> CreateJob(TriggerFiredBundle bundle, IScheduler scheduler, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _runs);
        return ValueTask.FromResult(new JobScope(new WorkflowResumeJob(Services!.GetRequiredService<IServiceScopeFactory>()), null!));
    }

    public ValueTask ReturnJob(JobScope scope, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

/// <summary>
/// Runs alone: the timer meter is process-wide, so a test listening to it would otherwise also hear the
/// downtime test's timers (late by design) and the cluster test's 300 (late when a busy machine is slow to
/// create them).
/// </summary>
[CollectionDefinition(nameof(ProcessWideTimerTelemetry), DisableParallelization = true)]
public sealed class ProcessWideTimerTelemetry;

/// <summary>Real Quartz (in-memory store) firing real timers into the runtime on SQLite.</summary>
[Collection(nameof(ProcessWideTimerTelemetry))]
public sealed class QuartzTimerSchedulerTests(SqliteDatabase database) : IClassFixture<SqliteDatabase>, IAsyncLifetime
{
    private readonly ServiceProviderJobFactory _jobs = new();
    private IScheduler _scheduler = null!;
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        _scheduler = await QuartzSchedulerBuilder.Create(q =>
        {
            q.ConfigureScheduler(o => o.InstanceName = "dtx-test-" + Guid.NewGuid().ToString("N"));
            q.UseInMemoryStore(_ => { });
            q.UseJobFactory(_jobs);
        }).BuildScheduler();

        var services = new ServiceCollection();
        services.AddDbContext<TestDbContext>(o => o.UseSqlite(database.ConnectionString));
        services.AddTestWorkflows(Path.Combine(AppContext.BaseDirectory, "workflows"));
        services.AddSingleton(_scheduler);
        services.AddSingleton<ITimerScheduler, QuartzTimerScheduler>();
        _services = services.BuildServiceProvider();
        _jobs.Services = _services;

        await QuartzTimerScheduler.AddResumeJobAsync(_scheduler);
        await _scheduler.Start();
    }

    public async Task DisposeAsync()
    {
        await _scheduler.Shutdown(true);
        await _services.DisposeAsync();
    }

    [Fact]
    public async Task A_quartz_trigger_resumes_its_bookmark_once_and_the_next_timer_is_scheduled()
    {
        // What the timers report to OpenTelemetry, heard here the way its SDK hears it.
        var outcomes = new System.Collections.Concurrent.ConcurrentBag<string>();
        var lateness = new System.Collections.Concurrent.ConcurrentBag<double>();
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == TimerTelemetry.Name)
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) => outcomes.Add(tags.ToArray().Single(t => t.Key == "outcome").Value as string ?? ""));
        listener.SetMeasurementEventCallback<double>((_, value, _, _) => lateness.Add(value));
        listener.Start();

        var dates = WorkflowHarness.CampaignDates();
        dates["indexPublication.at"] = DateTimeOffset.UtcNow.AddSeconds(2);
        dates["selfAssessment.opensAt"] = DateTimeOffset.UtcNow.AddDays(30);

        Guid instanceId;
        Guid firstTimer;
        await using (var scope = _services.CreateAsyncScope())
        {
            var runtime = scope.ServiceProvider.GetRequiredService<WorkflowRuntime>();
            var instance = await runtime.StartAsync(new StartWorkflow("annual-campaign", "quartz-campaign", dates, Version: 1));
            instanceId = instance.Id;
            firstTimer = (await runtime.GetStateAsync(instanceId))!.Pending.Single(b => b.Kind == BookmarkKind.Timer).Id;
        }

        var quartz = _services.GetRequiredService<ITimerScheduler>();
        Assert.Contains(firstTimer, await quartz.ListScheduledAsync());

        async Task<WorkflowState> ReadState()
        {
            await using var scope = _services.CreateAsyncScope();
            return (await scope.ServiceProvider.GetRequiredService<WorkflowRuntime>().GetStateAsync(instanceId))!;
        }

        var state = await Eventually.UntilAsync(ReadState, s => s.Instance.CurrentStage == "index-publication", "the first timer to publish the index");
        var fired = Assert.Single(state.Journal, j => j.ConsumedBookmarkId == firstTimer);
        Assert.Equal("timer", fired.Actor);

        // Quartz forgets a fired trigger only after the job returns, which is after the database commit above.
        var scheduled = await Eventually.UntilAsync(async () => await quartz.ListScheduledAsync(), s => !s.Contains(firstTimer), "Quartz to forget the fired trigger");
        var next = state.Pending.Single(b => b.Kind == BookmarkKind.Timer);
        Assert.Contains(next.Id, scheduled);

        // A late, duplicate delivery of the first trigger does nothing.
        await quartz.ScheduleAsync(firstTimer, DateTime.UtcNow);
        state = await Eventually.UntilAsync(ReadState, s => s.Journal.Any(j => j.Outcome == "duplicate"), "the duplicate delivery to be journalled");
        await Eventually.UntilAsync(() => Task.FromResult(outcomes.ToArray()), o => o.Contains("AlreadyConsumed"), "the duplicate to be counted");

        Assert.Equal("index-publication", state!.Instance.CurrentStage);
        Assert.Single(state.Journal, j => j.Outcome == "transition");
        Assert.Contains(state.Journal, j => j.Outcome == "duplicate");
        Assert.Contains("Resumed", outcomes);
        Assert.Contains("AlreadyConsumed", outcomes);
        Assert.True(lateness.Count >= 2, $"{lateness.Count} lateness measurements");
        Assert.All(lateness, seconds => Assert.InRange(seconds, 0, 30));
    }

    [Fact]
    public async Task Many_timers_are_scheduled_in_one_call_and_scheduling_one_again_replaces_its_trigger()
    {
        var quartz = _services.GetRequiredService<ITimerScheduler>();
        var due = DateTime.UtcNow.AddDays(10);
        var timers = Enumerable.Range(0, 250).Select(i => (Guid.NewGuid(), due.AddMinutes(i))).ToList();

        await quartz.ScheduleManyAsync(timers);
        await quartz.ScheduleManyAsync([(timers[0].Item1, due.AddDays(1))]);

        var scheduled = await quartz.ListScheduledAsync();
        Assert.All(timers, t => Assert.Contains(t.Item1, scheduled));
        var moved = await _scheduler.GetTrigger(new TriggerKey(timers[0].Item1.ToString(), QuartzTimerScheduler.TriggerGroup));
        Assert.Equal(due.AddDays(1), moved!.StartTimeUtc.UtcDateTime);
        var last = await _scheduler.GetTrigger(new TriggerKey(timers[^1].Item1.ToString(), QuartzTimerScheduler.TriggerGroup));
        Assert.Equal(due.AddMinutes(249), last!.StartTimeUtc.UtcDateTime);
        foreach (var (id, _) in timers)
            await quartz.UnscheduleAsync(id);
    }

    [Fact]
    public async Task The_quartz_schema_scripts_create_the_store_tables_on_sqlite()
    {
        var path = Path.Combine(Path.GetTempPath(), $"dtx_wf_test_quartz_{Guid.NewGuid():N}.db");
        try
        {
            await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={path}"))
            {
                Assert.True(await QuartzSchema.EnsureCreatedAsync(connection, QuartzDatabase.Sqlite));
                Assert.False(await QuartzSchema.EnsureCreatedAsync(connection, QuartzDatabase.Sqlite));
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND lower(name) IN ('qrtz_locks', 'qrtz_triggers', 'qrtz_fired_triggers')";
                Assert.Equal(3L, await command.ExecuteScalarAsync());
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }
}

public sealed class QuartzSchemaPostgresTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task The_quartz_schema_scripts_create_the_store_tables_on_postgres()
    {
        await using var connection = new Npgsql.NpgsqlConnection(database.ConnectionString);
        Assert.True(await QuartzSchema.EnsureCreatedAsync(connection, QuartzDatabase.Postgres));
        Assert.False(await QuartzSchema.EnsureCreatedAsync(connection, QuartzDatabase.Postgres));
        await using var command = new Npgsql.NpgsqlCommand(
            "SELECT count(*) FROM information_schema.tables WHERE table_name IN ('qrtz_locks', 'qrtz_triggers', 'qrtz_job_details', 'qrtz_simple_triggers', 'qrtz_fired_triggers', 'qrtz_scheduler_state')",
            connection);
        Assert.Equal(6L, await command.ExecuteScalarAsync());
    }
}
