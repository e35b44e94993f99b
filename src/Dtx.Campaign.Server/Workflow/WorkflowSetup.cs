using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Hosting;
using Dtx.Campaign.Workflows;
using Dtx.Campaign.Workflows.Scheduling;

namespace Dtx.Campaign.Server.Workflow;

internal static class WorkflowSetup
{
    /// <summary>The workflow runtime over the server's DbContext, its definitions, the campaign's activities and Quartz timers.</summary>
    public static IServiceCollection AddCampaignWorkflow(this IServiceCollection services, IHostEnvironment environment)
    {
        services.AddDtxWorkflows<CampaignDbContext>(ShippedFiles.Folder(environment, "workflows"), CampaignVocabulary.Catalog)
            .AddActivity<CloseSelfAssessmentActivity>()
            .AddActivity<PublishIndexActivity>()
            .AddActivity<OpenSelfAssessmentActivity>()
            .AddActivity<OpenDisputesActivity>()
            .AddActivity<CloseDisputesActivity>()
            .AddActivity<ArchiveCampaignActivity>()
            .AddActivity<SendReminderActivity>()
            .AddActivity<SendNoticeActivity>()
            .AddActivity<Results.ComputeResultsActivity>()
            .AddActivity<Results.PublishResultsActivity>()
            .AddActivity<Certificates.GenerateCertificatesActivity>()
            // Closing early when every unit has submitted, if the campaign allows it (set at launch).
            .AddGuard(new Workflows.Activities.VariableGuard("early-close-enabled", "earlyCloseEnabled"));
        services.AddScoped<StageApprovals>();
        services.AddScoped<WorkflowVersionMove>();
        services.AddScoped<ApprovalSnapshots>();
        services.AddSingleton<ITimerScheduler, HostTimerScheduler>();
        services.AddHostedService<PinnedVersionsCheck>();
        services.AddHostedService<TimerReconcilerService<CampaignDbContext>>();
        return services;
    }
}
