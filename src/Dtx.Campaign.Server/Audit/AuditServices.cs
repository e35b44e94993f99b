namespace Dtx.Campaign.Server.Audit;

internal static class AuditServices
{
    public static IServiceCollection AddAudit(this IServiceCollection services)
    {
        services.AddOptions<AuditOptions>().BindConfiguration(AuditOptions.Section)
            .Validate(o => o.SealWindow > TimeSpan.Zero && o.AnchorInterval > TimeSpan.Zero, "Audit:SealWindow and Audit:AnchorInterval must be positive")
            .ValidateOnStart();
        services.AddScoped<AuditAnchors>();
        services.AddHostedService<AuditAnchorService>();
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
