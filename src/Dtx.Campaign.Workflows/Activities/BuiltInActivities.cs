namespace Dtx.Campaign.Workflows.Activities;

/// <summary>
/// <c>send-notice</c> and <c>send-reminder</c>: an outbox row of kind <c>notice</c> naming the
/// template and audience; the host's notice service renders and delivers it (and resolves e.g.
/// <c>units-not-submitted</c> at delivery time).
/// </summary>
public sealed class SendNoticeActivity(string name = "send-notice") : IActivity
{
    public string Name { get; } = name;

    public ValueTask<ActivityOutcome> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var template = context.Parameter("template") ?? throw new InvalidOperationException($"{Name} needs a template.");
        var audience = context.Parameter("audience") ?? "all-units";
        context.AddToOutbox("notice", new
        {
            template,
            audience,
            correlationId = context.CorrelationId,
            stage = context.Stage,
            reminder = Name == "send-reminder",
        });
        return ValueTask.FromResult(new ActivityOutcome("queued", $"{template} → {audience}"));
    }
}

/// <summary>A guard that is true when an instance variable equals "true" (e.g. <c>earlyCloseEnabled</c>).</summary>
public sealed class VariableGuard(string name, string variable) : IWorkflowGuard
{
    public string Name { get; } = name;

    public ValueTask<bool> EvaluateAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ValueTask.FromResult(context.Variables.TryGetValue(variable, out var value) && bool.TryParse(value, out var on) && on);
    }
}
