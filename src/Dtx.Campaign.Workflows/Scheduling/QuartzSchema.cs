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
/// match the Quartz version in use. The scripts only create what is missing. Production applies them
/// with the <c>migrate</c> command (Quartz 4 can also do it itself: <c>ProvisionSchema()</c> on the store).
/// </summary>
public static class QuartzSchema
{
    public const string DefaultTablePrefix = "qrtz_";

    /// <summary>The statements of the script, with the table prefix filled in.</summary>
    public static IReadOnlyList<string> GetCreateStatements(QuartzDatabase database, string tablePrefix = DefaultTablePrefix)
    {
        ArgumentNullException.ThrowIfNull(tablePrefix);
        var unqualified = tablePrefix[(tablePrefix.LastIndexOf('.') + 1)..];
        return GetCreateScript(database)
            .Replace("{0}", tablePrefix, StringComparison.Ordinal)
            .Replace("{1}", unqualified, StringComparison.Ordinal)
            .Split(["\n--;;\n", "\r\n--;;\r\n"], StringSplitOptions.None)
            .Where(statement => statement.Split('\n').Any(line => line.Trim().Length > 0 && !line.TrimStart().StartsWith("--", StringComparison.Ordinal)))
            .ToList();
    }

    /// <summary>The raw embedded script: '{0}' stands for the table prefix, statements are separated by '--;;' lines.</summary>
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

    /// <summary>Creates the tables unless the prefix's <c>triggers</c> table already exists; true if it created them.</summary>
    public static async Task<bool> EnsureCreatedAsync(
        DbConnection connection, QuartzDatabase database, string tablePrefix = DefaultTablePrefix, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (connection.State != System.Data.ConnectionState.Open)
        {
            await connection.OpenAsync(cancellationToken);
        }

        await using (var probe = connection.CreateCommand())
        {
            probe.CommandText = database == QuartzDatabase.Postgres
                ? "SELECT count(*) FROM information_schema.tables WHERE lower(table_name) = lower(@name) AND table_schema = current_schema()"
                : "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND lower(name) = lower(@name)";
            var name = probe.CreateParameter();
            name.ParameterName = "@name";
            name.Value = tablePrefix[(tablePrefix.LastIndexOf('.') + 1)..] + "triggers";
            probe.Parameters.Add(name);
            if (Convert.ToInt64(await probe.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) > 0)
            {
                return false;
            }
        }

        foreach (var statement in GetCreateStatements(database, tablePrefix))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = statement;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        return true;
    }
}
