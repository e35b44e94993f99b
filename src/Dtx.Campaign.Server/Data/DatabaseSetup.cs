using System.Data.Common;
using Dtx.Campaign.Server.Hosting;
using Dtx.Campaign.Workflows.Scheduling;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Dtx.Campaign.Server.Data;

/// <summary>
/// Creates everything the server needs in its database: the EF migrations and the scheduler's <c>qrtz_*</c>
/// tables. Run by <c>migrate</c> (and at start on the embedded default), so that the role the server runs
/// under needs no right to create tables and nodes starting together do not race to create them.
/// </summary>
internal static class DatabaseSetup
{
    public static async Task MigrateAsync(CampaignDbContext db, DatabaseProvider provider, CancellationToken ct)
    {
        await EnsureReachableAsync(db, provider, ct);
        // EF probes the history table by querying it and logs the failure on a new database as an error; made first, it is there.
        if (!await TableExistsAsync(db, provider, HistoryRepository.DefaultTableName, ct))
            await db.Database.ExecuteSqlRawAsync(db.GetService<IHistoryRepository>().GetCreateIfNotExistsScript(), ct);
        await db.Database.MigrateAsync(ct);
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await QuartzSchema.EnsureCreatedAsync(db.Database.GetDbConnection(), Scheduler(provider), cancellationToken: ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>
    /// This release's migrations not yet applied. Looks for the history table first: EF would query the missing
    /// table of a new database and log that as a failure.
    /// </summary>
    public static async Task<IReadOnlyList<string>> PendingMigrationsAsync(CampaignDbContext db, DatabaseProvider provider, CancellationToken ct) =>
        await TableExistsAsync(db, provider, HistoryRepository.DefaultTableName, ct)
            ? [.. await db.Database.GetPendingMigrationsAsync(ct)]
            : [.. db.Database.GetMigrations()];

    /// <summary>Opens a connection outside EF (which would log the failure with its own words) and says plainly when it cannot.</summary>
    public static async Task EnsureReachableAsync(CampaignDbContext db, DatabaseProvider provider, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        try
        {
            await connection.OpenAsync(ct);
            await connection.CloseAsync();
        }
        catch (DbException e)
        {
            Exception cause = e;
            while (cause.InnerException is { } inner)
                cause = inner;
            throw new StartupRefusedException(
                $"The {provider} database cannot be reached ({cause.Message}). Check ConnectionStrings:Campaign and that the database server runs.", e);
        }
    }

    public static Task<bool> HasSchedulerTablesAsync(CampaignDbContext db, DatabaseProvider provider, CancellationToken ct) =>
        TableExistsAsync(db, provider, QuartzSchema.DefaultTablePrefix + "triggers", ct);

    private static async Task<bool> TableExistsAsync(CampaignDbContext db, DatabaseProvider provider, string table, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var probe = connection.CreateCommand();
            probe.CommandText = provider == DatabaseProvider.Postgres
                ? "SELECT count(*) FROM information_schema.tables WHERE lower(table_name) = lower(@name) AND table_schema = current_schema()"
                : "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND lower(name) = lower(@name)";
            var name = probe.CreateParameter();
            name.ParameterName = "@name";
            name.Value = table;
            probe.Parameters.Add(name);
            return Convert.ToInt64(await probe.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) > 0;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static QuartzDatabase Scheduler(DatabaseProvider provider) =>
        provider == DatabaseProvider.Postgres ? QuartzDatabase.Postgres : QuartzDatabase.Sqlite;
}
