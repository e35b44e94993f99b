using Dtx.Campaign.Documents;

namespace Dtx.Campaign.Server.Notices;

internal static class NoticesServices
{
    public static IServiceCollection AddNotices(this IServiceCollection services, IConfiguration configuration)
    {
        // PDFsharp writes nothing until a licence is chosen: "AGPL" or a commercial key (an owners' decision, see README).
        var licence = configuration["Documents:PdfLicense"];
        if (string.Equals(licence, "AGPL", StringComparison.OrdinalIgnoreCase))
            PdfLicense.UseAgpl();
        else if (!string.IsNullOrWhiteSpace(licence))
            PdfLicense.UseKey(licence);
        services.AddSingleton<ShippedTemplates>();
        services.AddScoped<NoticeTemplates>();
        services.AddScoped<DocumentRegister>();
        services.AddScoped<NoticeDesk>();
        NoticeBuilders.Register(services);
        services.AddScoped<NoticeArchive>();
        services.AddScoped<Certificates.CertificatePrinter>();
        services.AddHostedService<Certificates.CertificatePrinterService>();
        return services;
    }
}
