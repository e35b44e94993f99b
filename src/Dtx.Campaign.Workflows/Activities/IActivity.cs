using System.Text.Json;
using Dtx.Campaign.Workflows.Definitions;
using Dtx.Campaign.Workflows.Runtime;
using Dtx.Campaign.Workflows.Storage;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Workflows.Activities;

/// <summary>
/// A small unit of work run on entering a stage or by a timer, registered by <see cref="Name"/>.
/// Side effects go to the outbox through <see cref="ActivityContext.AddToOutbox"/>; domain changes go
/// through <see cref="ActivityContext.Db"/>. Both commit with the step or not at all. Throwing rolls
/// the whole step back and records an incident.
/// </summary>
public interface IActivity
{
    string Name { get; }

    ValueTask<ActivityOutcome> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken);
}

/// <summary>A named outcome, written to the journal.</summary>
public sealed record ActivityOutcome(string Name, string? Detail = null)
{
    public static ActivityOutcome Done { get; } = new("done");

    public static ActivityOutcome Skipped(string reason) => new("skipped", reason);
}

/// <summary>A guard of a transition, registered by name; false keeps the bookmark waiting.</summary>
public interface IWorkflowGuard
{
    string Name { get; }

    ValueTask<bool> EvaluateAsync(ActivityContext context, CancellationToken cancellationToken);
}

/// <summary>Everything an activity or guard may see and do during one step.</summary>
public sealed class ActivityContext
{
    private readonly List<OutboxMessage> _outbox;
    private readonly string _stepKey;
    private readonly int _position;

    internal ActivityContext(
        WorkflowInstance instance, ActivityInvocation invocation, string stage, string stepKey, int position,
        WorkflowActor actor, DateTime nowUtc, IReadOnlyDictionary<string, DateTime> datesUtc, TimeZoneInfo timeZone,
        IDictionary<string, string> variables, DbContext db, List<OutboxMessage> outbox)
    {
        Instance = instance;
        Invocation = invocation;
        Stage = stage;
        _stepKey = stepKey;
        _position = position;
        Actor = actor;
        NowUtc = nowUtc;
        DatesUtc = datesUtc;
        TimeZone = timeZone;
        Variables = variables;
        Db = db;
        _outbox = outbox;
    }

    public WorkflowInstance Instance { get; }
    public Guid InstanceId => Instance.Id;
    public string CorrelationId => Instance.CorrelationId;
    public ActivityInvocation Invocation { get; }
    public string Stage { get; }
    public WorkflowActor Actor { get; }
    public DateTime NowUtc { get; }
    public IReadOnlyDictionary<string, DateTime> DatesUtc { get; }
    public TimeZoneInfo TimeZone { get; }
    public IDictionary<string, string> Variables { get; }

    /// <summary>The host's DbContext, inside the step's transaction.</summary>
    public DbContext Db { get; }

    public string? Parameter(string name) => Invocation.Parameter(name);

    /// <summary>
    /// Queues a side effect. Its idempotency key is derived from the instance, the step, the
    /// activity's position and <paramref name="keySuffix"/> (e.g. a recipient), so a re-run of the
    /// same step cannot produce a second row.
    /// </summary>
    public OutboxMessage AddToOutbox(string kind, object payload, string? keySuffix = null)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var message = new OutboxMessage
        {
            Id = Guid.NewGuid(),
            CreatedAt = NowUtc,
            InstanceId = Instance.Id,
            Kind = kind,
            IdempotencyKey = $"{Instance.Id:N}/{_stepKey}/{_position}/{Invocation.Activity}/{kind}" + (keySuffix is null ? "" : "/" + keySuffix),
            PayloadJson = JsonSerializer.Serialize(payload),
            Status = OutboxStatus.Pending,
            NextAttemptAt = NowUtc,
        };
        Db.Add(message);
        _outbox.Add(message);
        return message;
    }
}
