using System.Net;
using Dtx.Campaign.Server.Tests.Infrastructure;

namespace Dtx.Campaign.Server.Tests.Deployment;

/// <summary>
/// Docs as tests: the command blocks of README.md (Run it, On PostgreSQL) and docs/operations.md (backup,
/// restore, runtime role) are read out of the markdown and run by bash as written, against the published server,
/// with only the documented placeholders (connection string, install and data folders, database names) put in
/// for this machine. PostgreSQL is what they document; the seed-demo block runs on the SQLite default.
/// </summary>
[LongRunning]
public sealed class DocumentedCommandsTests(PublishedServer published) : IClassFixture<PublishedServer>, IAsyncLifetime
{
    private readonly PostgresTestDatabase database = new();
    private readonly string work = Path.Combine(published.Root, "work-" + Guid.NewGuid().ToString("N"));
    private readonly List<string> extraDatabases = [];
    private readonly List<string> roles = [];

    private string Block(string file, string heading, int index = 0, string language = "sh") => MarkdownBlocks.Under(file, heading, language)[index];

    /// <summary>The block with the shared published build in the documented install folder (and its install command, when it has one, done).</summary>
    private string Installed(string block, bool publishes = true) => publishes
        ? MarkdownBlocks.Replace(block, (PublishedServer.PublishCommand + "\n", ""), (PublishedServer.DocumentedFolder, published.Folder))
        : MarkdownBlocks.Replace(block, (PublishedServer.DocumentedFolder, published.Folder));

    [Fact]
    public async Task The_readme_postgres_block_serves_without_demo_accounts_and_the_backup_and_restore_blocks_bring_it_back()
    {
        var port = ServerProcess.FreePort();
        var block = MarkdownBlocks.Replace(Installed(Block("README.md", "On PostgreSQL")),
            ("Host=localhost;Database=dtx;Username=dtx;Password=...", database.ConnectionString));
        var environment = new Dictionary<string, string?> { ["Urls"] = $"http://127.0.0.1:{port}" };
        await using (var server = await Shell.StartServerAsync(block, environment, work, new Uri($"http://127.0.0.1:{port}/healthz")))
        {
            Assert.Contains("First administrator admin@dtx.local, password (shown once):", server.Log, StringComparison.Ordinal);
            NoFailureLogged(server.Log);
            Assert.Equal(0, await TestPostgres.CountAsync(database.ConnectionString, """SELECT count(*) FROM "AspNetUsers" WHERE "Email" LIKE '%demo%'"""));
            Assert.Equal(1, await TestPostgres.CountAsync(database.ConnectionString, """SELECT count(*) FROM "AspNetUsers" WHERE "Email" = 'admin@dtx.local'"""));
            // The tests' in-memory apps hash passwords with fewer rounds (CampaignApp); the server as installed keeps Identity's own.
            var hash = Convert.FromBase64String(await TestPostgres.TextAsync(database.ConnectionString, """SELECT "PasswordHash" FROM "AspNetUsers" WHERE "Email" = 'admin@dtx.local'"""));
            Assert.Equal(0x01, hash[0]);   // Identity's v3 format: PBKDF2, then the pseudo-random function, the iteration count, the salt length
            Assert.Equal(new Microsoft.AspNetCore.Identity.PasswordHasherOptions().IterationCount, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(hash.AsSpan(5, 4)));
            Assert.True(await TestPostgres.CountAsync(database.ConnectionString, "SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'qrtz_%'") >= 11);
        }

        // docs/operations.md: backup, then restore into a new database with the evidence folder, and verify.
        var dataDirectory = Path.Combine(work, "var-lib-dtx-campaign");
        var evidence = Path.Combine(dataDirectory, "evidence", "probe.bin");
        Directory.CreateDirectory(Path.GetDirectoryName(evidence)!);
        await File.WriteAllTextAsync(evidence, "evidence");
        var libpq = TestPostgres.LibpqEnvironment();
        var backup = MarkdownBlocks.Replace(Block("docs/operations.md", "PostgreSQL", 0),
            (".dump dtx\n", $".dump {TestPostgres.DatabaseName(database.ConnectionString)}\n"), ("/var/lib/dtx-campaign", dataDirectory));
        var (backedUp, backupOutput) = await Shell.RunAsync(backup, libpq, work);
        Assert.True(backedUp == 0, backupOutput);
        File.Delete(evidence);

        var restoredName = "dtx_restored_" + Guid.NewGuid().ToString("N")[..12];
        extraDatabases.Add(restoredName);
        var restore = MarkdownBlocks.Replace(Installed(Block("docs/operations.md", "PostgreSQL", 1), publishes: false),
            ("DAY=2025-12-31", "DAY=$(date +%F)"), ("dtx_restored", restoredName), ("/var/lib/dtx-campaign", dataDirectory));
        var (restored, restoreOutput) = await Shell.RunAsync(restore, libpq, work);
        Assert.True(restored == 0, restoreOutput);
        Assert.Contains("result set(s) checked, 0 different", restoreOutput, StringComparison.Ordinal);
        NoFailureLogged(restoreOutput);
        Assert.True(File.Exists(evidence), "the evidence folder came back from its backup");
        Assert.False(Directory.Exists(Path.Combine(work, "App_Data")), "nothing is written to the working directory");
    }

