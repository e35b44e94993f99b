namespace Dtx.Campaign.Workflows.Definitions;

/// <summary>A Vietnamese-first display name.</summary>
public sealed record LocalizedName(string Vi, string En);

/// <summary>
/// A validated, immutable workflow definition: a stage machine whose first stage is the initial one.
/// Produced only by <see cref="WorkflowDefinitionReader"/>, so every reference in it is known to resolve.
/// </summary>
public sealed record WorkflowDefinition(
    string Key,
    int Version,
    LocalizedName Name,
    IReadOnlyList<StageDefinition> Stages,
    string FileName)
{
    public StageDefinition InitialStage => Stages[0];

    public StageDefinition FinalStage => Stages.Single(s => s.IsFinal);

    public StageDefinition Stage(string key) =>
        Stages.FirstOrDefault(s => s.Key == key)
        ?? throw new KeyNotFoundException($"Workflow '{Key}' v{Version} has no stage '{key}'.");
}

public sealed record StageDefinition(
    string Key,
    LocalizedName Name,
    bool IsFinal,
    IReadOnlyList<ActivityInvocation> OnEnter,
    IReadOnlyList<TimerDefinition> Timers,
    GateDefinition? Gate,
    IReadOnlyList<EventTransition> Transitions)
{
    /// <summary>Every stage this stage can move to, with how (for graphs and reachability).</summary>
    public IEnumerable<(string To, string Label)> Edges()
    {
        foreach (var timer in Timers.Where(t => t.TransitionTo is not null))
        {
            yield return (timer.TransitionTo!, "timer " + timer.At.Describe());
        }

        if (Gate is not null)
        {
            yield return (Gate.To, "approval " + Gate.Role);
        }

        foreach (var transition in Transitions)
        {
            yield return (transition.To, transition.Guard is null
                ? "event " + transition.EventName
                : $"event {transition.EventName} [{transition.Guard}]");
        }
    }
}

/// <summary>An activity to run, by name, with its parameters (e.g. template and audience).</summary>
public sealed record ActivityInvocation(string Activity, IReadOnlyDictionary<string, string> Parameters)
{
    public string? Parameter(string name) => Parameters.TryGetValue(name, out var value) ? value : null;
}

/// <summary>A point in time named relative to a campaign date, computed in the campaign's time zone.</summary>
/// <param name="DateName">A campaign date name, e.g. <c>selfAssessment.closesAt</c>.</param>
/// <param name="Offset">Calendar offset applied to the local date-time (negative = before).</param>
/// <param name="LocalTime">If set, the local time of day replaces the date's own after the offset.</param>
public sealed record CampaignDateRef(string DateName, IsoOffset? Offset, TimeOnly? LocalTime)
{
    public string Describe() =>
        DateName + (Offset is null ? "" : " " + Offset) + (LocalTime is null ? "" : $" {LocalTime:HH\\:mm}");

    /// <summary>Resolves this reference to a UTC instant for a given date value and time zone.</summary>
    public DateTime Resolve(DateTime dateUtc, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(dateUtc, DateTimeKind.Utc), zone);
        if (Offset is not null)
        {
            local = Offset.ApplyTo(local);
        }

        if (LocalTime is { } time)
        {
            local = local.Date + time.ToTimeSpan();
        }

        return TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), zone);
    }
}

/// <summary>
/// A timer of a stage: at a campaign date (with offset), either moves to another stage or runs an
/// activity (e.g. a reminder) and stays. <see cref="Index"/> identifies it in bookmarks: its position
/// in the stage's <c>timers</c>, or -(n+1) for the n-th entry of <c>transitions</c> written <c>on: timer</c>.
/// An activity timer with <see cref="Every"/> fires again at that interval (in local time) while its
/// next firing is before the date named <see cref="Until"/>: a daily reminder round, for instance.
/// </summary>
public sealed record TimerDefinition(
    int Index,
    CampaignDateRef At,
    string? TransitionTo,
    ActivityInvocation? Activity,
    string? Guard,
    IsoOffset? Every = null,
    string? Until = null)
{
    public bool Repeats => Every is not null;
}

/// <summary>An approval gate: a user with <see cref="Role"/> approves and the stage moves to <see cref="To"/>.</summary>
public sealed record GateDefinition(string Role, string To);

/// <summary>A transition on a named event (a stimulus), optionally guarded.</summary>
public sealed record EventTransition(int Index, string To, string EventName, string? Guard);
