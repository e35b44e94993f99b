using Dtx.Campaign.Workflows.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace Dtx.Campaign.Workflows.Scheduling;

/// <summary>
/// Timers as Quartz triggers: one trigger per timer bookmark (key = bookmark id, group
/// <see cref="TriggerGroup"/>), all pointing at the one durable <see cref="WorkflowResumeJob"/>.
/// Quartz delivers at least once; the runtime makes the effect exactly once.
/// </summary>
public sealed class QuartzTimerScheduler(IScheduler scheduler) : ITimerScheduler
{
    public const string TriggerGroup = "dtx-workflow-timers";
    public const string BookmarkIdKey = "bookmarkId";
    public static readonly JobKey ResumeJobKey = new("resume-bookmark", "dtx-workflow");

    /// <summary>
    /// Declares the durable resume job (RequestRecovery, concurrent executions allowed). Call once at
    /// start-up; it replaces an existing declaration and never declares per-bookmark triggers.
    /// </summary>
    public static async ValueTask AddResumeJobAsync(IScheduler scheduler, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        await scheduler.AddJob(ResumeJob(), AddJobOptions.Replacing, cancellationToken);
    }

    private static IJobDetail ResumeJob() => JobBuilder.Create<WorkflowResumeJob>()
        .WithIdentity(ResumeJobKey)
        .WithDescription("Resumes one workflow timer bookmark (the trigger's bookmarkId).")
        .StoreDurably(true)
        .RequestRecovery(true)
        .Build();

    public async ValueTask ScheduleAsync(Guid bookmarkId, DateTime dueUtc, CancellationToken cancellationToken = default) =>
        // Replace: two nodes scheduling the same bookmark never race into ObjectAlreadyExists.
        await scheduler.ScheduleTrigger(Trigger(bookmarkId, dueUtc), TriggerConflict.Replace, cancellationToken);

    /// <summary>Many triggers in one job-store transaction: a round of thousands of timers costs one commit, not thousands.</summary>
    public async ValueTask ScheduleManyAsync(IReadOnlyCollection<(Guid BookmarkId, DateTime DueUtc)> timers, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(timers);
        if (timers.Count == 0)
            return;
        var triggers = timers.Select(t => Trigger(t.BookmarkId, t.DueUtc)).ToList();
        await scheduler.ScheduleJobs(new Dictionary<IJobDetail, IReadOnlyCollection<ITrigger>> { [ResumeJob()] = triggers }, ScheduleJobOptions.Replacing, cancellationToken);
    }

    private ITrigger Trigger(Guid bookmarkId, DateTime dueUtc) =>
        TriggerBuilder.Create(scheduler.TimeProvider)
            .WithIdentity(bookmarkId.ToString(), TriggerGroup)
            .ForJob(ResumeJobKey)
            .UsingJobData(BookmarkIdKey, bookmarkId.ToString())
            .StartAt(new DateTimeOffset(DateTime.SpecifyKind(dueUtc, DateTimeKind.Utc)))
            // Down at the due time: fire once at start-up; the workflow decides if it still matters.
            .WithSchedule(SimpleScheduleBuilder.Create().WithMisfireInstruction(SimpleTriggerMisfireInstruction.FireNow))
            .Build();

    public async ValueTask UnscheduleAsync(Guid bookmarkId, CancellationToken cancellationToken = default) =>
        await scheduler.UnscheduleJob(new TriggerKey(bookmarkId.ToString(), TriggerGroup), cancellationToken);

    public async ValueTask<IReadOnlyCollection<Guid>> ListScheduledAsync(CancellationToken cancellationToken = default)
    {
        var ids = new List<Guid>();
        var query = new TriggerQuery { Group = GroupMatcher<TriggerKey>.GroupEquals(TriggerGroup), Take = PagedQuery.All };
        var page = await scheduler.QueryTriggers(query, cancellationToken);
        foreach (var header in page.Items)
        {
            if (Guid.TryParse(header.Key.Name, out var id))
            {
                ids.Add(id);
            }
        }

        return ids;
    }
}

/// <summary>
/// The one resume job: it only resumes the trigger's bookmark, in its own DI scope. No
/// [DisallowConcurrentExecution]: that would serialise every timer of every campaign.
/// </summary>
public sealed class WorkflowResumeJob(IServiceScopeFactory scopes) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!Guid.TryParse(context.MergedJobDataMap.GetString(QuartzTimerScheduler.BookmarkIdKey), out var bookmarkId))
        {
            return;
        }

        // Measured on the clock Quartz fires on: the application's TimeProvider, which it takes from the container.
        var scheduled = context.ScheduledFireTimeUtc ?? context.FireTimeUtc;
        TimerTelemetry.Lateness.Record(Math.Max(0, (context.Scheduler.TimeProvider.GetUtcNow() - scheduled).TotalSeconds));
        using var activity = TimerTelemetry.Source.StartActivity("timer.fire");
        activity?.SetTag("dtx.bookmark.id", bookmarkId.ToString());
        await using var scope = scopes.CreateAsyncScope();
        var runtime = scope.ServiceProvider.GetRequiredService<WorkflowRuntime>();
        try
        {
            var result = await runtime.ResumeAsync(bookmarkId, WorkflowActor.Timer, null, cancellationToken);
            TimerTelemetry.Fired.Add(1, new KeyValuePair<string, object?>("outcome", result.ToString()));
            activity?.SetTag("dtx.timer.outcome", result.ToString());
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            TimerTelemetry.Fired.Add(1, new KeyValuePair<string, object?>("outcome", "Failed"));
            activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, ex.Message);
            // The database was unreachable or similar: the bookmark is still pending, so try again
            // in a minute rather than let the one-shot trigger complete (the reconciler is the backstop).
            var scheduler = scope.ServiceProvider.GetRequiredService<ITimerScheduler>();
            await scheduler.ScheduleAsync(bookmarkId, context.FireTimeUtc.UtcDateTime.AddMinutes(1), CancellationToken.None);
            throw new JobExecutionException(ex);
        }
    }
}
