using System.ComponentModel.DataAnnotations;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Workflows.Scheduling;
using Quartz;

namespace Dtx.Campaign.Server.Scheduling;

/// <summary>Quartz settings, bound from the <c>Scheduling</c> section.</summary>
public sealed class SchedulingOptions
{
    public const string Section = "Scheduling";

    /// <summary>Run the scheduler in this process. A node that only serves pages can turn it off.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Every node of one deployment must use the same name: it is the cluster's key in the Quartz tables.</summary>
    [Required]
    public string SchedulerName { get; set; } = "dtx-campaign";

    /// <summary>How often a node checks in with the cluster; a node silent for about twice this is taken as dead.</summary>
    [Range(1, 300)]
    public int ClusterCheckinSeconds { get; set; } = 10;
}

/// <summary>
/// Quartz with a persistent ADO job store: clustered on PostgreSQL (several nodes share the timers and
/// each fires once), plain on the embedded SQLite default. Its tables are created by <c>migrate</c>
/// (<see cref="DatabaseSetup"/>), never at start, so the runtime role needs no right to create tables.
/// </summary>
internal static class SchedulingSetup
{
    public static IServiceCollection AddCampaignScheduling(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddOptions<SchedulingOptions>().Bind(configuration.GetSection(SchedulingOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        var options = configuration.GetSection(SchedulingOptions.Section).Get<SchedulingOptions>() ?? new SchedulingOptions();
        var database = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var connectionString = DataServices.ConnectionString(configuration, environment, database.Provider);

        services.AddQuartz(quartz =>
        {
            quartz.ConfigureScheduler(s =>
            {
                s.InstanceName = options.SchedulerName;
                s.GenerateInstanceId = true; // "AUTO": each node gets its own id within the cluster.
            });
            // The one job of this scheduler: it resumes a workflow timer. It is durable and recoverable;
            // triggers are created per timer bookmark by the runtime, never declared at start-up.
            quartz.AddJob<WorkflowResumeJob>(j => j.WithIdentity(QuartzTimerScheduler.ResumeJobKey).StoreDurably().RequestRecovery());
            quartz.UsePersistentStore(store =>
            {
                store.UseSystemTextJsonSerializer();
                // Triggers are armed after the workflow step has committed (Workflows/Scheduling/TimerCommitHook), outside any
                // transaction; the timer reconciler re-arms one lost between commit and arming. Nothing here uses an ambient
                // TransactionScope, so this setting has no effect today.
                store.ConfigureStore(o => o.AcceptEnlistedTransactions = true);
                if (database.Provider == DatabaseProvider.Postgres)
                {
                    store.UsePostgres(connectionString);
                    store.UseClustering(c =>
                    {
                        c.CheckinInterval = TimeSpan.FromSeconds(options.ClusterCheckinSeconds);
                        c.CheckinMisfireThreshold = TimeSpan.FromSeconds(options.ClusterCheckinSeconds * 2);
                    });
                }
                else
                {
                    store.UseSqlite(connectionString);
                }
            });
        });
        if (options.Enabled)
            services.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
        return services;
    }
}
