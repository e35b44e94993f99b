using Dtx.Campaign.Workflows.Activities;
using Dtx.Campaign.Workflows.Definitions;
using Dtx.Campaign.Workflows.Runtime;
using Dtx.Campaign.Workflows.Scheduling;
using Dtx.Campaign.Workflows.Storage;
using Dtx.Campaign.Workflows.Tests.Definitions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;

namespace Dtx.Campaign.Workflows.Tests.Runtime;

/// <summary>
/// A step run inside the host's own transaction (launching a campaign, changing its schedule) arms its
/// timers when the host commits, and never if it rolls back: the caller does nothing by hand.
/// </summary>
public sealed class TimerCommitHookTests(SqliteDatabase database) : IClassFixture<SqliteDatabase>
{
    private static readonly IWorkflowDefinitionStore Definitions = WorkflowDefinitionStore.FromFiles(
        [WorkflowDefinitionReaderTests.ShippedPath("annual-campaign.v1.yaml")], TestWorkflows.Catalog);

    private readonly TimerCommitHook _hook = new();
    private readonly ManualTimerScheduler _scheduler = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 2, 15, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Timers_of_a_step_in_the_hosts_transaction_are_armed_at_its_commit_and_dropped_on_its_rollback()
    {
        await StartInHostTransactionAsync("rolled-back", commit: false);
        Assert.Empty(_scheduler.Triggers);

        var started = await StartInHostTransactionAsync("committed", commit: true);
        await using var db = database.NewContext();
        var pending = await db.Set<Bookmark>().AsNoTracking()
            .Where(b => b.InstanceId == started && b.Kind == BookmarkKind.Timer && b.ConsumedAt == null).ToListAsync();
        Assert.NotEmpty(pending);
        Assert.Equal(pending.Select(b => b.Id).Order(), _scheduler.Triggers.Keys.Order());
        Assert.All(pending, b => Assert.Equal(b.DueUtc, _scheduler.Triggers[b.Id]));
    }

    private async Task<Guid> StartInHostTransactionAsync(string correlation, bool commit)
    {
        await using var db = new TestDbContext(new DbContextOptionsBuilder<TestDbContext>()
            .UseSqlite(database.ConnectionString).AddInterceptors(_hook).Options);
        var runtime = new WorkflowRuntime(db, Definitions, TestWorkflows.Activities(), [new VariableGuard("early-close-enabled", "earlyCloseEnabled")],
            _scheduler, new TestLock(), _time, commitHook: _hook);
        await using var transaction = await db.Database.BeginTransactionAsync();
        var instance = await runtime.StartAsync(new StartWorkflow("annual-campaign", correlation, WorkflowHarness.CampaignDates(), Version: 1));
        // Nothing armed while the host's transaction is open (Quartz on SQLite would wait for its write lock).
        Assert.Empty(_scheduler.Triggers);
        if (commit)
            await transaction.CommitAsync();
        else
            await transaction.RollbackAsync();
        return instance.Id;
    }
}