    [Fact]
    public async Task The_readme_seed_demo_block_and_the_published_server_find_their_files_from_any_working_directory()
    {
        // "Run it": seed-demo with the published executable, typed in some other directory, on the SQLite default.
        var (seeded, seedOutput) = await Shell.RunAsync(Installed(Block("README.md", "Run it", 1)), new Dictionary<string, string?>(), work, TimeSpan.FromMinutes(3));
        Assert.True(seeded == 0, seedOutput);
        Assert.True(File.Exists(Path.Combine(published.Folder, "App_Data", "dtx-campaign.db")), "the data directory is under the executable's folder: " + seedOutput);
        Assert.False(Directory.Exists(Path.Combine(work, "App_Data")), "nothing is written to the working directory");

        // The server on that database, started from the same foreign directory: appsettings.json is read
        // (its EF Core log level: no SQL is logged) and the static files are served.
        var port = ServerProcess.FreePort();
        await using var server = await Shell.StartServerAsync($"dotnet {published.Folder}/dtx-campaign.dll\n",
            new Dictionary<string, string?> { ["Urls"] = $"http://127.0.0.1:{port}", ["Email__PublicBaseUrl"] = "https://dtx.example.gov.vn" }, work, new Uri($"http://127.0.0.1:{port}/healthz"));
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var css = await client.GetAsync("/css/site.css");
        Assert.Equal(HttpStatusCode.OK, css.StatusCode);
        Assert.Equal("text/css", css.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account/login")).StatusCode);
        Assert.Contains($"Content root path: {published.Folder}", server.Log, StringComparison.Ordinal);
        Assert.DoesNotContain("Executed DbCommand", server.Log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_up_preconditions_are_refused_cleanly_and_the_documented_runtime_role_runs_the_server_without_ddl_rights()
    {
        var dll = Path.Combine(published.Folder, "dtx-campaign.dll");
        var owner = new Dictionary<string, string?>
        {
            ["Database__Provider"] = "Postgres", ["ConnectionStrings__Campaign"] = database.ConnectionString,
            ["Email__PublicBaseUrl"] = "https://dtx.example.gov.vn",
        };

        // Started before migrate (as the container image would be on a new database): the server does not migrate at start
        // on PostgreSQL; one message that says what to run, exit 1, no trace and no missing table named. (Once a class of
        // its own, UnmigratedDatabaseTests, with the same three server starts as here.)
        var (early, earlyOutput) = await Shell.RunAsync($"dotnet {dll}", owner, work);
        AssertRefused(early, earlyOutput, "Run 'dtx-campaign.dll migrate' once with this release");
        Assert.DoesNotContain("AspNetRoles", earlyOutput, StringComparison.Ordinal);
        // An unreachable database, for the server and for migrate.
        var unreachable = new Dictionary<string, string?>(owner) { ["ConnectionStrings__Campaign"] = "Host=127.0.0.1;Port=1;Database=dtx;Username=dtx;Password=x" };
        var (down, downOutput) = await Shell.RunAsync($"dotnet {dll}", unreachable, work);
        AssertRefused(down, downOutput, "database cannot be reached");
        var (downMigrate, downMigrateOutput) = await Shell.RunAsync($"dotnet {dll} migrate", unreachable, work);
        AssertRefused(downMigrate, downMigrateOutput, "database cannot be reached");
        // Bad settings.
        var (badProvider, badProviderOutput) = await Shell.RunAsync($"dotnet {dll}", new Dictionary<string, string?>(owner) { ["Database__Provider"] = "Oracle" }, work);
        AssertRefused(badProvider, badProviderOutput, "'Database:Provider'");
        var (badCheckin, badCheckinOutput) = await Shell.RunAsync($"dotnet {dll}", new Dictionary<string, string?>(owner) { ["Scheduling__ClusterCheckinSeconds"] = "0" }, work);
        AssertRefused(badCheckin, badCheckinOutput, "ClusterCheckinSeconds");
        var (noConnection, noConnectionOutput) = await Shell.RunAsync($"dotnet {dll}", new Dictionary<string, string?>(owner) { ["ConnectionStrings__Campaign"] = "" }, work);
        AssertRefused(noConnection, noConnectionOutput, "ConnectionStrings:Campaign is empty");

        // migrate as the owner on the new database: everything, the scheduler's tables included, and no failure logged.
        var (migrated, migrateOutput) = await Shell.RunAsync($"dotnet {dll} migrate", owner, work);
        Assert.True(migrated == 0, migrateOutput);
        NoFailureLogged(migrateOutput);
        Assert.True(await TestPostgres.CountAsync(database.ConnectionString, "SELECT count(*) FROM information_schema.tables WHERE table_name LIKE 'qrtz_%'") >= 11);

        // docs/operations.md "Runtime role", as the owner.
        var role = "dtx_app_" + Guid.NewGuid().ToString("N")[..12];
        roles.Add(role);
        var grants = MarkdownBlocks.Replace(Block("docs/operations.md", "Runtime role (least privilege)", 0, "sql"),
            ("dtx_app", role), ("ON DATABASE dtx ", $"ON DATABASE \"{TestPostgres.DatabaseName(database.ConnectionString)}\" "));
        await TestPostgres.ExecuteAsync(database.ConnectionString, grants);
        var runtime = new Npgsql.NpgsqlConnectionStringBuilder(database.ConnectionString) { Username = role, Password = "change-me" }.ConnectionString;
        var ddl = await Assert.ThrowsAsync<Npgsql.PostgresException>(() => TestPostgres.ExecuteAsync(runtime, "CREATE TABLE intruder (id int)"));
        Assert.Equal("42501", ddl.SqlState); // insufficient privilege

        var port = ServerProcess.FreePort();
        var node = new Dictionary<string, string?>(owner) { ["ConnectionStrings__Campaign"] = runtime, ["Urls"] = $"http://127.0.0.1:{port}", ["Storage__DataDirectory"] = Path.Combine(work, "data") };
        await using var server = await Shell.StartServerAsync($"dotnet {dll}\n", node, work, new Uri($"http://127.0.0.1:{port}/healthz"));
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        // The sign-in page makes the first data-protection key (a row written under the runtime role).
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account/login")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/healthz")).StatusCode);
        Assert.True(await TestPostgres.CountAsync(database.ConnectionString, """SELECT count(*) FROM "DataProtectionKeys" """) >= 1);
        NoFailureLogged(server.Log);
    }

