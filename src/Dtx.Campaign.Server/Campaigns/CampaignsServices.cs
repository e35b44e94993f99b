namespace Dtx.Campaign.Server.Campaigns;

internal static class CampaignsServices
{
    public static IServiceCollection AddCampaigns(this IServiceCollection services)
    {
        services.AddScoped<CreateCampaign>();
        services.AddScoped<CopyCampaign>();
        services.AddScoped<LaunchCampaign>();
        services.AddScoped<ChangeSchedule>();
        services.AddScoped<GrantExtension>();
        services.AddScoped<RemindNow>();
        services.AddScoped<CampaignProgress>();
        return services;
    }
}
