using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Npgsql;

namespace Dtx.Campaign.Server.Tests.Deployment;

/// <summary>
/// Three real server processes on one PostgreSQL (one Quartz cluster). One node is killed in the middle
/// of self-assessment: the remaining nodes fire the deadline exactly once, every notice goes out exactly
/// once, what was saved through the dead node is still there, and the session signed in on it goes on
/// on the others. Runs on PostgreSQL only: several nodes need a shared server database (SQLite is the
/// single-machine default).
/// The nodes encrypt their data-protection keys (they sign sign-in cookies) at rest with <c>DataProtection:Certificate</c>,
/// made by the commands of docs/operations.md: the table holds no key a reader could use, the nodes holding the
/// certificate take each other's session, and a node without it cannot (so the encryption is real). (Once a class of its
/// own, KeyProtectionTests, that started three more nodes on a database of its own for that.)
/// </summary>
[LongRunning]
public sealed class MultiNodeTests : IAsyncLifetime
{
    private const string AdminEmail = "admin@cluster.test";
    private const string AdminPassword = "Cluster-Admin-Password-1";
    private readonly PostgresTestDatabase database = new();
    private const string CertificatePassword = "p12-password";
    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "dtx-cluster-" + Guid.NewGuid().ToString("N"));
    private readonly List<ServerProcess> nodes = [];
    private string certificate = "";

    private Dictionary<string, string> Settings() => new()
    {
        ["DataProtection:Certificate"] = certificate,
        ["DataProtection:CertificatePassword"] = CertificatePassword,
        ["Database:Provider"] = "Postgres",
        ["ConnectionStrings:Campaign"] = database.ConnectionString,
        ["Bootstrap:AdminEmail"] = AdminEmail,
        ["Bootstrap:AdminPassword"] = AdminPassword,
        ["Storage:DataDirectory"] = dataDirectory,
        ["Scheduling:SchedulerName"] = "dtx-cluster-test",
        ["Scheduling:ClusterCheckinSeconds"] = "2",
        // The test counts the outbox: nobody delivers it.
        ["Email:DeliverInBackground"] = "false",
        ["Security:SignInsPerMinute"] = "1000",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(dataDirectory);
        return database.CreateAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var node in nodes)
            await node.DisposeAsync();
        await database.DisposeAsync();
        try { Directory.Delete(dataDirectory, recursive: true); } catch (IOException) { }
    }

    // One session for the whole cluster, as behind a load balancer: the cookie jar is shared (cookies are per host, not
    // per port) and every node reads the same data-protection keys from the database. Signing in once also spares the
    // test the wait for a fresh authenticator code that a second and third sign-in on the real clock would need.
    private readonly CookieContainer session = new();

    private HttpClient ClientOf(ServerProcess node)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = session }) { BaseAddress = node.Address };
        // A cookie session's changes must name their origin, as a browser's do: each node's own.
        client.DefaultRequestHeaders.Add("Origin", node.Address.GetLeftPart(UriPartial.Authority));
        return client;
    }

    private async Task<HttpClient> LoginAsync(ServerProcess node)
    {
        var client = ClientOf(node);
        // The administrator enrols in two-factor at the first sign-in; the nodes run on the real clock.
        await TwoFactorSignIn.SignInAsync(client, AdminEmail, AdminPassword, new Dictionary<string, string>(), () => DateTime.UtcNow);
        return client;
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The certificate made by docs/operations.md's block, as written, into this test's folder.</summary>
    private async Task<string> DocumentedCertificateAsync()
    {
        var path = Path.Combine(dataDirectory, "keys.p12");
        var block = MarkdownBlocks.Replace(MarkdownBlocks.Under("docs/operations.md", "Cookie and token keys (data protection)")[0],
            ("/etc/dtx-campaign/keys.p12", path), ("'a-long-random-password'", $"'{CertificatePassword}'"));
        var (exitCode, output) = await Shell.RunAsync(block, new Dictionary<string, string?>(), dataDirectory);
        Assert.True(exitCode == 0, output);
        Assert.True(File.Exists(path), output);
        Assert.False(File.Exists(Path.Combine(dataDirectory, "keys.key")), "the block leaves no private key lying about");
        return path;
    }

    [Fact]
    public async Task A_node_killed_mid_campaign_loses_no_saved_work_and_the_deadline_fires_exactly_once_and_keys_are_stored_encrypted()
    {
        certificate = await DocumentedCertificateAsync();
        var settings = Settings();
        var (migrated, output) = await ServerProcess.RunAsync(settings, "migrate");
        Assert.True(migrated == 0, output);

        // Refused cleanly at start: a wrong password, a missing file (one message naming the setting, exit 1).
        var (wrong, wrongOutput) = await ServerProcess.RunAsync(new Dictionary<string, string>(settings) { ["DataProtection:CertificatePassword"] = "not-the-password" });
        Assert.Equal(1, wrong);
        Assert.Contains("DataProtection:Certificate: không mở được", wrongOutput, StringComparison.Ordinal);
        Assert.DoesNotMatch(TestPostgres.StackTraceLine(), wrongOutput);
        var (missing, missingOutput) = await ServerProcess.RunAsync(new Dictionary<string, string>(settings)
        {
            ["DataProtection:Certificate"] = Path.Combine(dataDirectory, "none.p12"), ["DataProtection:CertificatePassword"] = "x",
        });
        Assert.Equal(1, missing);
        Assert.Contains("DataProtection:Certificate: không có tệp", missingOutput, StringComparison.Ordinal);

        var csv = Path.Combine(dataDirectory, "units.csv");
        var demo = await File.ReadAllLinesAsync(RepositoryFiles.Data("units", "hanoi-demo.csv"));
        await File.WriteAllLinesAsync(csv, demo.Take(1).Concat(demo.Where(l => l.Contains(",department,", StringComparison.Ordinal)).Take(6)));
        var (imported, importOutput) = await ServerProcess.RunAsync(settings, "units", "import", csv);
        Assert.True(imported == 0, importOutput);

        nodes.AddRange(await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => ServerProcess.StartAsync(settings))));
        var first = await LoginAsync(nodes[0]);

        // What a reader of the table sees: an encrypted secret, no master key in the clear.
        var keys = new List<string>();
        await using (var connection = new NpgsqlConnection(database.ConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("""SELECT "Xml" FROM "DataProtectionKeys" """, connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                keys.Add(reader.GetString(0));
        }
        Assert.NotEmpty(keys);
        Assert.All(keys, xml =>
        {
            Assert.Contains("<encryptedSecret", xml, StringComparison.Ordinal);
            Assert.DoesNotContain("<masterKey", xml, StringComparison.Ordinal);
        });

        var campaign = await WallClockCampaign.LaunchAsync(first, "chair@cluster.test");
        Assert.Equal(6, campaign.Units.Count);
        await campaign.WaitForStageAsync(first, "self-assessment");

        // Work saved through the first node, which then dies without warning.
        var codes = campaign.Units.Keys.Order(StringComparer.Ordinal).ToList();
        string Url(string code) => campaign.SelfAssessmentUrl(code);
        (await first.PutAsJsonAsync($"{Url(codes[0])}/answers/1.2", new { number = 75, version = 0 })).EnsureSuccessStatusCode();
        nodes[0].Kill();

        // The others carry on: a save and a full submission through the second and third.
        var second = ClientOf(nodes[1]);
        var third = ClientOf(nodes[2]);
        (await second.PutAsJsonAsync($"{Url(codes[1])}/answers/1.2", new { number = 50, version = 0 })).EnsureSuccessStatusCode();
        (await third.PostAsJsonAsync($"{Url(codes[2])}/evidence/references", new { code = "1.1", kind = "link", url = "https://example.gov.vn/qd" })).EnsureSuccessStatusCode();
        foreach (var (code, body) in new (string, object)[] { ("1.1", new { yes = true, version = 0 }), ("1.2", new { number = 80, version = 0 }), ("1.3", new { number = 4, version = 0 }), ("2.1", new { number = 5, version = 0 }) })
            (await third.PutAsJsonAsync($"{Url(codes[2])}/answers/{code}", body)).EnsureSuccessStatusCode();
        (await third.PostAsync($"{Url(codes[2])}/submit", null)).EnsureSuccessStatusCode();

        // The deadline, moved to ten seconds from now, fires on the surviving nodes.
        await campaign.CloseSelfAssessmentSoonAsync(second);
        await campaign.WaitForStageAsync(second, "council-verification");
        var progress = (await third.GetFromJsonAsync<JsonElement[]>($"/api/campaigns/{campaign.Id}/progress"))!.ToDictionary(r => r.GetProperty("unitCode").GetString()!);
        Assert.Equal("submitted", progress[codes[2]].GetProperty("status").GetString());
        Assert.Equal(5, progress.Values.Count(r => r.GetProperty("status").GetString() == "not-submitted"));
        Assert.Equal(1, progress[codes[0]].GetProperty("answered").GetInt32());   // saved through the dead node
        Assert.Equal(1, progress[codes[1]].GetProperty("answered").GetInt32());

        // Exactly once: each stage entered once, each notice to each unit once.
        var instance = await ScalarAsync<Guid>($"SELECT \"WorkflowInstanceId\" FROM campaigns WHERE \"Id\" = '{campaign.Id}'");
        foreach (var stage in new[] { "index-publication", "self-assessment", "council-verification" })
            Assert.Equal(1L, await ScalarAsync<long>($"SELECT count(*) FROM wf_journal WHERE \"InstanceId\" = '{instance}' AND \"Outcome\" = 'entered' AND \"Stage\" = '{stage}'"));
        foreach (var template in new[] { "index-publication", "self-assessment-opening", "deadline-closed" })
            Assert.Equal(6L, await ScalarAsync<long>($"SELECT count(*) FROM wf_outbox WHERE \"InstanceId\" = '{instance}' AND \"PayloadJson\" LIKE '%\"template\":\"{template}\"%'"));

        // A node without the certificate cannot read the keys, so the session is nobody's there (started last, outside the
        // scheduler's cluster, so that it changes nothing counted above).
        var outsider = new Dictionary<string, string>(settings) { ["Scheduling:Enabled"] = "false" };
        outsider.Remove("DataProtection:Certificate");
        outsider.Remove("DataProtection:CertificatePassword");
        var uncertified = await ServerProcess.StartAsync(outsider);
        nodes.Add(uncertified);
        using var onUncertified = ClientOf(uncertified);
        Assert.Equal(HttpStatusCode.OK, (await third.GetAsync("/api/campaigns")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await onUncertified.GetAsync("/api/campaigns")).StatusCode);
    }
}
