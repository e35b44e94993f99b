using System.Data.Common;
using Dtx.Campaign.Server.Data;
using Microsoft.Extensions.Options;

namespace Dtx.Campaign.Server.Hosting;

/// <summary>A start-up precondition that does not hold: said in one message, exit code 1, no stack trace.</summary>
public sealed class StartupRefusedException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// What must hold before the server serves anything, checked before the host starts so that a refusal is one
/// clear message and exit code 1 (a failing hosted service would abort with a trace): valid settings, a
/// reachable database, this release's migrations and the scheduler's tables.
/// </summary>
internal static class StartupChecks
{
    public static async Task RunAsync(IServiceProvider services, CancellationToken ct = default)
    {
        // The ValidateOnStart options (bad values, missing required settings) are validated here, not at host start.
        services.GetService<IStartupValidator>()?.Validate();
        // Opens every authority's signing certificate now: a wrong password or an expired one stops the start.
        services.GetRequiredService<Signing.AuthoritySigners>();
        var database = services.GetRequiredService<IOptions<DatabaseOptions>>().Value;
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CampaignDbContext>();
        await DatabaseSetup.EnsureReachableAsync(db, database.Provider, ct);
        if (!database.ShouldMigrateOnStart)
            await EnsureMigratedAsync(db, database.Provider, ct);
    }

    /// <summary>Refuses a database that lacks this release's migrations or the scheduler's tables (both made by <c>migrate</c>).</summary>
    public static async Task EnsureMigratedAsync(CampaignDbContext db, DatabaseProvider provider, CancellationToken ct)
    {
        var pending = await DatabaseSetup.PendingMigrationsAsync(db, provider, ct);
        if (pending.Count > 0)
            throw new StartupRefusedException(
                $"The database is missing {pending.Count} migration(s) of this release (first: {pending[0]}). " +
                "Run 'dtx-campaign.dll migrate' once with this release, then start the server (docs/operations.md, Upgrades).");
        if (!await DatabaseSetup.HasSchedulerTablesAsync(db, provider, ct))
            throw new StartupRefusedException(
                "The database has no scheduler tables (qrtz_*). Run 'dtx-campaign.dll migrate' once with this release, then start the server.");
    }

    /// <summary>The message to print for an exception that stopped the start, or null when it is not a known precondition.</summary>
    public static string Describe(Exception exception) => exception switch
    {
        StartupRefusedException refused => refused.Message,
        OptionsValidationException invalid => "A setting is not valid: " + string.Join(" ", invalid.Failures),
        AggregateException { InnerExceptions: var inner } => string.Join(" ", inner.Select(Describe)),
        DbException db => "The database refused: " + Innermost(db).Message,
        // Configuration binding (e.g. Database:Provider=Oracle) says which value it could not convert.
        InvalidOperationException { InnerException: not null } bad when bad.Message.Contains("configuration", StringComparison.OrdinalIgnoreCase)
            => bad.Message + " " + Innermost(bad).Message,
        _ => exception.Message,
    };

    private static Exception Innermost(Exception e) => e.InnerException is { } inner ? Innermost(inner) : e;
}
