using Dtx.Campaign.Workflows.Activities;
using Dtx.Campaign.Workflows.Scheduling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace Dtx.Campaign.Workflows.Tests.Runtime;

/// <summary>Slows a step down so that a killed node has steps in flight.</summary>
public sealed class SlowActivity(string name, TimeSpan delay) : IActivity
{
    public string Name { get; } = name;

    public async ValueTask<ActivityOutcome> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        await Task.Delay(delay, cancellationToken);
        return ActivityOutcome.Done;
    }
}

/// <summary>
/// One server node as the host would wire it: a clustered Quartz scheduler on the PostgreSQL ADO
/// store and its own services (DbContext, runtime, Quartz timer scheduler).
/// </summary>
internal static class TestNode
{
    public static async Task<(IScheduler Scheduler, ServiceProvider Services, ServiceProviderJobFactory Jobs)> StartAsync(
        string connectionString, string schedulerName, string instanceId, bool start,
        TimeSpan? misfireThreshold = null, TimeSpan? slowStep = null)
    {
        var jobs = new ServiceProviderJobFactory();
        var scheduler = await QuartzSchedulerBuilder.Create(q =>
        {
            q.ConfigureScheduler(o =>
            {
                o.InstanceName = schedulerName;
                o.InstanceId = instanceId;
                o.IdleWaitTime = TimeSpan.FromSeconds(1);
                o.MaxBatchSize = 8;
            });
            q.UseDefaultThreadPool(8);
            q.UseJobFactory(jobs);
            q.UsePersistentStore(s =>
            {
                s.UseDataSource(d =>
                {
                    d.Provider = "Npgsql";
                    d.ConnectionString = connectionString;
                });
                s.UseClustering(c =>
                {
                    c.Enabled = true;
                    c.CheckinInterval = TimeSpan.FromSeconds(2);
                });
                if (misfireThreshold is { } threshold)
                {
                    s.ConfigureStore(o => o.MisfireThreshold = threshold);
                }
            });
        }).BuildScheduler();

        var services = new ServiceCollection();
        services.AddDbContext<TestDbContext>(o => o.UseNpgsql(connectionString));
        var workflows = services.AddTestWorkflows(Path.Combine(AppContext.BaseDirectory, "workflows"));
        if (slowStep is { } delay)
        {
            workflows.AddActivity(new SlowActivity("publish-index", delay));
        }

        services.AddSingleton(scheduler);
        services.AddSingleton<ITimerScheduler, QuartzTimerScheduler>();
        var provider = services.BuildServiceProvider();
        jobs.Services = provider;
        if (start)
        {
            await scheduler.Start();
        }

        return (scheduler, provider, jobs);
    }
}
