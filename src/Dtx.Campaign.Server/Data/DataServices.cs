using Dtx.Campaign.Workflows.Scheduling;
using Dtx.Campaign.Workflows.Storage;
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
        var connectionString = ConnectionString(configuration, environment, database.Provider);
        // The workflow runtime's hook arms timers when a use case's transaction commits; texts are stored NFC. The options are
        // built once (every interceptor is a singleton): built per request, EF Core also looked up its internal services by
        // the new options' hash each time: in back-to-back deadline-rush runs a save took 1.7–2.6 ms of CPU in the process
        // before, 1.2–1.5 ms after (2026-12-07). On PostgreSQL the contexts are pooled: creating one and its internal services
        // was a tenth of a deadline-day save's CPU once the save itself had shrunk (0.7 → 0.5–0.6 ms per save). The context
        // holds no state of its own across requests; what the interceptors keep per context belongs to a transaction and is
        // dropped when the next one starts (TimerCommitHook, PostgresLockInterceptor) or, for locks, at a command outside any;
        // the pool restores the settings made in the constructor.
        if (database.Provider == DatabaseProvider.Postgres)
        {
            connectionString = WithPreparedStatements(connectionString);
            services.AddDbContextPool<CampaignDbContext, PostgresCampaignDbContext>((sp, o) => o.UseNpgsql(connectionString).AddInterceptors(sp.GetRequiredService<TimerCommitHook>(), NfcText.Interceptor, Inbox.InboxFiling.Interceptor, PostgresLockInterceptor.Instance));
            services.AddSingleton<ITransactionLock, PostgresAdvisoryLock>();
        }
        else
        {
            services.AddDbContext<CampaignDbContext, SqliteCampaignDbContext>((sp, o) => o.UseSqlite(connectionString).AddInterceptors(sp.GetRequiredService<TimerCommitHook>(), NfcText.Interceptor, Inbox.InboxFiling.Interceptor),
                optionsLifetime: ServiceLifetime.Singleton);
            services.AddSingleton<ITransactionLock, SqliteWriteLock>();
        }
        return services;
    }

    /// <summary>
    /// PostgreSQL parses and plans every statement it is sent unprepared; the same few queries run on every save of the
    /// deadline day, and preparing them once per connection cut PostgreSQL's CPU per save from 2.1 to 1.3 ms (deadline-rush
    /// benchmark, 2026-12-07). A connection string that says otherwise (<c>Max Auto Prepare=0</c> behind a PgBouncer in
    /// transaction mode older than 1.21) is kept as it is.
    /// </summary>
    public static string WithPreparedStatements(string connectionString)
    {
        if (System.Text.RegularExpressions.Regex.IsMatch(connectionString, "auto ?prepare", System.Text.RegularExpressions.RegexOptions.IgnoreCase))
            return connectionString;
        return new Npgsql.NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = 64, AutoPrepareMinUsages = 2 }.ConnectionString;
    }

    /// <summary>The configured connection string; on SQLite without one, a file in the data directory.</summary>
    public static string ConnectionString(IConfiguration configuration, IHostEnvironment environment, DatabaseProvider provider)
    {
        var configured = configuration.GetConnectionString("Campaign");
        if (!string.IsNullOrWhiteSpace(configured))
            return configured;
        if (provider == DatabaseProvider.Postgres)
            throw new OptionsValidationException("ConnectionStrings:Campaign", typeof(DatabaseOptions),
                ["Database:Provider is Postgres but ConnectionStrings:Campaign is empty. Set it, e.g. Host=localhost;Database=dtx;Username=dtx;Password=..."]);
        return $"Data Source={Path.Combine(DataDirectory(configuration, environment), "dtx-campaign.db")}";
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
