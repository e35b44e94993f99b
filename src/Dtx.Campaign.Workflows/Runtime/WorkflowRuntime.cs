using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dtx.Campaign.Workflows.Activities;
using Dtx.Campaign.Workflows.Definitions;
using Dtx.Campaign.Workflows.Scheduling;
using Dtx.Campaign.Workflows.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Dtx.Campaign.Workflows.Runtime;

/// <summary>Options of the runtime; the host binds them from configuration.</summary>
public sealed class WorkflowRuntimeOptions
{
    /// <summary>Zone in which campaign dates, offsets and reminder times are computed.</summary>
    public string DefaultTimeZoneId { get; set; } = "Asia/Ho_Chi_Minh";

    /// <summary>First delay before a faulted timer step is retried; doubles on each failure.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// A stage entered this long after its own end fell due (catch-up after downtime) is passed through
    /// without its notices; a stage entered on time, or seconds late, announces itself as usual.
    /// </summary>
    public TimeSpan StalePassageAfter { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>Starting a workflow: which definition, for what, with which campaign dates.</summary>
public sealed record StartWorkflow(
    string DefinitionKey,
    string CorrelationId,
    IReadOnlyDictionary<string, DateTimeOffset> Dates,
    int? Version = null,
    IReadOnlyDictionary<string, string>? Variables = null,
    string? TimeZoneId = null,
    WorkflowActor? Actor = null);

/// <summary>An instance as the API shows it: where it stands, what it waits for, and what happened.</summary>
public sealed record WorkflowState(WorkflowInstance Instance, IReadOnlyList<Bookmark> Pending, IReadOnlyList<JournalEntry> Journal);

/// <summary>A definition version and the instances (e.g. campaigns) that run on it.</summary>
public sealed record DefinitionUsage(string Key, int Version, LocalizedName Name, IReadOnlyList<(Guid InstanceId, string CorrelationId, WorkflowStatus Status)> Instances);

/// <summary>Thrown when starting an instance fails in one of its entry activities; nothing was stored.</summary>
public sealed class WorkflowActivityException(string message, Exception inner) : Exception(message, inner);

/// <summary>
/// The workflow runtime over the host's DbContext. Every operation is one database transaction that
/// locks the instance through the host's <see cref="ITransactionLock"/>, re-reads it, applies one step and
/// commits with optimistic concurrency on <see cref="WorkflowInstance.Version"/>. Timers are armed after
/// the commit: its own, or the host's through <see cref="TimerCommitHook"/>. Scoped, like the context.
/// </summary>
public sealed partial class WorkflowRuntime
{
    private readonly DbContext _db;
    private readonly IWorkflowDefinitionStore _definitions;
    private readonly Dictionary<string, IActivity> _activities = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IWorkflowGuard> _guards = new(StringComparer.Ordinal);
    private readonly ITimerScheduler _scheduler;
    private readonly TimeProvider _time;
    private readonly WorkflowRuntimeOptions _options;
    private readonly IServiceScopeFactory? _scopes;
    private readonly ITransactionLock _lock;
    private readonly TimerCommitHook? _commitHook;
    private ILogger _logger;

    public WorkflowRuntime(
        DbContext db,
        IWorkflowDefinitionStore definitions,
        IEnumerable<IActivity> activities,
        IEnumerable<IWorkflowGuard> guards,
        ITimerScheduler scheduler,
        ITransactionLock transactionLock,
        TimeProvider time,
        WorkflowRuntimeOptions? options = null,
        ILogger<WorkflowRuntime>? logger = null,
        IServiceScopeFactory? scopes = null,
        TimerCommitHook? commitHook = null)
    {
        _scopes = scopes;
        _lock = transactionLock;
        _commitHook = commitHook;
        _db = db;
        _definitions = definitions;
        _scheduler = scheduler;
        _time = time;
        _options = options ?? new WorkflowRuntimeOptions();
        _logger = (ILogger?)logger ?? NullLogger.Instance;

        // Registered later wins, so the host's own class replaces a placeholder of the same name.
        foreach (var activity in activities)
        {
            _activities[activity.Name] = activity;
        }

        foreach (var guard in guards)
        {
            _guards[guard.Name] = guard;
        }
    }

    private DbSet<WorkflowInstance> Instances => _db.Set<WorkflowInstance>();

    private DbSet<Bookmark> Bookmarks => _db.Set<Bookmark>();

    private DateTime Now => _time.GetUtcNow().UtcDateTime;

    /// <summary>
    /// Starts an instance on the requested (or latest) version and enters its initial stage. While an
    /// instance of the same definition and correlation id runs, returns that one instead.
    /// </summary>
    public async Task<WorkflowInstance> StartAsync(StartWorkflow request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var definition = (request.Version is { } version
                ? _definitions.Find(request.DefinitionKey, version)
                : _definitions.Latest(request.DefinitionKey))
            ?? throw new ArgumentException($"No workflow definition '{request.DefinitionKey}'{(request.Version is null ? "" : $" v{request.Version}")}.", nameof(request));
        CheckRunnable(definition, request.Dates.Keys);
        var zoneId = request.TimeZoneId ?? _options.DefaultTimeZoneId;
        _ = TimeZoneInfo.FindSystemTimeZoneById(zoneId);

        var now = Now;
        var instance = new WorkflowInstance
        {
            Id = Guid.NewGuid(),
            DefinitionKey = definition.Key,
            DefinitionVersion = definition.Version,
            CorrelationId = request.CorrelationId,
            CurrentStage = definition.InitialStage.Key,
            Status = WorkflowStatus.Running,
            TimeZoneId = zoneId,
            DatesJson = JsonSerializer.Serialize(request.Dates.ToDictionary(d => d.Key, d => d.Value.UtcDateTime)),
            VariablesJson = JsonSerializer.Serialize(request.Variables ?? new Dictionary<string, string>()),
            CreatedAt = now,
            UpdatedAt = now,
        };

        var actor = request.Actor ?? WorkflowActor.System;
        try
        {
            var running = await InTransactionAsync(LockKey(definition.Key, request.CorrelationId), async step =>
            {
                // Starting is idempotent per (definition, correlation) while an instance runs: a
                // double click on "launch" or a retried request returns the running instance.
                var existing = await Instances.FirstOrDefaultAsync(
                    i => i.DefinitionKey == definition.Key && i.CorrelationId == request.CorrelationId
                        && (i.Status == WorkflowStatus.Running || i.Status == WorkflowStatus.Faulted),
                    cancellationToken);
                if (existing is not null)
                {
                    return existing;
                }

                await DefinitionPins.PinAsync(_db, _definitions, definition, now, cancellationToken);
                _db.Add(instance);
                step.Bind(instance, actor, "start", now);
                Journal(step, definition.InitialStage.Key, null, "started", $"{definition.Key} v{definition.Version} for {instance.CorrelationId}");
                await EnterStageAsync(step, definition.InitialStage, cancellationToken);
                step.Save();
                return instance;
            }, cancellationToken);
            return running;
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not DbUpdateException and not WorkflowActivityException)
        {
            _db.ChangeTracker.Clear();
            throw new WorkflowActivityException($"Starting '{definition.Key}' v{definition.Version} for {request.CorrelationId} failed; nothing was stored: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Consumes a bookmark exactly once and applies its step. A second call for the same bookmark
    /// answers <see cref="ResumeResult.AlreadyConsumed"/> and changes nothing but the journal.
    /// </summary>
    public async Task<ResumeResult> ResumeAsync(Guid bookmarkId, WorkflowActor actor, string? comment = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var instanceId = await Bookmarks.AsNoTracking().Where(b => b.Id == bookmarkId)
            .Select(b => (Guid?)b.InstanceId).FirstOrDefaultAsync(cancellationToken);
        if (instanceId is null)
        {
            return ResumeResult.NotFound;
        }

        Step? failedStep = null;
        try
        {
            return await InTransactionAsync(instanceId, async step =>
            {
                failedStep = step;
                return await ResumeLockedAsync(step, instanceId.Value, bookmarkId, actor, comment, cancellationToken);
            }, cancellationToken);
        }
        catch (DbUpdateException ex) when (_db.Database.CurrentTransaction is null)
        {
            // The second guard (row version, unique consumption) caught a concurrent step.
            _db.ChangeTracker.Clear();
            var consumed = await Bookmarks.AsNoTracking().AnyAsync(b => b.Id == bookmarkId && b.ConsumedAt != null, cancellationToken);
            if (consumed)
            {
                return ResumeResult.AlreadyConsumed;
            }

            // Any other database error (a unique key of an activity's row, a concurrency conflict) is an incident like any other failure.
            await RecordIncidentAsync(instanceId.Value, bookmarkId, failedStep?.CurrentActivity, failedStep?.FailedAt, ex, cancellationToken);
            return ResumeResult.Faulted;
        }
        catch (Exception ex) when (ex is not OperationCanceledException && _db.Database.CurrentTransaction is null)
        {
            _db.ChangeTracker.Clear();
            await RecordIncidentAsync(instanceId.Value, bookmarkId, failedStep?.CurrentActivity, failedStep?.FailedAt, ex, cancellationToken);
            return ResumeResult.Faulted;
        }
    }

    /// <summary>Approves the gate of <paramref name="stage"/>; only an actor with the gate's role may.</summary>
    public async Task<ResumeResult> ApproveAsync(Guid instanceId, string stage, WorkflowActor actor, string? comment = null, CancellationToken cancellationToken = default)
    {
        var gates = await Bookmarks.AsNoTracking()
            .Where(b => b.InstanceId == instanceId && b.Kind == BookmarkKind.Approval && b.Stage == stage)
            .ToListAsync(cancellationToken);
        var gate = gates.FirstOrDefault(b => b.ConsumedAt is null) ?? gates.OrderByDescending(b => b.ConsumedAt).FirstOrDefault();
        return gate is null ? ResumeResult.NotFound : await ResumeAsync(gate.Id, actor, comment, cancellationToken);
    }

    /// <summary>Raises a named event (stimulus) on an instance; the first transition whose guard agrees is taken.</summary>
    public async Task<ResumeResult> RaiseEventAsync(Guid instanceId, string eventName, WorkflowActor actor, CancellationToken cancellationToken = default)
    {
        var waiting = await Bookmarks.AsNoTracking()
            .Where(b => b.InstanceId == instanceId && b.Kind == BookmarkKind.Event && b.Name == eventName && b.ConsumedAt == null)
            .ToListAsync(cancellationToken);
        if (waiting.Count == 0)
        {
            var status = await Instances.AsNoTracking().Where(i => i.Id == instanceId)
                .Select(i => (WorkflowStatus?)i.Status).FirstOrDefaultAsync(cancellationToken);
            return status == WorkflowStatus.Cancelled ? ResumeResult.Cancelled : ResumeResult.NotFound;
        }

        var result = ResumeResult.NotFound;
        foreach (var bookmark in waiting.OrderBy(b => b.Payload, StringComparer.Ordinal))
        {
            result = await ResumeAsync(bookmark.Id, actor, null, cancellationToken);
            if (result != ResumeResult.GuardRejected)
            {
                return result;
            }
        }

        return result;
    }

    /// <summary>
    /// Changes a campaign date (e.g. extends the self-assessment deadline) and moves every pending
    /// timer that depends on it. Returns how many timers moved.
    /// </summary>
    public async Task<int> ChangeDateAsync(Guid instanceId, string dateName, DateTimeOffset value, WorkflowActor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return await InTransactionAsync(instanceId, async step =>
        {
            var instance = await FreshAsync<WorkflowInstance>(instanceId, cancellationToken)
                ?? throw new ArgumentException($"No workflow instance {instanceId}.", nameof(instanceId));
            var definition = DefinitionOf(instance);
            step.Bind(instance, actor, "date/" + Guid.NewGuid().ToString("N"), Now);
            step.Dates.TryGetValue(dateName, out var old);
            step.Dates[dateName] = value.UtcDateTime;
            Journal(step, instance.CurrentStage, null, "date-changed", $"{dateName}: {old:O} → {value.UtcDateTime:O}");

            var moved = 0;
            var pending = await Bookmarks.Where(b => b.InstanceId == instanceId && b.Kind == BookmarkKind.Timer && b.ConsumedAt == null)
                .ToListAsync(cancellationToken);
            foreach (var bookmark in pending)
            {
                var timer = TimerOf(definition, bookmark);
                if (timer.At.DateName != dateName)
                {
                    continue;
                }

                bookmark.DueUtc = timer.At.Resolve(step.Dates[dateName], step.Zone);
                bookmark.Payload = TimerPayload(timer.Index, bookmark.DueUtc.Value);
                step.ToSchedule.Add((bookmark.Id, bookmark.DueUtc.Value));
                moved++;
            }

            step.Save();
            return moved;
        }, cancellationToken);
    }

    /// <summary>
    /// The timer a failed step waits on: an unconsumed timer of a faulted instance whose due time was moved
    /// past its schedule to the next retry. Null when the instance has no incident to act on.
    /// </summary>
    public async Task<Bookmark?> FaultedTimerAsync(Guid instanceId, CancellationToken cancellationToken = default)
    {
        var instance = await Instances.AsNoTracking().FirstOrDefaultAsync(i => i.Id == instanceId, cancellationToken);
        if (instance is not { Status: WorkflowStatus.Faulted })
        {
            return null;
        }

        var timers = await Bookmarks.AsNoTracking()
            .Where(b => b.InstanceId == instanceId && b.Kind == BookmarkKind.Timer && b.ConsumedAt == null && b.Stage == instance.CurrentStage)
            .ToListAsync(cancellationToken);
        return timers.Where(b => b.DueUtc is { } due && ScheduledOf(b) is { } scheduled && due > scheduled)
            .OrderBy(b => b.DueUtc).FirstOrDefault();
    }

    /// <summary>
    /// Runs a failed timer step now instead of at its back-off time; who asked and why is journaled
    /// before the step runs (which then succeeds, or records the next incident).
    /// </summary>
    public async Task<ResumeResult> RetryNowAsync(Guid instanceId, WorkflowActor actor, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        if (await FaultedTimerAsync(instanceId, cancellationToken) is not { } failed)
        {
            return ResumeResult.NotFound;
        }

        await InTransactionAsync(instanceId, async step =>
        {
            var instance = (await FreshAsync<WorkflowInstance>(instanceId, cancellationToken))!;
            var bookmark = (await FreshAsync<Bookmark>(failed.Id, cancellationToken))!;
            step.Bind(instance, actor, "retry/" + Guid.NewGuid().ToString("N"), Now);
            bookmark.DueUtc = step.Now;
            Journal(step, instance.CurrentStage, null, "retry-requested", $"'{bookmark.Name}' by {actor.Id}: {reason.Trim()}");
            step.Save();
            return 0;
        }, cancellationToken);
        return await ResumeAsync(failed.Id, WorkflowActor.Timer, null, cancellationToken);
    }

    /// <summary>
    /// Gives up a failed timer step: its timer is consumed without running, the incident is cleared, a
    /// repeating timer arms its next round from the schedule; who and why is journaled.
    /// </summary>
    public async Task<ResumeResult> SkipStepAsync(Guid instanceId, WorkflowActor actor, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        if (await FaultedTimerAsync(instanceId, cancellationToken) is not { } failed)
        {
            return ResumeResult.NotFound;
        }

        return await InTransactionAsync(instanceId, async step =>
        {
            var instance = (await FreshAsync<WorkflowInstance>(instanceId, cancellationToken))!;
            var bookmark = (await FreshAsync<Bookmark>(failed.Id, cancellationToken))!;
            step.Bind(instance, actor, "skip/" + Guid.NewGuid().ToString("N"), Now);
            if (bookmark.ConsumedAt is not null)
            {
                step.Save();
                return ResumeResult.AlreadyConsumed;
            }

            var timer = TimerOf(DefinitionOf(instance), bookmark);
            var scheduled = ScheduledOf(bookmark);
            Consume(step, bookmark, "step-skipped", $"'{bookmark.Name}' due {scheduled:O} did not run; by {actor.Id}: {reason.Trim()}");
            step.ToUnschedule.Add(bookmark.Id);
            ClearIncident(instance);
            if (timer.Repeats)
            {
                ArmNext(step, bookmark.Stage, timer, scheduled ?? step.Now);
            }

            step.Save();
            return ResumeResult.Resumed;
        }, cancellationToken);
    }

    /// <summary>
    /// Cancels a running instance: its pending bookmarks are consumed and its triggers removed; a late
    /// resume answers <see cref="ResumeResult.Cancelled"/>. Does nothing on a finished or cancelled instance.
    /// </summary>
    public async Task CancelAsync(Guid instanceId, WorkflowActor actor, string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await InTransactionAsync(instanceId, async step =>
        {
            var instance = await FreshAsync<WorkflowInstance>(instanceId, cancellationToken)
                ?? throw new ArgumentException($"No workflow instance {instanceId}.", nameof(instanceId));
            if (!IsActive(instance))
            {
                // Cancelling a finished or already cancelled instance changes nothing.
                return false;
            }

            step.Bind(instance, actor, "cancel", Now);
            await ConsumePendingAsync(step, "cancelled", cancellationToken);
            instance.Status = WorkflowStatus.Cancelled;
            instance.FinishedAt = step.Now;
            Journal(step, instance.CurrentStage, null, "cancelled", reason);
            step.Save();
            return true;
        }, cancellationToken);
    }

    /// <summary>
    /// Moves a running instance to a newer version of its definition, in its current stage: the stage's pending waits
    /// are replaced by the new version's (timers from the schedule, with <paramref name="newDates"/> adding the dates
    /// the new version names), nothing the stage already did runs again, and who, from which version and why is
    /// journaled. Refused when the new version has no such stage or lacks a date, or the instance is not running cleanly.
    /// Returns the number of timers armed.
    /// </summary>
    public async Task<int> MoveToVersionAsync(Guid instanceId, int version, IReadOnlyDictionary<string, DateTimeOffset> newDates, WorkflowActor actor,
        string reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(newDates);
        ArgumentNullException.ThrowIfNull(actor);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return await InTransactionAsync(instanceId, async step =>
        {
            var instance = await FreshAsync<WorkflowInstance>(instanceId, cancellationToken)
                ?? throw new ArgumentException($"No workflow instance {instanceId}.", nameof(instanceId));
            if (instance.Status != WorkflowStatus.Running)
            {
                throw new InvalidOperationException($"Instance {instanceId} is {instance.Status}; only a running instance without an incident moves to another version.");
            }

            var from = instance.DefinitionVersion;
            var to = _definitions.Find(instance.DefinitionKey, version)
                ?? throw new ArgumentException($"No workflow definition '{instance.DefinitionKey}' v{version}.", nameof(version));
            if (to.Version <= from)
            {
                throw new InvalidOperationException($"Instance {instanceId} runs '{to.Key}' v{from}; it moves only to a newer version, not v{to.Version}.");
            }

            var stage = to.Stages.FirstOrDefault(s => s.Key == instance.CurrentStage)
                ?? throw new InvalidOperationException($"'{to.Key}' v{to.Version} has no stage '{instance.CurrentStage}', where instance {instanceId} is.");
            step.Bind(instance, actor, "move/" + Guid.NewGuid().ToString("N"), Now);
            foreach (var (name, value) in newDates.Where(d => !step.Dates.ContainsKey(d.Key)))
            {
                step.Dates[name] = value.UtcDateTime;
            }

            CheckRunnable(to, step.Dates.Keys, "move to");
            await DefinitionPins.PinAsync(_db, _definitions, to, step.Now, cancellationToken);
            await ConsumePendingAsync(step, $"moved:v{from}->v{to.Version}", cancellationToken);
            instance.DefinitionVersion = to.Version;
            Journal(step, stage.Key, null, "moved", $"{to.Key} v{from} → v{to.Version} by {actor.Id}: {reason.Trim()}");
            ArmWaits(step, stage, moved: true);
            step.Save();
            return step.ToSchedule.Count;
        }, cancellationToken);
    }

    /// <summary>The Mermaid (or DOT) picture of the instance's definition version with its current stage marked.</summary>
    public async Task<string?> GetGraphAsync(Guid instanceId, bool dot = false, CancellationToken cancellationToken = default)
    {
        var instance = await Instances.AsNoTracking().FirstOrDefaultAsync(i => i.Id == instanceId, cancellationToken);
        if (instance is null)
        {
            return null;
        }

        var definition = DefinitionOf(instance);
        return dot ? WorkflowGraph.ToDot(definition, instance.CurrentStage) : WorkflowGraph.ToMermaid(definition, instance.CurrentStage);
    }

    /// <summary>The most recent instance for a correlation id (e.g. a campaign id), optionally of one definition.</summary>
    public async Task<WorkflowInstance?> FindAsync(string correlationId, string? definitionKey = null, CancellationToken cancellationToken = default)
    {
        var candidates = await Instances.AsNoTracking()
            .Where(i => i.CorrelationId == correlationId && (definitionKey == null || i.DefinitionKey == definitionKey))
            .ToListAsync(cancellationToken);
        return candidates.OrderByDescending(i => i.CreatedAt).FirstOrDefault();
    }

    public async Task<WorkflowState?> GetStateAsync(Guid instanceId, CancellationToken cancellationToken = default)
    {
        var instance = await Instances.AsNoTracking().FirstOrDefaultAsync(i => i.Id == instanceId, cancellationToken);
        if (instance is null)
        {
            return null;
        }

        var pending = (await Bookmarks.AsNoTracking().Where(b => b.InstanceId == instanceId && b.ConsumedAt == null).ToListAsync(cancellationToken))
            .OrderBy(b => b.DueUtc ?? DateTime.MaxValue).ToList();
        var journal = await _db.Set<JournalEntry>().AsNoTracking().Where(j => j.InstanceId == instanceId)
            .OrderBy(j => j.Sequence).ToListAsync(cancellationToken);
        return new WorkflowState(instance, pending, journal);
    }

    /// <summary>Every loaded definition version and the instances running (or finished) on it.</summary>
    public async Task<IReadOnlyList<DefinitionUsage>> ListVersionsAsync(CancellationToken cancellationToken = default)
    {
        var instances = await Instances.AsNoTracking()
            .Select(i => new { i.Id, i.CorrelationId, i.Status, i.DefinitionKey, i.DefinitionVersion })
            .ToListAsync(cancellationToken);
        return _definitions.All.Select(d => new DefinitionUsage(d.Key, d.Version, d.Name, instances
            .Where(i => i.DefinitionKey == d.Key && i.DefinitionVersion == d.Version)
            .Select(i => (i.Id, i.CorrelationId, i.Status)).ToList())).ToList();
    }

    private async Task<ResumeResult> ResumeLockedAsync(Step step, Guid instanceId, Guid bookmarkId, WorkflowActor actor, string? comment, CancellationToken ct)
    {
        var bookmark = await FreshAsync<Bookmark>(bookmarkId, ct);
        var instance = await FreshAsync<WorkflowInstance>(instanceId, ct);
        if (bookmark is null || instance is null)
        {
            return ResumeResult.NotFound;
        }

        var definition = DefinitionOf(instance);
        step.Bind(instance, actor, bookmark.Id.ToString("N"), Now);
        if (instance.Status == WorkflowStatus.Cancelled)
        {
            Journal(step, instance.CurrentStage, null, "ignored", $"{bookmark.Kind} '{bookmark.Name}' after the instance was cancelled");
            step.Save();
            return ResumeResult.Cancelled;
        }

        if (bookmark.ConsumedAt is not null || !IsActive(instance) || bookmark.Stage != instance.CurrentStage)
        {
            Journal(step, instance.CurrentStage, null, "duplicate", $"{bookmark.Kind} '{bookmark.Name}' already consumed by {bookmark.ConsumedBy ?? "a stage change"}");
            step.Save();
            return ResumeResult.AlreadyConsumed;
        }

        var stage = definition.Stage(bookmark.Stage);
        switch (bookmark.Kind)
        {
            case BookmarkKind.Timer:
            {
                if (!actor.IsMachine)
                {
                    return ResumeResult.Forbidden;
                }

                if (bookmark.DueUtc is { } dueAt && dueAt > step.Now)
                {
                    // A stale trigger (an extension raced a reconcile, a node's clock ahead): the bookmark
                    // in the database decides, so the timer waits for its own due time.
                    Journal(step, stage.Key, null, "early", $"timer '{bookmark.Name}' fired at {step.Now:O} before its due time {dueAt:O}; rescheduled");
                    step.ToSchedule.Add((bookmark.Id, dueAt));
                    step.Save();
                    return ResumeResult.NotDue;
                }

                var timer = TimerOf(definition, bookmark);
                var scheduled = ScheduledOf(bookmark);
                Consume(step, bookmark, "timer-fired", $"{timer.At.Describe()}; due {scheduled:O}, fired {step.Now:O}");
                if (timer.Guard is not null && !await GuardAsync(step, stage, timer.Guard, timer.Activity, ct))
                {
                    Journal(step, stage.Key, null, "not-taken", $"guard '{timer.Guard}' is false");
                }
                else if (timer.TransitionTo is not null)
                {
                    await TransitionAsync(step, definition.Stage(timer.TransitionTo), ct);
                }
                else if (!timer.Repeats && step.Dates[timer.At.DateName] <= step.Now)
                {
                    // The workflow, not Quartz's misfire policy, decides: a reminder of a past deadline is noise.
                    Journal(step, stage.Key, timer.Activity!.Activity, "skipped", $"deadline {timer.At.DateName} ({step.Dates[timer.At.DateName]:O}) has passed");
                }
                else
                {
                    await RunActivityAsync(step, stage.Key, timer.Activity!, 100 + Math.Abs(timer.Index), ct);
                }

                if (timer.Repeats && instance.CurrentStage == stage.Key && IsActive(instance))
                {
                    // From the schedule, not from when it ran: a round retried at 08:01 arms the next at 08:00.
                    ArmNext(step, stage.Key, timer, scheduled ?? step.Now);
                }

                break;
            }

            case BookmarkKind.Approval:
            {
                if (!actor.Roles.Contains(bookmark.Name))
                {
                    Journal(step, stage.Key, null, "forbidden", $"{actor.Id} lacks role {bookmark.Name}");
                    step.Save();
                    return ResumeResult.Forbidden;
                }

                Consume(step, bookmark, "approved", comment is null ? $"by {actor.Id} ({bookmark.Name})" : $"by {actor.Id} ({bookmark.Name}): {comment}");
                await TransitionAsync(step, definition.Stage(stage.Gate!.To), ct);
                break;
            }

            case BookmarkKind.Event:
            {
                var transition = stage.Transitions.Single(t => t.Index == PayloadIndex(bookmark, "transition"));
                if (transition.Guard is not null && !await GuardAsync(step, stage, transition.Guard, null, ct))
                {
                    return ResumeResult.GuardRejected;
                }

                Consume(step, bookmark, "event", transition.EventName + (comment is null ? "" : ": " + comment));
                await TransitionAsync(step, definition.Stage(transition.To), ct);
                break;
            }
        }

        ClearIncident(instance);
        step.Save();
        return ResumeResult.Resumed;
    }

    private async Task TransitionAsync(Step step, StageDefinition to, CancellationToken ct)
    {
        var from = step.Instance.CurrentStage;
        await ConsumePendingAsync(step, "left:" + from, ct);
        Journal(step, from, null, "transition", $"{from} → {to.Key}");
        await EnterStageAsync(step, to, ct);
    }

    private async Task EnterStageAsync(Step step, StageDefinition stage, CancellationToken ct)
    {
        var instance = step.Instance;
        instance.CurrentStage = stage.Key;
        Journal(step, stage.Key, null, "entered", null);
        // Catch-up after downtime: a stage whose own end is already due is only passed through. Its
        // work runs (windows open and close), but its notices are no longer timely and are skipped,
        // so that only the stage the instance comes to rest in announces itself: no burst of
        // "published", "open" and "closed" in the same minute.
        var passedBy = stage.Timers.Where(t => t.TransitionTo is not null && t.Guard is null)
            .Select(t => (Timer: t, Due: t.At.Resolve(step.Dates[t.At.DateName], step.Zone)))
            .Where(t => t.Due < step.Now - _options.StalePassageAfter).OrderBy(t => t.Due).FirstOrDefault();
        for (var i = 0; i < stage.OnEnter.Count; i++)
        {
            if (passedBy.Timer is not null && stage.OnEnter[i].Activity == "send-notice")
            {
                Journal(step, stage.Key, stage.OnEnter[i].Activity, "skipped",
                    $"{stage.OnEnter[i].Parameter("template")}: not timely, the stage ended at {passedBy.Due:O} ({passedBy.Timer.At.Describe()}) before it was entered at {step.Now:O}");
                continue;
            }

            await RunActivityAsync(step, stage.Key, stage.OnEnter[i], i, ct);
        }

        if (stage.IsFinal)
        {
            instance.Status = WorkflowStatus.Finished;
            instance.FinishedAt = step.Now;
            Journal(step, stage.Key, null, "finished", null);
            return;
        }

        ArmWaits(step, stage, moved: false);
    }

    /// <summary>
    /// Arms what a stage waits for: its timers, its gate and its event transitions. An instance <paramref name="moved"/>
    /// to a new version arms no activity timer that is already due (the old version's steps are done, not re-run); a
    /// stage timer already due still moves it on.
    /// </summary>
    private void ArmWaits(Step step, StageDefinition stage, bool moved)
    {
        foreach (var timer in stage.Timers)
        {
            var due = timer.At.Resolve(step.Dates[timer.At.DateName], step.Zone);
            if (timer.Repeats)
            {
                // A round entered late fires once for its latest past occurrence, not once per missed interval;
                // after a move, the next occurrence.
                while (due < step.Now && Later(timer, due, step.Zone) is { } next && (moved || next < step.Now))
                {
                    due = next;
                }

                if (due >= UntilOf(step, timer) || (moved && due < step.Now))
                {
                    continue;
                }
            }
            else if (moved && timer.Activity is not null && due <= step.Now)
            {
                continue;
            }

            Arm(step, stage.Key, timer, due);
        }

        if (stage.Gate is not null)
        {
            NewBookmark(step, BookmarkKind.Approval, stage.Gate.Role, stage.Key, $"{{\"to\":\"{stage.Gate.To}\"}}");
        }

        foreach (var transition in stage.Transitions)
        {
            NewBookmark(step, BookmarkKind.Event, transition.EventName, stage.Key, $"{{\"transition\":{transition.Index}}}");
        }
    }

    private void Arm(Step step, string stage, TimerDefinition timer, DateTime due)
    {
        var bookmark = NewBookmark(step, BookmarkKind.Timer, timer.At.Describe() + (timer.Repeats ? $" every {timer.Every} until {timer.Until}" : ""), stage,
            TimerPayload(timer.Index, due));
        bookmark.DueUtc = due;
        step.ToSchedule.Add((bookmark.Id, due));
    }

    /// <summary>Arms a repeating timer's next firing, unless it would fall on or after its end date.</summary>
    private void ArmNext(Step step, string stage, TimerDefinition timer, DateTime firedDue)
    {
        var next = Later(timer, firedDue, step.Zone);
        // A late firing (after an outage) stood for every missed one: the next comes after now, never at once.
        while (next is { } missed && missed <= step.Now)
        {
            next = Later(timer, missed, step.Zone);
        }

        if (next is { } due && due < UntilOf(step, timer))
        {
            Arm(step, stage, timer, due);
        }
    }

    /// <summary>The next firing after <paramref name="dueUtc"/>: the interval is added in local time, so "08:00" stays 08:00.</summary>
    private static DateTime? Later(TimerDefinition timer, DateTime dueUtc, TimeZoneInfo zone)
    {
        if (timer.Every is null)
        {
            return null;
        }

        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(dueUtc, DateTimeKind.Utc), zone);
        return TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(timer.Every.ApplyTo(local), DateTimeKind.Unspecified), zone);
    }

    private static DateTime UntilOf(Step step, TimerDefinition timer) =>
        timer.Until is { } name && step.Dates.TryGetValue(name, out var until) ? until : DateTime.MinValue;

    private Bookmark NewBookmark(Step step, BookmarkKind kind, string name, string stage, string payload)
    {
        var bookmark = new Bookmark
        {
            Id = Guid.NewGuid(),
            InstanceId = step.Instance.Id,
            Kind = kind,
            Name = name,
            Stage = stage,
            Payload = payload,
            CreatedAt = step.Now,
        };
        _db.Add(bookmark);
        return bookmark;
    }

    private async Task RunActivityAsync(Step step, string stage, ActivityInvocation invocation, int position, CancellationToken ct)
    {
        step.CurrentActivity = invocation.Activity;
        var outcome = await _activities[invocation.Activity].ExecuteAsync(NewContext(step, stage, invocation, position), ct);
        Journal(step, stage, invocation.Activity, outcome.Name, outcome.Detail);
        step.CurrentActivity = null;
        step.Ran.Add(invocation.Activity);
    }

    private async Task<bool> GuardAsync(Step step, StageDefinition stage, string guard, ActivityInvocation? invocation, CancellationToken ct) =>
        await _guards[guard].EvaluateAsync(NewContext(step, stage.Key, invocation ?? new ActivityInvocation("guard:" + guard, new Dictionary<string, string>()), -1), ct);

    private ActivityContext NewContext(Step step, string stage, ActivityInvocation invocation, int position) =>
        new(step.Instance, invocation, stage, step.StepKey, position, step.Actor, step.Now, step.Dates, step.Zone, step.Variables, _db, step.Outbox);

    private async Task ConsumePendingAsync(Step step, string by, CancellationToken ct)
    {
        var pending = await Bookmarks.Where(b => b.InstanceId == step.Instance.Id && b.ConsumedAt == null).ToListAsync(ct);
        foreach (var bookmark in pending.Where(b => b.ConsumedAt is null))
        {
            bookmark.ConsumedAt = step.Now;
            bookmark.ConsumedBy = by;
            if (bookmark.Kind == BookmarkKind.Timer)
            {
                step.ToUnschedule.Add(bookmark.Id);
            }
        }
    }

    private void Consume(Step step, Bookmark bookmark, string outcome, string? detail)
    {
        bookmark.ConsumedAt = step.Now;
        bookmark.ConsumedBy = step.Actor.Id;
        Journal(step, bookmark.Stage, null, outcome, detail, bookmark.Id);
    }

    private void Journal(Step step, string stage, string? activity, string outcome, string? detail, Guid? consumedBookmarkId = null)
    {
        _db.Add(new JournalEntry
        {
            Id = Guid.NewGuid(),
            InstanceId = step.Instance.Id,
            Sequence = ++step.Instance.JournalSequence,
            At = step.Now,
            Actor = step.Actor.Id,
            Stage = stage,
            Activity = activity,
            Outcome = outcome,
            Detail = detail is { Length: > 4000 } ? detail[..4000] : detail,
            ConsumedBookmarkId = consumedBookmarkId,
        });
    }

    /// <summary>Running, or faulted and waiting for a retry: either way its bookmarks may be resumed.</summary>
    private static bool IsActive(WorkflowInstance instance) => instance.Status is WorkflowStatus.Running or WorkflowStatus.Faulted;

    private static void ClearIncident(WorkflowInstance instance)
    {
        instance.Incident = null;
        instance.IncidentAt = null;
        instance.IncidentCount = 0;
        if (instance.Status == WorkflowStatus.Faulted)
        {
            instance.Status = WorkflowStatus.Running;
        }
    }

    /// <summary>
    /// Records a failed step in a fresh DbContext (the failed one may hold a broken connection or
    /// entities in an impossible state); without a scope factory, the same context cleared and reconnected.
    /// </summary>
    private async Task RecordIncidentAsync(Guid instanceId, Guid bookmarkId, string? activity, string? where, Exception error, CancellationToken ct)
    {
        _db.ChangeTracker.Clear();
        if (_scopes is null)
        {
            await _db.Database.CloseConnectionAsync();
            await RecordIncidentCoreAsync(instanceId, bookmarkId, activity, where, error, ct);
            return;
        }

        await using var scope = _scopes.CreateAsyncScope();
        var fresh = (DbContext)scope.ServiceProvider.GetRequiredService(_db.GetType());
        await new WorkflowRuntime(fresh, _definitions, _activities.Values, _guards.Values, _scheduler, _lock, _time, _options, null, null, _commitHook)
            { _logger = _logger }.RecordIncidentCoreAsync(instanceId, bookmarkId, activity, where, error, ct);
    }

    private async Task RecordIncidentCoreAsync(Guid instanceId, Guid bookmarkId, string? activity, string? where, Exception error, CancellationToken ct)
    {
        var retryAt = await InTransactionAsync(instanceId, async step =>
        {
            var instance = await FreshAsync<WorkflowInstance>(instanceId, ct);
            var bookmark = await FreshAsync<Bookmark>(bookmarkId, ct);
            if (instance is null)
            {
                return (DateTime?)null;
            }

            step.Bind(instance, WorkflowActor.System, "incident", Now);
            instance.IncidentCount++;
            instance.IncidentAt = step.Now;
            // The innermost error names the cause (a DbUpdateException's own message only says "see the inner exception").
            var cause = error.GetBaseException();
            var incident = $"{instance.CurrentStage}/{where ?? "(step)"}: {error.GetType().Name}: {(cause == error ? error.Message : $"{error.Message} → {cause.GetType().Name}: {cause.Message}")}";
            instance.Incident = incident.Length > 3500 ? incident[..3500] : incident;
            if (instance.Status == WorkflowStatus.Running)
            {
                instance.Status = WorkflowStatus.Faulted;
            }

            DateTime? retry = null;
            if (bookmark is { Kind: BookmarkKind.Timer, ConsumedAt: null })
            {
                // The timer's due time becomes the next retry, so the state API shows it and the
                // reconciler keeps the back-off instead of firing the overdue timer again at once.
                var delay = TimeSpan.FromTicks(Math.Min(
                    _options.RetryMaxDelay.Ticks,
                    _options.RetryBaseDelay.Ticks * (1L << Math.Min(20, instance.IncidentCount - 1))));
                retry = step.Now + delay;
                bookmark.DueUtc = retry;
                step.ToSchedule.Add((bookmarkId, retry.Value));
            }

            Journal(step, instance.CurrentStage, activity, "faulted", retry is null ? instance.Incident : $"{instance.Incident} (retry at {retry:O})");
            step.Save();
            return retry;
        }, ct);
        LogIncident(_logger, instanceId, where, retryAt, error);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Workflow instance {InstanceId}: activity {Activity} failed; the step was rolled back (timer retry at {RetryAt}).")]
    private static partial void LogIncident(ILogger logger, Guid instanceId, string? activity, DateTime? retryAt, Exception error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Scheduling timers after commit failed; the reconciler will repair them.")]
    private static partial void LogSchedulingFailed(ILogger logger, Exception error);

    private Task<T> InTransactionAsync<T>(Guid? lockInstanceId, Func<Step, Task<T>> body, CancellationToken ct) =>
        InTransactionAsync(lockInstanceId is { } id ? LockKey(id) : null, body, ct);

    private async Task<T> InTransactionAsync<T>(long? lockKey, Func<Step, Task<T>> body, CancellationToken ct)
    {
        var step = new Step(_db);
        var owned = _db.Database.CurrentTransaction is null;
        IDbContextTransaction? transaction = owned ? await _db.Database.BeginTransactionAsync(ct) : null;
        T result;
        try
        {
            if (lockKey is { } key)
            {
                await LockAsync(key, ct);
            }

            result = await body(step);
            await _db.SaveChangesAsync(ct);
            if (transaction is not null)
            {
                await transaction.CommitAsync(ct);
            }
        }
        catch
        {
            if (transaction is not null)
            {
                await transaction.RollbackAsync(CancellationToken.None);
            }

            throw;
        }
        finally
        {
            if (transaction is not null)
            {
                await transaction.DisposeAsync();
            }
        }

        // Inside the host's transaction, the hook arms the timers when the host commits (and drops them on
        // a rollback); after our own commit, or without a hook, at once (a trigger for a bookmark that is then
        // rolled back fires into NotFound, and a lost one is re-created by the reconciler).
        if (!owned && _commitHook is not null)
        {
            _commitHook.Defer(_db, _scheduler, step.ToUnschedule, step.ToSchedule);
            return result;
        }

        try
        {
            foreach (var id in step.ToUnschedule)
            {
                await _scheduler.UnscheduleAsync(id, ct);
            }

            await _scheduler.ScheduleManyAsync(step.ToSchedule, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogSchedulingFailed(_logger, ex);
        }

        return result;
    }

    private static long LockKey(Guid instanceId)
    {
        var bytes = instanceId.ToByteArray();
        return BitConverter.ToInt64(bytes, 0) ^ BitConverter.ToInt64(bytes, 8);
    }

    private static long LockKey(string definitionKey, string correlationId) =>
        BitConverter.ToInt64(SHA256.HashData(Encoding.UTF8.GetBytes($"start/{definitionKey}/{correlationId}")), 0);

    private Task LockAsync(long key, CancellationToken ct) => _lock.AcquireAsync(_db, key, ct);

    private async Task<T?> FreshAsync<T>(Guid id, CancellationToken ct)
        where T : class
    {
        var tracked = _db.ChangeTracker.Entries<T>().FirstOrDefault(e => Equals(e.Property("Id").CurrentValue, id));
        if (tracked is not null)
        {
            await tracked.ReloadAsync(ct);
            return tracked.State == EntityState.Detached ? null : tracked.Entity;
        }

        return await _db.Set<T>().FirstOrDefaultAsync(e => EF.Property<Guid>(e, "Id") == id, ct);
    }

    private WorkflowDefinition DefinitionOf(WorkflowInstance instance) =>
        DefinitionPins.Resolve(_db, _definitions, instance.DefinitionKey, instance.DefinitionVersion)
        ?? throw new InvalidOperationException($"Instance {instance.Id} runs on '{instance.DefinitionKey}' v{instance.DefinitionVersion}, which is no longer loaded; keep old versions in workflows/.");

    private static TimerDefinition TimerOf(WorkflowDefinition definition, Bookmark bookmark)
    {
        var index = PayloadIndex(bookmark, "timer");
        return definition.Stage(bookmark.Stage).Timers.Single(t => t.Index == index);
    }

    /// <summary>
    /// A timer bookmark's payload keeps its scheduled time: <see cref="Bookmark.DueUtc"/> moves to the next
    /// retry after a failure, but the journal and the next round of a repeating timer go by the schedule.
    /// </summary>
    private static string TimerPayload(int index, DateTime scheduledUtc) =>
        JsonSerializer.Serialize(new { timer = index, scheduled = DateTime.SpecifyKind(scheduledUtc, DateTimeKind.Utc) });

    private static DateTime? ScheduledOf(Bookmark bookmark)
    {
        using var json = JsonDocument.Parse(bookmark.Payload);
        return json.RootElement.TryGetProperty("scheduled", out var at) && at.TryGetDateTime(out var value)
            ? DateTime.SpecifyKind(value.ToUniversalTime(), DateTimeKind.Utc)
            : bookmark.DueUtc;
    }

    private static int PayloadIndex(Bookmark bookmark, string name)
    {
        using var json = JsonDocument.Parse(bookmark.Payload);
        return json.RootElement.GetProperty(name).GetInt32();
    }

    private void CheckRunnable(WorkflowDefinition definition, IEnumerable<string> dates, string doing = "start")
    {
        var missing = new List<string>();
        foreach (var stage in definition.Stages)
        {
            missing.AddRange(stage.OnEnter.Concat(stage.Timers.Where(t => t.Activity is not null).Select(t => t.Activity!))
                .Select(a => a.Activity).Where(a => !_activities.ContainsKey(a)).Select(a => $"activity '{a}'"));
            missing.AddRange(stage.Timers.Select(t => t.Guard).Concat(stage.Transitions.Select(t => t.Guard))
                .OfType<string>().Where(g => !_guards.ContainsKey(g)).Select(g => $"guard '{g}'"));
        }

        var given = dates.ToHashSet(StringComparer.Ordinal);
        missing.AddRange(definition.Stages.SelectMany(s => s.Timers).Select(t => t.At.DateName)
            .Where(d => !given.Contains(d)).Select(d => $"campaign date '{d}'"));
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"Cannot {doing} '{definition.Key}' v{definition.Version}: missing {string.Join(", ", missing.Distinct())}.");
        }
    }

    /// <summary>The state of one operation: the locked instance, its decoded dates and variables, and what to schedule after commit.</summary>
    private sealed class Step(DbContext db)
    {
        public WorkflowInstance Instance { get; private set; } = null!;
        public WorkflowActor Actor { get; private set; } = WorkflowActor.System;
        public string StepKey { get; private set; } = "";
        public DateTime Now { get; private set; }
        public TimeZoneInfo Zone { get; private set; } = TimeZoneInfo.Utc;
        public Dictionary<string, DateTime> Dates { get; private set; } = [];
        public Dictionary<string, string> Variables { get; private set; } = [];
        public List<(Guid Id, DateTime Due)> ToSchedule { get; } = [];
        public List<Guid> ToUnschedule { get; } = [];
        public List<OutboxMessage> Outbox { get; } = [];
        public string? CurrentActivity { get; set; }

        /// <summary>The activities that ran, for an incident raised at commit (e.g. a unique key of a row one of them wrote).</summary>
        public List<string> Ran { get; } = [];

        public string? FailedAt => CurrentActivity ?? (Ran.Count > 0 ? $"commit after {string.Join(", ", Ran)}" : null);

        public void Bind(WorkflowInstance instance, WorkflowActor actor, string stepKey, DateTime now)
        {
            Instance = instance;
            Actor = actor;
            StepKey = stepKey;
            Now = now;
            Zone = TimeZoneInfo.FindSystemTimeZoneById(instance.TimeZoneId);
            Dates = (JsonSerializer.Deserialize<Dictionary<string, DateTime>>(instance.DatesJson) ?? [])
                .ToDictionary(d => d.Key, d => DateTime.SpecifyKind(d.Value.ToUniversalTime(), DateTimeKind.Utc), StringComparer.Ordinal);
            Variables = JsonSerializer.Deserialize<Dictionary<string, string>>(instance.VariablesJson) ?? [];
        }

        /// <summary>Writes dates and variables back and bumps the row version (the optimistic-concurrency token).</summary>
        public void Save()
        {
            Instance.DatesJson = JsonSerializer.Serialize(Dates);
            Instance.VariablesJson = JsonSerializer.Serialize(Variables);
            Instance.UpdatedAt = Now;
            if (db.Entry(Instance).State != EntityState.Added)
            {
                Instance.Version++;
            }
        }
    }
}
