using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Dtx.Campaign.Server.Tests.Infrastructure;

/// <summary>The backup procedure of docs/operations.md, for real: pg_dump and pg_restore into a new database, or a SQLite copy.</summary>
public static class Backups
{
    /// <summary>Backs the test database up and restores it into a new one; returns the restored database's connection string (drop it with <see cref="DropAsync"/>).</summary>
    public static async Task<string> BackUpAndRestoreAsync(ITestDatabase source)
    {
        if (source.Provider == "Sqlite")
        {
            var copy = Path.Combine(Path.GetTempPath(), "dtx-tests", $"restored-{Guid.NewGuid():N}.db");
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            await using var connection = new SqliteConnection(source.ConnectionString);
            await connection.OpenAsync();
            await using var command = new SqliteCommand($"VACUUM INTO '{copy}'", connection);
            await command.ExecuteNonQueryAsync();
            return $"Data Source={copy};Pooling=False";
        }
        var from = new NpgsqlConnectionStringBuilder(source.ConnectionString);
        var name = $"dtx_restored_{Guid.NewGuid():N}";
        var dump = Path.Combine(Path.GetTempPath(), $"{name}.dump");
        await RunAsync("pg_dump", from, "--format=custom", $"--file={dump}", $"--dbname={from.Database}");
        await using (var admin = new NpgsqlConnection(PostgresTestDatabase.AdminConnection))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await create.ExecuteNonQueryAsync();
        }
        await RunAsync("pg_restore", from, "--no-owner", $"--dbname={name}", dump);
        File.Delete(dump);
        return new NpgsqlConnectionStringBuilder(source.ConnectionString) { Database = name }.ConnectionString;
    }

    public static async Task DropAsync(string provider, string connectionString)
    {
        if (provider == "Sqlite")
        {
            File.Delete(new SqliteConnectionStringBuilder(connectionString).DataSource);
            return;
        }
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(PostgresTestDatabase.AdminConnection);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{new NpgsqlConnectionStringBuilder(connectionString).Database}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }

    private static async Task RunAsync(string tool, NpgsqlConnectionStringBuilder server, params string[] args)
    {
        var info = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add($"--host={server.Host}");
        info.ArgumentList.Add($"--port={server.Port}");
        info.ArgumentList.Add($"--username={server.Username}");
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        info.Environment["PGPASSWORD"] = server.Password;
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"{tool} could not start");
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{tool} failed ({process.ExitCode}): {error}");
    }
}
