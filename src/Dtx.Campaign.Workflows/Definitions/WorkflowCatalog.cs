namespace Dtx.Campaign.Workflows.Definitions;

/// <summary>
/// What a definition may refer to: the host's vocabulary (its activities, notice templates, audiences,
/// roles, dates, events and guards). The runtime knows none of these words; the host passes its catalog
/// when it adds the runtime. <c>Activities</c> maps an activity name to the parameter names it accepts.
/// </summary>
public sealed record WorkflowCatalog(
    IReadOnlyDictionary<string, IReadOnlySet<string>> Activities,
    IReadOnlySet<string> Templates,
    IReadOnlySet<string> Audiences,
    IReadOnlySet<string> Roles,
    IReadOnlySet<string> DateNames,
    IReadOnlySet<string> Events,
    IReadOnlySet<string> Guards)
{
    /// <summary>The activities the runtime itself provides (<c>send-notice</c>, <c>send-reminder</c>), for a host to add to its own.</summary>
    public static IReadOnlyDictionary<string, IReadOnlySet<string>> BuiltInActivities { get; } =
        new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal)
        {
            ["send-notice"] = new HashSet<string>(["template", "audience"], StringComparer.Ordinal),
            ["send-reminder"] = new HashSet<string>(["template", "audience", "round"], StringComparer.Ordinal),
        };
}
