using System.Data.Common;

namespace Dtx.Campaign.Workflows.Scheduling;

public enum QuartzDatabase
{
    Postgres,
    Sqlite,
}

/// <summary>
/// The ADO job store's tables (qrtz_*), from the scripts that Quartz's own assembly embeds
/// (<c>Quartz.Impl.AdoJobStore.Schema.create_postgres.sql</c>, <c>create_sqlite.sql</c>), so they always
/// match the Quartz version in use. Production applies them with the <c>migrate</c> command.
/// </summary>
public static class QuartzSchema
{
    public static string GetCreateScript(QuartzDatabase database)
    {
        var name = database switch
        {
            QuartzDatabase.Postgres => "Quartz.Impl.AdoJobStore.Schema.create_postgres.sql",
            QuartzDatabase.Sqlite => "Quartz.Impl.AdoJobStore.Schema.create_sqlite.sql",
            _ => throw new ArgumentOutOfRangeException(nameof(database)),
        };
        using var stream = typeof(Quartz.IJob).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The Quartz assembly has no embedded resource '{name}'.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>Creates the tables unless <c>qrtz_triggers</c> already exists.</summary>
    public static async Task<bool> EnsureCreatedAsync(DbConnection connection, QuartzDatabase database, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (connection.State != System.Data.ConnectionState.Open)
        {
            await connection.OpenAsync(cancellationToken);
        }

        await using (var probe = connection.CreateCommand())
        {
            probe.CommandText = database == QuartzDatabase.Postgres
                ? "SELECT count(*) FROM information_schema.tables WHERE table_name = 'qrtz_triggers' AND table_schema = current_schema()"
                : "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'qrtz_triggers'";
            if (Convert.ToInt64(await probe.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) > 0)
            {
                return false;
            }
        }

        await using var command = connection.CreateCommand();
        command.CommandText = GetCreateScript(database);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return true;
    }
}
