using Dtx.Campaign.Server.Data;
using Microsoft.Extensions.Options;

namespace Dtx.Campaign.Server.Email;

internal static class EmailServices
{
    public static IServiceCollection AddEmail(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddOptions<EmailOptions>().Bind(configuration.GetSection(EmailOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<EmailOptions>>(new PublicBaseUrlValidation(environment.IsProduction()));
        // Scoped: one delivery run reuses one SMTP connection, closed when the run's scope ends.
        services.AddScoped<IMailTransport>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<EmailOptions>>().Value;
            return string.IsNullOrWhiteSpace(options.SmtpHost)
                ? new PickupFolderTransport(Path.Combine(DataServices.DataDirectory(configuration, environment), options.PickupDirectory))
                : new SmtpMailTransport(options);
        });
        services.AddSingleton(sp => new EmailComposer(sp.GetRequiredService<IOptions<EmailOptions>>().Value, sp.GetRequiredService<Notices.ShippedTemplates>().Set));
        services.AddScoped<OutboxDelivery>();
        services.AddScoped<NoticeFanOut>();
        services.AddScoped<MailLog>();
        if (configuration.GetSection(EmailOptions.Section).Get<EmailOptions>()?.DeliverInBackground ?? true)
            services.AddHostedService<OutboxDeliveryService>();
        return services;
    }
}