    [Fact]
    public async Task In_development_the_demo_never_touches_a_database_that_is_not_its_own()
    {
        var dll = Path.Combine(published.Folder, "dtx-campaign.dll");
        // The path: Development (as `dotnet run` with the demo profile forces) on PostgreSQL.
        var development = new Dictionary<string, string?>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development", ["Database__Provider"] = "Postgres", ["ConnectionStrings__Campaign"] = database.ConnectionString,
            ["Storage__DataDirectory"] = Path.Combine(work, "data"),
        };
        var (migrated, migrateOutput) = await Shell.RunAsync($"dotnet {dll} migrate", development, work);
        Assert.True(migrated == 0, migrateOutput);
        var (started, startOutput) = await Shell.RunAsync($"dotnet {dll}", development, work);
        AssertRefused(started, startOutput, "the demo (accounts with published passwords) runs only in an SQLite database of its own");
        Assert.Equal(0, await TestPostgres.CountAsync(database.ConnectionString, """SELECT count(*) FROM "AspNetUsers" WHERE "Email" LIKE '%demo%'"""));
        Assert.Equal(0, await TestPostgres.CountAsync(database.ConnectionString, "SELECT count(*) FROM campaigns"));

        // An SQLite database made without the demo (here by migrate in Production) is refused too, and left as it was.
        var sqlite = new Dictionary<string, string?> { ["Storage__DataDirectory"] = Path.Combine(work, "sqlite") };
        var (sqliteMigrated, sqliteMigrateOutput) = await Shell.RunAsync($"dotnet {dll} migrate", sqlite, work);
        Assert.True(sqliteMigrated == 0, sqliteMigrateOutput);
        var (demo, demoOutput) = await Shell.RunAsync($"dotnet {dll}", new Dictionary<string, string?>(sqlite) { ["ASPNETCORE_ENVIRONMENT"] = "Development" }, work);
        AssertRefused(demo, demoOutput, "was not created by the demo");
        Assert.DoesNotContain("demo.hanoi.invalid", demoOutput, StringComparison.Ordinal);
    }

    private static void AssertRefused(int exitCode, string output, string expected)
    {
        Assert.True(exitCode == 1, $"exit {exitCode}: {output}");
        Assert.Contains(expected, output, StringComparison.Ordinal);
        Assert.DoesNotMatch(TestPostgres.StackTraceLine(), output);
        NoFailureLogged(output);
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
    }

    /// <summary>No error was logged; a failure names the entry with the lines after it (its exception), not a cut-off string.</summary>
    private static void NoFailureLogged(string log)
    {
        var lines = log.Split('\n');
        var at = Array.FindIndex(lines, l => l.Contains("fail:", StringComparison.Ordinal));
        Assert.True(at < 0, "an error was logged:\n" + string.Join('\n', lines.Skip(at).Take(25)));
    }

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(work);
        await database.CreateAsync();
    }

    public async Task DisposeAsync()
    {
        await database.DisposeAsync();
        foreach (var name in extraDatabases)
            await TestPostgres.ExecuteAsync(PostgresTestDatabase.AdminConnection, $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        foreach (var role in roles)
            await TestPostgres.ExecuteAsync(PostgresTestDatabase.AdminConnection, $"DROP ROLE IF EXISTS \"{role}\"");
        try { Directory.Delete(work, recursive: true); } catch (IOException) { }
    }
}
