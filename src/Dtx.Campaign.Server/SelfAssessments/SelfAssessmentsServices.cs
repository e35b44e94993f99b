using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Evidence;

namespace Dtx.Campaign.Server.SelfAssessments;

internal static class SelfAssessmentsServices
{
    public static IServiceCollection AddSelfAssessments(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddOptions<EvidenceOptions>().Bind(configuration.GetSection(EvidenceOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IEvidenceStore>(new LocalDiskEvidenceStore(Path.Combine(DataServices.DataDirectory(configuration, environment), "evidence")));
        services.AddScoped<AssessmentWork>();
        services.AddScoped<SelfAssessment>();
        services.AddScoped<AnswerDesk>();
        services.AddScoped<EvidenceDesk>();
        services.AddScoped<HeadApproval>();
        services.AddScoped<Submission>();
        return services;
    }
}
