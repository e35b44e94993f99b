namespace Dtx.Campaign.Server.Notices;

internal static class NoticesServices
{
    public static IServiceCollection AddNotices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<ShippedTemplates>();
        services.AddOptions<Signing.SigningOptions>().Bind(configuration.GetSection(Signing.SigningOptions.Section));
        services.AddSingleton<Signing.AuthoritySigners>();
        services.AddScoped<NoticeTemplates>();
        services.AddScoped<DocumentRegister>();
        services.AddScoped<NoticeDesk>();
        services.AddScoped<LetterheadDesk>();
        NoticeBuilders.Register(services);
        services.AddScoped<NoticeArchive>();
        services.AddScoped<Certificates.CertificatePrinter>();
        services.AddHostedService<Certificates.CertificatePrinterService>();
        return services;
    }
}
