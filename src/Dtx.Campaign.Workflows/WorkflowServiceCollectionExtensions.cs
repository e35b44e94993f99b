using Dtx.Campaign.Workflows.Activities;
using Dtx.Campaign.Workflows.Definitions;
using Dtx.Campaign.Workflows.Runtime;
using Dtx.Campaign.Workflows.Scheduling;
using Dtx.Campaign.Workflows.Storage;
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
    /// DbContext); one registered later under the same name wins.
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
    /// <c>ApplyWorkflowModel()</c>) and the definitions of <paramref name="definitionsDirectory"/>, validated
    /// against the host's <paramref name="catalog"/>. The host registers its activities and guards (the
    /// runtime registers none by name), an <see cref="ITimerScheduler"/> (e.g. <see cref="QuartzTimerScheduler"/>),
    /// an <see cref="ITransactionLock"/> for its database, and adds <see cref="TimerCommitHook"/> to its
    /// DbContext options so that steps run inside its own transactions arm their timers when it commits.
    /// </summary>
    public static WorkflowBuilder AddDtxWorkflows<TContext>(
        this IServiceCollection services, string definitionsDirectory, WorkflowCatalog catalog, Action<WorkflowRuntimeOptions>? configure = null)
        where TContext : DbContext
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(catalog);
        var options = new WorkflowRuntimeOptions();
        configure?.Invoke(options);
        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<TimerCommitHook>();
        services.AddSingleton<IWorkflowDefinitionStore>(_ => WorkflowDefinitionStore.FromDirectory(definitionsDirectory, catalog));
        services.AddScoped(sp => new WorkflowRuntime(
            sp.GetRequiredService<TContext>(),
            sp.GetRequiredService<IWorkflowDefinitionStore>(),
            sp.GetServices<IActivity>(),
            sp.GetServices<IWorkflowGuard>(),
            sp.GetRequiredService<ITimerScheduler>(),
            sp.GetRequiredService<ITransactionLock>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<WorkflowRuntimeOptions>(),
            sp.GetService<ILogger<WorkflowRuntime>>(),
            sp.GetService<IServiceScopeFactory>(),
            sp.GetRequiredService<TimerCommitHook>()));
        return new WorkflowBuilder(services);
    }
}
