using Dtx.Campaign.Workflows.Activities;
using Dtx.Campaign.Workflows.Runtime;
using Dtx.Campaign.Workflows.Scheduling;
using Dtx.Campaign.Workflows.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Dtx.Campaign.Workflows.Tests.Runtime;

/// <summary>A host's own activity: replaces the placeholder of the same name and writes to the outbox.</summary>
public sealed class HostPublishIndexActivity : IActivity
{
    public string Name => "publish-index";

    public ValueTask<ActivityOutcome> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.AddToOutbox("index-published", new { campaign = context.CorrelationId });
        return ValueTask.FromResult(new ActivityOutcome("published", "by the host's activity"));
    }
}

public sealed class ServiceRegistrationTests(SqliteDatabase database) : IClassFixture<SqliteDatabase>
{
    [Fact]
    public async Task A_host_activity_registered_on_the_service_collection_replaces_the_placeholder()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 2, 15, 0, 0, 0, TimeSpan.Zero));
        var services = new ServiceCollection();
        services.AddDbContext<TestDbContext>(o => o.UseSqlite(database.ConnectionString));
        services.AddTestWorkflows(Path.Combine(AppContext.BaseDirectory, "workflows"));
        services.AddActivity<HostPublishIndexActivity>();
        services.AddSingleton<TimeProvider>(time);
        var scheduler = new ManualTimerScheduler();
        services.AddSingleton<ITimerScheduler>(scheduler);
        await using var provider = services.BuildServiceProvider();

        Guid instanceId;
        await using (var scope = provider.CreateAsyncScope())
        {
            var runtime = scope.ServiceProvider.GetRequiredService<WorkflowRuntime>();
            var instance = await runtime.StartAsync(new StartWorkflow("annual-campaign", "campaign-di", WorkflowHarness.CampaignDates(), Version: 1));
            instanceId = instance.Id;
        }

        time.SetUtcNow(WorkflowHarness.Local(3, 2, 8));
        var (timerId, _) = scheduler.TakeNextDue(time.GetUtcNow().UtcDateTime)!.Value;
        await using (var scope = provider.CreateAsyncScope())
        {
            var runtime = scope.ServiceProvider.GetRequiredService<WorkflowRuntime>();
            Assert.Equal(ResumeResult.Resumed, await runtime.ResumeAsync(timerId, WorkflowActor.Timer));
            var state = (await runtime.GetStateAsync(instanceId))!;
            Assert.Equal("index-publication", state.Instance.CurrentStage);
            Assert.Contains(state.Journal, j => j is { Activity: "publish-index", Outcome: "published" });
            var db = scope.ServiceProvider.GetRequiredService<TestDbContext>();
            Assert.Single(await db.Set<OutboxMessage>().Where(m => m.InstanceId == instanceId && m.Kind == "index-published").ToListAsync());
        }
    }
}
