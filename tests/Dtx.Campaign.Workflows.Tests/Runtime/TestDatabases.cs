using Dtx.Campaign.Workflows.Storage;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Dtx.Campaign.Workflows.Tests.Runtime;

/// <summary>Stands for the host's single DbContext: its own tables plus the runtime's.</summary>
public sealed class TestDbContext(DbContextOptions<TestDbContext> options) : DbContext(options)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.ApplyWorkflowModel();
}

/// <summary>A real database for one test class, created fresh and dropped after.</summary>
public interface ITestDatabase
{
    string Provider { get; }

    string ConnectionString { get; }

    TestDbContext NewContext();
}

public sealed class SqliteDatabase : ITestDatabase, IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"dtx_wf_test_{Guid.NewGuid():N}.db");

    public SqliteDatabase()
    {
        ConnectionString = $"Data Source={_path};Default Timeout=60";
        using var db = NewContext();
        db.Database.EnsureCreated();
        db.Database.ExecuteSqlRaw("PRAGMA journal_mode=WAL;");
    }

    public string Provider => "sqlite";

    public string ConnectionString { get; }

    public TestDbContext NewContext() =>
        new(new DbContextOptionsBuilder<TestDbContext>().UseSqlite(ConnectionString).Options);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(file);
        }
    }
}

public sealed class PostgresDatabase : ITestDatabase, IDisposable
{
    /// <summary>Override with the environment variable DTX_TEST_POSTGRES.</summary>
    public const string DefaultServer = "Host=127.0.0.1;Username=dtx;Password=dtx;Database=postgres";

    private readonly string _server;
    private readonly string _name = $"dtx_wf_test_{Guid.NewGuid():N}";

    public PostgresDatabase()
    {
        _server = Environment.GetEnvironmentVariable("DTX_TEST_POSTGRES") ?? DefaultServer;
        ConnectionString = new NpgsqlConnectionStringBuilder(_server) { Database = _name, MaxPoolSize = 50 }.ConnectionString;
        Execute($"CREATE DATABASE \"{_name}\"");
        using var db = NewContext();
        db.Database.EnsureCreated();
    }

    public string Provider => "postgres";

    public string ConnectionString { get; }

    public TestDbContext NewContext() =>
        new(new DbContextOptionsBuilder<TestDbContext>().UseNpgsql(ConnectionString).Options);

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        Execute($"DROP DATABASE IF EXISTS \"{_name}\" WITH (FORCE)");
    }

    private void Execute(string sql)
    {
        using var connection = new NpgsqlConnection(_server);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}
