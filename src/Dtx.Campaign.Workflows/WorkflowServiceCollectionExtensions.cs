using Dtx.Campaign.Workflows.Activities;
using Dtx.Campaign.Workflows.Definitions;
using Dtx.Campaign.Workflows.Runtime;
using Dtx.Campaign.Workflows.Scheduling;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Dtx.Campaign.Workflows;

/// <summary>Registers the runtime; returned by <see cref="WorkflowServiceCollectionExtensions.AddDtxWorkflows{TContext}"/>.</summary>
public sealed class WorkflowBuilder(IServiceCollection services)
{
    public IServiceCollection Services { get; } = services;

    /// <summary>Registers an activity class; one registered later under the same name wins.</summary>
    public WorkflowBuilder AddActivity<T>()
        where T : class, IActivity
    {
        Services.AddScoped<IActivity, T>();
        return this;
    }

    public WorkflowBuilder AddActivity(IActivity activity)
    {
        Services.AddSingleton(activity);
        return this;
    }

    public WorkflowBuilder AddGuard(IWorkflowGuard guard)
    {
        Services.AddSingleton(guard);
        return this;
    }
}

public static class WorkflowServiceCollectionExtensions
{
    /// <summary>
    /// Registers an activity class by its <see cref="IActivity.Name"/> (scoped, like the runtime and the
    /// DbContext); registered after <see cref="AddDtxWorkflows{TContext}"/>, it replaces the placeholder of that name.
    /// </summary>
    public static IServiceCollection AddActivity<T>(this IServiceCollection services)
        where T : class, IActivity
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddScoped<IActivity, T>();
        return services;
    }

    /// <summary>Registers a guard class by its <see cref="IWorkflowGuard.Name"/>.</summary>
    public static IServiceCollection AddWorkflowGuard<T>(this IServiceCollection services)
        where T : class, IWorkflowGuard
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddScoped<IWorkflowGuard, T>();
        return services;
    }

    /// <summary>
    /// Adds the runtime over the host's DbContext <typeparamref name="TContext"/> (whose model calls
    /// <c>ApplyWorkflowModel()</c>), the definitions of <paramref name="definitionsDirectory"/>
    /// validated against <paramref name="catalog"/>, the built-in notice activities, placeholders for
    /// the domain activities of <see cref="WorkflowCatalog.Default"/>, and the <c>early-close-enabled</c>
    /// guard (variable <c>earlyCloseEnabled</c>). The host still registers an <see cref="ITimerScheduler"/>
    /// (e.g. <see cref="QuartzTimerScheduler"/>) and a <see cref="TimeProvider"/> if it has none.
    /// </summary>
    public static WorkflowBuilder AddDtxWorkflows<TContext>(
        this IServiceCollection services, string definitionsDirectory, WorkflowCatalog? catalog = null, Action<WorkflowRuntimeOptions>? configure = null)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = new WorkflowRuntimeOptions();
        configure?.Invoke(options);
        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IWorkflowDefinitionStore>(_ => WorkflowDefinitionStore.FromDirectory(definitionsDirectory, catalog ?? WorkflowCatalog.Default));
        services.AddScoped(sp => new WorkflowRuntime(
            sp.GetRequiredService<TContext>(),
            sp.GetRequiredService<IWorkflowDefinitionStore>(),
            sp.GetServices<IActivity>(),
            sp.GetServices<IWorkflowGuard>(),
            sp.GetRequiredService<ITimerScheduler>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<WorkflowRuntimeOptions>(),
            sp.GetService<ILogger<WorkflowRuntime>>(),
            sp.GetService<IServiceScopeFactory>()));

        var builder = new WorkflowBuilder(services);
        foreach (var name in new[]
                 {
                     "publish-index", "open-self-assessment", "close-self-assessment", "open-disputes", "close-disputes",
                     "compute-results", "publish-results", "generate-certificates", "archive-campaign",
                 })
        {
            builder.AddActivity(new PlaceholderActivity(name));
        }

        builder.AddActivity(new SendNoticeActivity("send-notice"));
        builder.AddActivity(new SendNoticeActivity("send-reminder"));
        builder.AddGuard(new VariableGuard("early-close-enabled", "earlyCloseEnabled"));
        return builder;
    }
}
