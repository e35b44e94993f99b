using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Evidence;

namespace Dtx.Campaign.Server.SelfAssessments;

internal static class SelfAssessmentsServices
{
    public static IServiceCollection AddSelfAssessments(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddOptions<EvidenceOptions>().Bind(configuration.GetSection(EvidenceOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IEvidenceStore>(new LocalDiskEvidenceStore(Path.Combine(DataServices.DataDirectory(configuration, environment), "evidence")));
        services.AddScoped<SelfAssessment>();
        return services;
    }
}
