using Npgsql;

namespace Dtx.Campaign.Server.Tests.Infrastructure;

/// <summary>A fresh, empty database for one test class, dropped afterwards.</summary>
public interface ITestDatabase : IAsyncDisposable
{
    string Provider { get; }
    string ConnectionString { get; }
    Task CreateAsync();
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

    public async Task CreateAsync()
    {
        try
        {
            await using var connection = new NpgsqlConnection(AdminConnection);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
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

    public string ConnectionString => $"Data Source={Path.Combine(folder, "campaign.db")};Pooling=False";

    public Task CreateAsync()
    {
        Directory.CreateDirectory(folder);
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        try { Directory.Delete(folder, recursive: true); }
        catch (IOException) { /* a file still open on a slow shutdown: the temp folder is cleaned by the OS */ }
        return ValueTask.CompletedTask;
    }
}
