using Dtx.Campaign.Workflows.Runtime;
using Dtx.Campaign.Workflows.Scheduling;
using Dtx.Campaign.Workflows.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace Dtx.Campaign.Workflows.Tests.Runtime;

/// <summary>The embedded default: Quartz's plain (not clustered) ADO store in the same SQLite file as the app.</summary>
public sealed class QuartzSqliteStoreTests(SqliteDatabase database) : IClassFixture<SqliteDatabase>
{
    [Fact]
    public async Task A_timer_in_the_sqlite_job_store_resumes_its_bookmark()
    {
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection(database.ConnectionString))
        {
            await QuartzSchema.EnsureCreatedAsync(connection, QuartzDatabase.Sqlite);
        }

        var jobs = new ServiceProviderJobFactory();
        var scheduler = await QuartzSchedulerBuilder.Create(q =>
        {
            q.ConfigureScheduler(o => o.InstanceName = "dtx-sqlite");
            q.UseJobFactory(jobs);
            q.UsePersistentStore(s => s.UseDataSource(d =>
            {
                d.Provider = "SQLite-Microsoft";
                d.ConnectionString = database.ConnectionString;
            }));
        }).BuildScheduler();

        var services = new ServiceCollection();
        services.AddDbContext<TestDbContext>(o => o.UseSqlite(database.ConnectionString));
        services.AddTestWorkflows(Path.Combine(AppContext.BaseDirectory, "workflows"));
        services.AddSingleton(scheduler);
        services.AddSingleton<ITimerScheduler, QuartzTimerScheduler>();
        await using var provider = services.BuildServiceProvider();
        jobs.Services = provider;
        try
        {
            await QuartzTimerScheduler.AddResumeJobAsync(scheduler);
            await scheduler.Start();
            var dates = WorkflowHarness.CampaignDates();
            dates["indexPublication.at"] = DateTimeOffset.UtcNow.AddSeconds(2);
            dates["selfAssessment.opensAt"] = DateTimeOffset.UtcNow.AddDays(30);
            Guid instanceId;
            await using (var scope = provider.CreateAsyncScope())
            {
                instanceId = (await scope.ServiceProvider.GetRequiredService<WorkflowRuntime>()
                    .StartAsync(new StartWorkflow("annual-campaign", "sqlite-store", dates, Version: 1))).Id;
            }

            var state = await Eventually.UntilAsync(async () =>
            {
                await using var scope = provider.CreateAsyncScope();
                return (await scope.ServiceProvider.GetRequiredService<WorkflowRuntime>().GetStateAsync(instanceId))!;
            }, s => s.Instance.CurrentStage == "index-publication", "the timer to fire from the SQLite job store");

            Assert.Single(state.Journal, j => j.Outcome == "timer-fired");
            var next = state.Pending.Single(b => b.Kind == BookmarkKind.Timer).Id;
            await Eventually.UntilAsync(async () => await provider.GetRequiredService<ITimerScheduler>().ListScheduledAsync(),
                s => s.Contains(next), "the next timer to be in the job store");
        }
        finally
        {
            await scheduler.Shutdown(true);
        }
    }
}
