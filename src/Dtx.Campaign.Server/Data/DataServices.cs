using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Dtx.Campaign.Server.Data;

internal static class DataServices
{
    public static IServiceCollection AddCampaignData(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddOptions<DatabaseOptions>().Bind(configuration.GetSection(DatabaseOptions.Section)).ValidateOnStart();
        services.AddOptions<StorageOptions>().Bind(configuration.GetSection(StorageOptions.Section)).ValidateDataAnnotations().ValidateOnStart();

        var database = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var connectionString = configuration.GetConnectionString("Campaign");
        switch (database.Provider)
        {
            case DatabaseProvider.Postgres:
                if (string.IsNullOrWhiteSpace(connectionString))
                    throw new OptionsValidationException("ConnectionStrings:Campaign", typeof(DatabaseOptions),
                        ["Database:Provider is Postgres but ConnectionStrings:Campaign is empty. Set it, e.g. Host=localhost;Database=dtx;Username=dtx;Password=..."]);
                services.AddDbContext<CampaignDbContext, PostgresCampaignDbContext>(o => o.UseNpgsql(connectionString));
                break;
            default:
                var sqlite = string.IsNullOrWhiteSpace(connectionString)
                    ? $"Data Source={Path.Combine(DataDirectory(configuration, environment), "dtx-campaign.db")}"
                    : connectionString;
                services.AddDbContext<CampaignDbContext, SqliteCampaignDbContext>(o => o.UseSqlite(sqlite));
                break;
        }
        return services;
    }

    /// <summary>The absolute data directory, created if missing.</summary>
    public static string DataDirectory(IConfiguration configuration, IHostEnvironment environment)
    {
        var configured = configuration[$"{StorageOptions.Section}:{nameof(StorageOptions.DataDirectory)}"] ?? new StorageOptions().DataDirectory;
        var path = Path.GetFullPath(configured, environment.ContentRootPath);
        Directory.CreateDirectory(path);
        return path;
    }
}
