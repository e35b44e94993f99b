using Dtx.Campaign.Workflows.Activities;
using Dtx.Campaign.Workflows.Definitions;
using Dtx.Campaign.Workflows.Runtime;
using Dtx.Campaign.Workflows.Storage;
using Dtx.Campaign.Workflows.Tests.Definitions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Dtx.Campaign.Workflows.Tests.Runtime;

/// <summary>Fails while <see cref="Failing"/> is set: stands for a broken computation or document service.</summary>
public sealed class FlakyActivity(string name) : IActivity
{
    public bool Failing { get; set; }

    public string Name { get; } = name;

    /// <summary>When set, the activity writes a row whose unique key already exists: the step fails in the database, at commit.</summary>
    public string? ClashingOutboxKey { get; set; }

    public ValueTask<ActivityOutcome> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (Failing)
        {
            throw new InvalidOperationException("document service unavailable");
        }

        if (ClashingOutboxKey is { } key)
        {
            context.Db.Add(new OutboxMessage { Id = Guid.NewGuid(), Kind = "test", IdempotencyKey = key, PayloadJson = "{}", CreatedAt = context.NowUtc });
        }

        return ValueTask.FromResult(ActivityOutcome.Done);
    }
}

/// <summary>A real activity that can be made to fail, e.g. the reminder round while the mail queue's table is locked.</summary>
public sealed class FailingWhileSet(IActivity inner) : IActivity
{
    public bool Failing { get; set; }

    public string Name => inner.Name;

    public ValueTask<ActivityOutcome> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) =>
        Failing ? throw new TimeoutException("lock timeout") : inner.ExecuteAsync(context, cancellationToken);
}

/// <summary>
/// The runtime with a fake clock and a hand-fired scheduler. Each operation gets a fresh DbContext and
/// runtime, as each request or job would in the host.
/// </summary>
public sealed class WorkflowHarness(ITestDatabase database, IWorkflowDefinitionStore? definitions = null, Scheduling.ITimerScheduler? timers = null)
{
    public static readonly TimeZoneInfo Hanoi = TimeZoneInfo.FindSystemTimeZoneById("Asia/Ho_Chi_Minh");

    // From the files, with their texts: the runtime pins each version an instance starts on.
    private static readonly IWorkflowDefinitionStore Definitions = WorkflowDefinitionStore.FromFiles(
        new[] { "annual-campaign.v1.yaml", "annual-campaign.v2.yaml", "annual-campaign.v3.yaml", "annual-campaign.v4.yaml", "unit-assessment.v1.yaml", "unit-extension.v1.yaml" }
            .Select(WorkflowDefinitionReaderTests.ShippedPath),
        TestWorkflows.Catalog);

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 2, 15, 0, 0, 0, TimeSpan.Zero));

    public ManualTimerScheduler Scheduler { get; } = new();

    public FlakyActivity GenerateCertificates { get; } = new("generate-certificates");

    public FlakyActivity PublishIndex { get; } = new("publish-index");

    public FlakyActivity ComputeResults { get; } = new("compute-results");

    public FailingWhileSet Reminders { get; } = new(new SendNoticeActivity("send-reminder"));

    public ITestDatabase Database => database;

    /// <summary>A fresh DbContext per scope, as the host's DI gives the runtime for recording an incident.</summary>
    private IServiceScopeFactory Scopes { get; } = new ServiceCollection().AddScoped(_ => database.NewContext())
        .BuildServiceProvider().GetRequiredService<IServiceScopeFactory>();

    public static DateTimeOffset Local(int month, int day, int hour, int minute = 0) =>
        new(2026, month, day, hour, minute, 0, TimeSpan.FromHours(7));

    public static Dictionary<string, DateTimeOffset> CampaignDates() => new()
    {
        ["indexPublication.at"] = Local(3, 2, 8),
        ["selfAssessment.opensAt"] = Local(3, 9, 8),
        ["selfAssessment.closesAt"] = Local(4, 30, 17),
        ["verification.endsAt"] = Local(5, 29, 17),
        ["preliminaryResults.at"] = Local(6, 5, 8),
        ["disputes.opensAt"] = Local(6, 8, 8),
        ["disputes.closesAt"] = Local(6, 22, 17),
        ["finalPublication.at"] = Local(7, 1, 9),
    };

    public WorkflowRuntime NewRuntime(TestDbContext db)
    {
        var activities = TestWorkflows.Activities();
        activities.Add(Reminders);
        activities.Add(GenerateCertificates);
        activities.Add(PublishIndex);
        activities.Add(ComputeResults);
        return new WorkflowRuntime(db, definitions ?? Definitions, activities, [new VariableGuard("early-close-enabled", "earlyCloseEnabled")],
            timers ?? Scheduler, new TestLock(), Time, new WorkflowRuntimeOptions(), scopes: Scopes);
    }

    public async Task<T> WithRuntime<T>(Func<WorkflowRuntime, Task<T>> action)
    {
        await using var db = database.NewContext();
        return await action(NewRuntime(db));
    }

    public Task<WorkflowInstance> StartAnnualAsync(Dictionary<string, string>? variables = null) =>
        WithRuntime(r => r.StartAsync(new StartWorkflow("annual-campaign", "campaign-" + Guid.NewGuid().ToString("N")[..8], CampaignDates(), Variables: variables, Version: 1)));

    public Task<ResumeResult> ResumeAsync(Guid bookmarkId, WorkflowActor actor, string? comment = null) =>
        WithRuntime(r => r.ResumeAsync(bookmarkId, actor, comment));

    public Task<ResumeResult> ApproveAsync(Guid instanceId, string stage, WorkflowActor actor, string? comment = null) =>
        WithRuntime(r => r.ApproveAsync(instanceId, stage, actor, comment));

    public async Task<WorkflowState> StateAsync(Guid instanceId) => (await WithRuntime(r => r.GetStateAsync(instanceId)))!;

    /// <summary>Moves the clock forward to <paramref name="until"/>, firing every due timer at its due time.</summary>
    public async Task<List<(DateTime At, ResumeResult Result)>> AdvanceAsync(DateTimeOffset until)
    {
        var fired = new List<(DateTime, ResumeResult)>();
        while (true)
        {
            var next = Scheduler.Triggers.Values.Where(d => d <= until.UtcDateTime).DefaultIfEmpty(DateTime.MaxValue).Min();
            if (next == DateTime.MaxValue)
            {
                break;
            }

            if (next > Time.GetUtcNow().UtcDateTime)
            {
                Time.SetUtcNow(new DateTimeOffset(next));
            }

            var due = Scheduler.TakeNextDue(Time.GetUtcNow().UtcDateTime)!.Value;
            fired.Add((Time.GetUtcNow().UtcDateTime, await ResumeAsync(due.Id, WorkflowActor.Timer)));
        }

        if (until > Time.GetUtcNow())
        {
            Time.SetUtcNow(until);
        }

        return fired;
    }

    public async Task<List<OutboxMessage>> OutboxAsync(Guid instanceId)
    {
        await using var db = database.NewContext();
        return (await db.Set<OutboxMessage>().AsNoTracking().Where(o => o.InstanceId == instanceId).ToListAsync())
            .OrderBy(o => o.CreatedAt).ToList();
    }
}
