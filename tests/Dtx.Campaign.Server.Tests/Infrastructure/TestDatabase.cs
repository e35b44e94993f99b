using Npgsql;

namespace Dtx.Campaign.Server.Tests.Infrastructure;

/// <summary>A fresh, empty database for one test class, dropped afterwards.</summary>
public interface ITestDatabase : IAsyncDisposable
{
    string Provider { get; }
    string ConnectionString { get; }

    /// <summary>Creates the database empty (for tests of migrations and of the <c>migrate</c> command).</summary>
    Task CreateAsync();

    /// <summary>
    /// Creates the database as this release's migrations leave it: a copy of a template migrated once per
    /// test run, so that each test class still starts from its own fresh database without paying for the
    /// migrations again (they dominated the fixtures' cost).
    /// </summary>
    Task CreateMigratedAsync();
}

/// <summary>
/// A database on the real PostgreSQL server named by <c>DTX_TEST_POSTGRES</c> (default: the role that
/// <c>./test.sh</c> creates). There is no fallback: if PostgreSQL is not reachable the tests fail, loudly.
/// </summary>
public sealed class PostgresTestDatabase : ITestDatabase
{
    public const string DefaultAdminConnection = "Host=127.0.0.1;Port=5432;Username=dtx;Password=dtx;Database=postgres";

    private readonly string name = $"dtx_test_{Guid.NewGuid():N}";

    public static string AdminConnection =>
        Environment.GetEnvironmentVariable("DTX_TEST_POSTGRES") is { Length: > 0 } configured ? configured : DefaultAdminConnection;

    public string Provider => "Postgres";

    public string ConnectionString => new NpgsqlConnectionStringBuilder(AdminConnection) { Database = name, Pooling = true }.ConnectionString;

    public Task CreateAsync() => CreateAsync(template: null);

    public async Task CreateMigratedAsync() => await CreateAsync(await MigratedTemplates.PostgresAsync());

    private async Task CreateAsync(string? template)
    {
        try
        {
            await using var connection = new NpgsqlConnection(AdminConnection);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"" + (template is null ? "" : $" TEMPLATE \"{template}\""), connection);
            await command.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException e)
        {
            throw new InvalidOperationException(
                $"PostgreSQL is required for the integration tests and is not reachable with DTX_TEST_POSTGRES='{AdminConnection}'. " +
                "Run ./test.sh, which installs and starts it.", e);
        }
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(AdminConnection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}

/// <summary>An embedded SQLite database in a temporary folder.</summary>
public sealed class SqliteTestDatabase : ITestDatabase
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "dtx-tests", Guid.NewGuid().ToString("N"));

    public string Provider => "Sqlite";

    private string File => Path.Combine(folder, "campaign.db");

    public string ConnectionString => $"Data Source={File};Pooling=False";

    public Task CreateAsync()
    {
        Directory.CreateDirectory(folder);
        return Task.CompletedTask;
    }

    public async Task CreateMigratedAsync()
    {
        Directory.CreateDirectory(folder);
        System.IO.File.Copy(await MigratedTemplates.SqliteAsync(), File);
    }

    public ValueTask DisposeAsync()
    {
        try { Directory.Delete(folder, recursive: true); }
        catch (IOException) { /* a file still open on a slow shutdown: the temp folder is cleaned by the OS */ }
        return ValueTask.CompletedTask;
    }
}
