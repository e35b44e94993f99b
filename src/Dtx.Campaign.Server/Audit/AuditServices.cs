namespace Dtx.Campaign.Server.Audit;

internal static class AuditServices
{
    public static IServiceCollection AddAudit(this IServiceCollection services)
    {
        services.AddHttpContextAccessor();
        services.AddScoped<IAuditActor, HttpAuditActor>();
        services.AddScoped<AuditTrail>();
        services.AddScoped<AuditVerifier>();
        return services;
    }
}
