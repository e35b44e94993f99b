using Dtx.Campaign.Server.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Dtx.Campaign.Server.Tests.Infrastructure;

/// <summary>
/// One database per provider migrated by the server's own <c>migrate</c> code (EF migrations and the
/// scheduler's tables) once per test process; test classes get copies: <c>CREATE DATABASE … TEMPLATE</c>
/// on PostgreSQL, a file copy on SQLite. Named per process, so that test projects running side by side
/// never share one; dropped when the process ends.
/// </summary>
public static class MigratedTemplates
{
    private static readonly Lazy<Task<string>> Postgres = new(CreatePostgresAsync);
    private static readonly Lazy<Task<string>> Sqlite = new(CreateSqliteAsync);

    public static Task<string> PostgresAsync() => Postgres.Value;

    public static Task<string> SqliteAsync() => Sqlite.Value;

    private static async Task<string> CreatePostgresAsync()
    {
        var empty = new PostgresTestDatabase();
        await empty.CreateAsync();
        var options = new DbContextOptionsBuilder<PostgresCampaignDbContext>().UseNpgsql(empty.ConnectionString).Options;
        await using (var db = new PostgresCampaignDbContext(options))
            await DatabaseSetup.MigrateAsync(db, DatabaseProvider.Postgres, CancellationToken.None);
        // CREATE DATABASE … TEMPLATE refuses a template anyone is connected to: close the pooled connections.
        NpgsqlConnection.ClearPool(new NpgsqlConnection(empty.ConnectionString));
        AppDomain.CurrentDomain.ProcessExit += (_, _) => empty.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return new NpgsqlConnectionStringBuilder(empty.ConnectionString).Database!;
    }

    private static async Task<string> CreateSqliteAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "dtx-tests", "template-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        var file = Path.Combine(folder, "campaign.db");
        var options = new DbContextOptionsBuilder<SqliteCampaignDbContext>().UseSqlite($"Data Source={file};Pooling=False").Options;
        await using (var db = new SqliteCampaignDbContext(options))
            await DatabaseSetup.MigrateAsync(db, DatabaseProvider.Sqlite, CancellationToken.None);
        SqliteConnection.ClearAllPools();
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
        };
        return file;
    }
}
