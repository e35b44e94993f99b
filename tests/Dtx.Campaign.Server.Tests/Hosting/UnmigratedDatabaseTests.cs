using Dtx.Campaign.Server.Tests.Infrastructure;

namespace Dtx.Campaign.Server.Tests.Hosting;

/// <summary>
/// On PostgreSQL the server does not migrate at start (the <c>migrate</c> command does, once per release):
/// started on a database without this release's migrations — as the container image would be on a new
/// database — it stops with a non-zero exit that says what to run, not with a missing-table trace.
/// </summary>
[LongRunning]
public sealed class UnmigratedDatabaseTests : IAsyncLifetime
{
    private readonly PostgresTestDatabase database = new();
    private readonly string directory = Path.Combine(Path.GetTempPath(), "dtx-tests", "unmigrated-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task The_server_refuses_to_start_on_a_database_without_its_migrations_and_says_to_run_migrate()
    {
        var settings = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:Campaign"] = database.ConnectionString,
            ["Storage:DataDirectory"] = directory,
            ["Email:DeliverInBackground"] = "false",
        };

        var (exitCode, output) = await ServerProcess.RunAsync(settings);

        Assert.NotEqual(0, exitCode);
        Assert.Contains("Run 'dtx-campaign.dll migrate' once with this release", output, StringComparison.Ordinal);
        Assert.DoesNotContain("AspNetRoles", output, StringComparison.Ordinal);

        // After the command the same settings start a server.
        var (migrated, migrateOutput) = await ServerProcess.RunAsync(settings, "migrate");
        Assert.True(migrated == 0, migrateOutput);
        await using var server = await ServerProcess.StartAsync(settings);
        using var client = new HttpClient { BaseAddress = server.Address };
        Assert.Equal(System.Net.HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
    }

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(directory);
        await database.CreateAsync();
    }

    public async Task DisposeAsync()
    {
        await database.DisposeAsync();
        try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
    }
}
