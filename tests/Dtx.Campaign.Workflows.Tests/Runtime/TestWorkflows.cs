using Dtx.Campaign.Server.Workflow;
using Dtx.Campaign.Workflows.Activities;
using Dtx.Campaign.Workflows.Definitions;
using Dtx.Campaign.Workflows.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dtx.Campaign.Workflows.Tests.Runtime;

/// <summary>
/// What the server registers around the runtime, in stand-ins: its vocabulary (the server's own file,
/// linked), a placeholder for each of its activities, the notice activities, the early-close guard and a
/// lock for the test database.
/// </summary>
public static class TestWorkflows
{
    /// <summary>The server's vocabulary, and the events of the sample unit-assessment definition (which the server does not raise).</summary>
    public static WorkflowCatalog Catalog { get; } = CampaignVocabulary.Catalog with
    {
        Events = new HashSet<string>(CampaignVocabulary.Catalog.Events.Concat(
            ["unit-started", "unit-submitted", "unit-returned", "unit-resubmitted", "dispute-filed", "results-finalised"]), StringComparer.Ordinal),
    };

    public static WorkflowBuilder AddTestWorkflows(this IServiceCollection services, string definitionsDirectory)
    {
        var builder = services.AddDtxWorkflows<TestDbContext>(definitionsDirectory, Catalog);
        foreach (var activity in Activities())
            builder.AddActivity(activity);
        builder.AddGuard(new VariableGuard("early-close-enabled", "earlyCloseEnabled"));
        services.AddSingleton<ITransactionLock, TestLock>();
        return builder;
    }

    /// <summary>A placeholder for each activity of the vocabulary, and the runtime's own notice activities.</summary>
    public static List<IActivity> Activities()
    {
        var activities = Catalog.Activities.Keys.Select(name => (IActivity)new PlaceholderActivity(name)).ToList();
        activities.Add(new SendNoticeActivity("send-notice"));
        activities.Add(new SendNoticeActivity("send-reminder"));
        return activities;
    }
}

/// <summary>Stands for one of the server's activities: only journals the step.</summary>
public sealed class PlaceholderActivity(string name) : IActivity
{
    public string Name { get; } = name;

    public ValueTask<ActivityOutcome> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken) =>
        ValueTask.FromResult(new ActivityOutcome("done", "placeholder"));
}

/// <summary>The server's two locks, chosen by the test database's provider (the test knows which it made).</summary>
public sealed class TestLock : ITransactionLock
{
    public async Task AcquireAsync(DbContext db, long key, CancellationToken cancellationToken)
    {
        if (db.Database.IsNpgsql())
            await db.Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_xact_lock({key})", cancellationToken);
        else
            await db.Database.ExecuteSqlRawAsync($"UPDATE {WorkflowModel.InstancesTable} SET \"Version\" = \"Version\" WHERE \"Id\" = ''", cancellationToken);
    }
}
