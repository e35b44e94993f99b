using Dtx.Campaign.Server.Awards;
using Dtx.Campaign.Server.Disputes;
using Dtx.Campaign.Server.Verification;
using Dtx.Campaign.Server.Workflow;

namespace Dtx.Campaign.Server.Results;

/// <summary>The council's work after self-assessment: verification, disputes, results, awards and targets.</summary>
internal static class ResultsServices
{
    public static IServiceCollection AddCouncilWork(this IServiceCollection services)
    {
        services.AddScoped<ReviewWork>();
        services.AddScoped<Assignments>();
        services.AddScoped<Verdicts>();
        services.AddScoped<UnitVerification>();
        services.AddScoped<VerificationProgress>();
        services.AddScoped<FieldAppraisal>();
        services.AddScoped<DisputeDesk>();
        services.AddScoped<ResultsBook>();
        services.AddScoped<PublicResults>();
        services.AddScoped<AwardsDesk>();
        services.AddScoped<StageGates>();
        services.AddScoped<UnitResults>();
        services.AddSingleton<PublishedPages>();
        services.AddOutputCache(PublishedPages.Configure);
        services.AddResponseCompression(PublishedPages.ConfigureCompression);
        services.Configure<Microsoft.AspNetCore.ResponseCompression.BrotliCompressionProviderOptions>(PublishedPages.ConfigureBrotli);
        services.Configure<Microsoft.AspNetCore.ResponseCompression.GzipCompressionProviderOptions>(PublishedPages.ConfigureGzip);
        return services;
    }

    public static IEndpointRouteBuilder MapCouncilWork(this IEndpointRouteBuilder app)
    {
        app.MapVerification();
        app.MapDisputes();
        app.MapResults();
        app.MapAwards();
        Targets.TargetsApi.MapTargets(app);
        return app;
    }
}
