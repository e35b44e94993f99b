using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Dtx.Campaign.Server.Tests.Deployment;

/// <summary>
/// The real server process is killed (SIGKILL, no shutdown work) while saves stream in from several
/// clients; started again on the same database, every save it acknowledged (200) is there. A save cut off by the kill may or may not be there; it was never acknowledged.
/// </summary>
[LongRunning]
public abstract class CrashRecoveryTests(ITestDatabase database, ITestOutputHelper output) : IAsyncLifetime
{
    private const string AdminEmail = "admin@crash.test";
    private const string AdminPassword = "Crash-Admin-Password-1";
    private const int Writers = 4;
    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "dtx-crash-" + Guid.NewGuid().ToString("N"));
    private readonly ConcurrentDictionary<string, string> keys = new();
    private ServerProcess? server;

    private Dictionary<string, string> Settings() => new()
    {
        ["Database:Provider"] = database.Provider,
        ["ConnectionStrings:Campaign"] = database.ConnectionString,
        ["Bootstrap:AdminEmail"] = AdminEmail,
        ["Bootstrap:AdminPassword"] = AdminPassword,
        ["Storage:DataDirectory"] = dataDirectory,
        ["Email:DeliverInBackground"] = "false",
        ["Security:SignInsPerMinute"] = "1000",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(dataDirectory);
        await database.CreateAsync();
    }

    public async Task DisposeAsync()
    {
        if (server is not null)
            await server.DisposeAsync();
        await database.DisposeAsync();
        try { Directory.Delete(dataDirectory, recursive: true); } catch (IOException) { }
    }

    private async Task<HttpClient> SignInAsync()
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = server!.Address, Timeout = TimeSpan.FromSeconds(30) };
        // The server runs on the system clock: the administrator's codes come from it.
        await TwoFactorSignIn.SignInAsync(client, AdminEmail, AdminPassword, keys, () => DateTime.UtcNow);
        return client;
    }

    [Fact]
    public async Task Killed_during_a_burst_of_saves_the_server_restarts_with_every_acknowledged_save()
    {
        var settings = Settings();
        var (migrated, migrateOutput) = await ServerProcess.RunAsync(settings, "migrate");
        Assert.True(migrated == 0, migrateOutput);
        server = await ServerProcess.StartAsync(settings);
        // One session shared by the writers (each sign-in takes a code of its own 30-second step).
        var client = await SignInAsync();

        // Each writer creates accounts one after another; an answer 200 is an acknowledged save.
        var acknowledged = new ConcurrentBag<string>();
        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            for (var n = 0; ; n++)
            {
                var email = $"w{w}-n{n}@crash.test";
                try
                {
                    var saved = await client.PutAsJsonAsync("/api/accounts", new { email, fullName = $"Người {w}-{n}", roles = new[] { "observer" } });
                    if (saved.StatusCode == HttpStatusCode.OK)
                        acknowledged.Add(email);
                    else
                        Assert.Fail($"{email}: {(int)saved.StatusCode} {await saved.Content.ReadAsStringAsync()}");
                }
                catch (HttpRequestException) { return; }          // the server is gone: this save was never acknowledged
                catch (TaskCanceledException) { return; }
            }
        })).ToList();

        // Kill while the burst is on: after a number of acknowledged saves, never after a fixed time.
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (acknowledged.Count < 40 && writers.All(t => !t.IsCompleted))
        {
            Assert.True(DateTime.UtcNow < deadline, $"only {acknowledged.Count} saves were acknowledged in two minutes");
            await Task.Delay(20);
        }
        server.Kill();
        await Task.WhenAll(writers);
        var before = acknowledged.ToHashSet(StringComparer.OrdinalIgnoreCase);
        await server.DisposeAsync();

        server = await ServerProcess.StartAsync(settings);
        var admin = await SignInAsync();
        var accounts = (await admin.GetFromJsonAsync<JsonElement[]>("/api/accounts"))!
            .Select(a => a.GetProperty("email").GetString()!).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var lost = before.Where(e => !accounts.Contains(e)).Order(StringComparer.Ordinal).ToList();
        output.WriteLine($"crash test ({database.Provider}): {before.Count} saves acknowledged before kill -9, {lost.Count} lost");
        Assert.True(before.Count >= 40, $"{before.Count} acknowledged");
        Assert.Empty(lost);
    }
}

public sealed class CrashRecoveryTests_Postgres(ITestOutputHelper output) : CrashRecoveryTests(new PostgresTestDatabase(), output);

public sealed class CrashRecoveryTests_Sqlite(ITestOutputHelper output) : CrashRecoveryTests(new SqliteTestDatabase(), output);
