using Dtx.Campaign.Workflows.Runtime;
using Dtx.Campaign.Workflows.Scheduling;
using Dtx.Campaign.Workflows.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Quartz;
using Xunit.Abstractions;

namespace Dtx.Campaign.Workflows.Tests.Runtime;

/// <summary>
/// Three clustered Quartz schedulers (ADO store on one PostgreSQL database), each with its own
/// services as a separate server node would have. Timers of a few hundred instances fall due within
/// seconds; each bookmark must be resumed exactly once, verified in the database.
/// </summary>
public sealed class QuartzClusterTests(PostgresDatabase database, ITestOutputHelper output) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private const int Instances = 300;
    private readonly List<(IScheduler Scheduler, ServiceProvider Services, ServiceProviderJobFactory Jobs)> _nodes = [];

    public async Task InitializeAsync()
    {
        await using (var connection = new Npgsql.NpgsqlConnection(database.ConnectionString))
        {
            await QuartzSchema.EnsureCreatedAsync(connection, QuartzDatabase.Postgres);
        }

        for (var node = 1; node <= 3; node++)
        {
            _nodes.Add(await TestNode.StartAsync(database.ConnectionString, "dtx-cluster", $"node-{node}", start: false));
        }

        await QuartzTimerScheduler.AddResumeJobAsync(_nodes[0].Scheduler);
        foreach (var node in _nodes)
        {
            await node.Scheduler.Start();
        }
    }

    public async Task DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            await node.Scheduler.Shutdown(true);
            await node.Services.DisposeAsync();
        }
    }

    [Fact]
    public async Task Three_nodes_resume_each_of_300_timers_exactly_once()
    {
        var dueFrom = DateTimeOffset.UtcNow.AddSeconds(8);
        var ids = new List<Guid>();
        for (var i = 0; i < Instances; i++)
        {
            var dates = WorkflowHarness.CampaignDates();
            dates["indexPublication.at"] = dueFrom.AddMilliseconds(10 * i);
            dates["selfAssessment.opensAt"] = DateTimeOffset.UtcNow.AddDays(30);
            await using var scope = _nodes[i % 3].Services.CreateAsyncScope();
            var instance = await scope.ServiceProvider.GetRequiredService<WorkflowRuntime>()
                .StartAsync(new StartWorkflow("annual-campaign", $"cluster-{i}", dates, Version: 1));
            ids.Add(instance.Id);
        }

        var deadline = DateTime.UtcNow.AddSeconds(90);
        var moved = 0;
        while (DateTime.UtcNow < deadline)
        {
            await using var db = database.NewContext();
            moved = await db.Set<WorkflowInstance>().CountAsync(i => i.CurrentStage == "index-publication");
            if (moved == Instances)
            {
                break;
            }

            await Task.Delay(500);
        }

        Assert.Equal(Instances, moved);
        await QuartzFirings.UntilNoneInFlightAsync(database.ConnectionString); // any duplicate delivery lands before counting

        await using (var db = database.NewContext())
        {
            var transitions = await db.Set<JournalEntry>().Where(j => j.Outcome == "transition")
                .GroupBy(j => j.InstanceId).Select(g => g.Count()).ToListAsync();
            Assert.Equal(Instances, transitions.Count);
            Assert.All(transitions, count => Assert.Equal(1, count));

            var timerConsumptions = await db.Set<JournalEntry>().CountAsync(j => j.Outcome == "timer-fired");
            Assert.Equal(Instances, timerConsumptions);
            Assert.Equal(Instances, await db.Set<OutboxMessage>().CountAsync());
            Assert.Equal(0, await db.Set<Bookmark>().CountAsync(b => b.Stage == "set-up" && b.Kind == BookmarkKind.Timer && b.ConsumedAt == null));
        }

        var runs = _nodes.Select(n => n.Jobs.Runs).ToList();
        output.WriteLine($"raw job runs per node: {string.Join(", ", runs)}");
        Assert.True(runs.Sum() >= Instances, $"raw job runs per node: {string.Join(", ", runs)}");
    }
}
