namespace Dtx.Campaign.Workflows.Storage;

public enum WorkflowStatus
{
    Running,
    Finished,
    Cancelled,
    Faulted,
}

public enum BookmarkKind
{
    Timer,
    Approval,
    Event,
}

public enum OutboxStatus
{
    Pending,
    Sent,
    Failed,
}

/// <summary>
/// One run of a definition, pinned to the definition version it started with. Only the runtime
/// changes it; every change increments <see cref="Version"/>, the optimistic-concurrency token.
/// </summary>
public sealed class WorkflowInstance
{
    public Guid Id { get; set; }
    public required string DefinitionKey { get; set; }
    public int DefinitionVersion { get; set; }

    /// <summary>What the instance runs for, e.g. a campaign id, or "campaignId/unitId".</summary>
    public required string CorrelationId { get; set; }
    public required string CurrentStage { get; set; }
    public WorkflowStatus Status { get; set; }

    /// <summary>IANA id of the zone in which campaign dates and offsets are computed.</summary>
    public required string TimeZoneId { get; set; }

    /// <summary>Campaign date name → UTC instant, as JSON.</summary>
    public string DatesJson { get; set; } = "{}";

    /// <summary>Free variables (name → text) read by guards and activities, as JSON.</summary>
    public string VariablesJson { get; set; } = "{}";
    public string? Incident { get; set; }
    public DateTime? IncidentAt { get; set; }
    public int IncidentCount { get; set; }
    public DateTime CreatedAt { get; set; }
    public DateTime UpdatedAt { get; set; }
    public DateTime? FinishedAt { get; set; }

    /// <summary>Number of journal entries written so far; the next entry's sequence.</summary>
    public long JournalSequence { get; set; }
    public long Version { get; set; }
}

/// <summary>A persisted wait point: a timer, an approval gate, or an event (stimulus).</summary>
public sealed class Bookmark
{
    public Guid Id { get; set; }
    public Guid InstanceId { get; set; }
    public BookmarkKind Kind { get; set; }

    /// <summary>Timer: its date reference; approval: the role that may approve; event: the event name.</summary>
    public required string Name { get; set; }
    public required string Stage { get; set; }
    public DateTime? DueUtc { get; set; }

    /// <summary>JSON: which timer or transition of the stage this bookmark stands for.</summary>
    public string Payload { get; set; } = "{}";
    public DateTime CreatedAt { get; set; }
    public DateTime? ConsumedAt { get; set; }
    public string? ConsumedBy { get; set; }
}

/// <summary>One step of an instance: who (a user, <c>timer</c> or <c>system</c>), where, what, and how it ended.</summary>
public sealed class JournalEntry
{
    public Guid Id { get; set; }
    public Guid InstanceId { get; set; }
    public long Sequence { get; set; }
    public DateTime At { get; set; }
    public required string Actor { get; set; }
    public required string Stage { get; set; }
    public string? Activity { get; set; }
    public required string Outcome { get; set; }
    public string? Detail { get; set; }

    /// <summary>Set only on the entry that consumed a bookmark; unique, so a bookmark's effect can happen once.</summary>
    public Guid? ConsumedBookmarkId { get; set; }
}

/// <summary>A side effect to deliver after commit (notice, e-mail, document). Delivery is the host's.</summary>
public sealed class OutboxMessage
{
    public Guid Id { get; set; }
    public DateTime CreatedAt { get; set; }
    public Guid? InstanceId { get; set; }
    public required string Kind { get; set; }

    /// <summary>Unique: the same effect of the same step can be written once only.</summary>
    public required string IdempotencyKey { get; set; }
    public required string PayloadJson { get; set; }
    public OutboxStatus Status { get; set; }
    public int Attempts { get; set; }
    public DateTime? NextAttemptAt { get; set; }
    public string? LastError { get; set; }
    public DateTime? SentAt { get; set; }
}

/// <summary>
/// A definition version as it was when an instance first pinned it: its text and SHA-256. Running
/// instances are driven by this text, so editing or deleting the shipped file cannot change them, and
/// the host refuses to start when a shipped file of a pinned version no longer has this hash.
/// </summary>
public sealed class PinnedDefinition
{
    public required string Key { get; set; }
    public int Version { get; set; }

    /// <summary>Lower-case hex SHA-256 of the UTF-8 text.</summary>
    public required string ContentHash { get; set; }
    public required string Text { get; set; }
    public string? FileName { get; set; }
    public DateTime PinnedAt { get; set; }
}
