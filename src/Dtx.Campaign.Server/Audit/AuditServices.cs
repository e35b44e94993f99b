namespace Dtx.Campaign.Server.Audit;

internal static class AuditServices
{
    public static IServiceCollection AddAudit(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddScoped<IAuditActor, HttpAuditActor>();
        services.AddScoped<AuditTrail>();
        services.AddSingleton<AuditSealingSignal>();
        services.AddScoped<AuditSealer>();
        services.AddHostedService<AuditSealingService>();
        services.AddScoped<AuditVerifier>();
        return services;
    }
}
