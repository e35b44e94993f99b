namespace Dtx.Campaign.Workflows.Runtime;

/// <summary>Who resumes a bookmark: a user with roles, the timer, or the system.</summary>
public sealed record WorkflowActor(string Id, IReadOnlySet<string> Roles)
{
    public const string TimerId = "timer";
    public const string SystemId = "system";

    public static WorkflowActor Timer { get; } = new(TimerId, new HashSet<string>());

    public static WorkflowActor System { get; } = new(SystemId, new HashSet<string>());

    public static WorkflowActor User(string id, params string[] roles) => new(id, new HashSet<string>(roles, StringComparer.Ordinal));

    public bool IsMachine => Id is TimerId or SystemId;
}

/// <summary>What came of a resume, an approval or an event.</summary>
public enum ResumeResult
{
    /// <summary>The bookmark was consumed and its step committed.</summary>
    Resumed,

    /// <summary>Someone (another node, a retry, a double click) already consumed it; nothing changed.</summary>
    AlreadyConsumed,

    /// <summary>No such bookmark (or no such gate or event waiting on the instance).</summary>
    NotFound,

    /// <summary>The actor may not resume it (wrong role, or a user resuming a timer).</summary>
    Forbidden,

    /// <summary>The instance was cancelled: a late timer, approval or event does nothing (journaled as ignored).</summary>
    Cancelled,

    /// <summary>The transition's guard said no; the bookmark stays pending.</summary>
    GuardRejected,

    /// <summary>An activity threw: the step was rolled back and an incident recorded on the instance.</summary>
    Faulted,

    /// <summary>A timer fired before its bookmark's due time (e.g. a stale trigger after an extension): nothing ran; it was rescheduled to its due time and journaled <c>early</c>.</summary>
    NotDue,
}
