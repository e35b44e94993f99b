using System.Net;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Npgsql;

namespace Dtx.Campaign.Server.Tests.Deployment;

/// <summary>
/// The data-protection keys (they sign sign-in cookies) encrypted at rest with <c>DataProtection:Certificate</c>:
/// what the database holds is no key a reader of the table could use, every node holding the certificate accepts a
/// session signed in on another, and a node without it cannot (so the encryption is real). Real server processes on
/// one PostgreSQL, with the certificate made by the commands of docs/operations.md.
/// </summary>
[LongRunning]
public sealed class KeyProtectionTests : IAsyncLifetime
{
    private const string AdminEmail = "admin@keys.test";
    private const string AdminPassword = "Keys-Admin-Password-1";
    private readonly PostgresTestDatabase database = new();
    private readonly string folder = Path.Combine(Path.GetTempPath(), "dtx-tests", "keys-" + Guid.NewGuid().ToString("N"));
    private readonly List<ServerProcess> nodes = [];

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(folder);
        return database.CreateAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var node in nodes)
            await node.DisposeAsync();
        await database.DisposeAsync();
        try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
    }

    private Dictionary<string, string> Settings(string? certificate = null, string? password = null)
    {
        var settings = new Dictionary<string, string>
        {
            ["Database:Provider"] = "Postgres",
            ["ConnectionStrings:Campaign"] = database.ConnectionString,
            ["Bootstrap:AdminEmail"] = AdminEmail,
            ["Bootstrap:AdminPassword"] = AdminPassword,
            ["Storage:DataDirectory"] = Path.Combine(folder, "data"),
            ["Scheduling:Enabled"] = "false",
            ["Email:DeliverInBackground"] = "false",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        if (certificate is not null)
            settings["DataProtection:Certificate"] = certificate;
        if (password is not null)
            settings["DataProtection:CertificatePassword"] = password;
        return settings;
    }

    /// <summary>The certificate made by docs/operations.md's block, as written, into this test's folder.</summary>
    private async Task<string> DocumentedCertificateAsync(string password)
    {
        var path = Path.Combine(folder, "keys.p12");
        var block = MarkdownBlocks.Replace(MarkdownBlocks.Under("docs/operations.md", "Cookie and token keys (data protection)")[0],
            ("/etc/dtx-campaign/keys.p12", path), ("'a-long-random-password'", $"'{password}'"));
        var (exitCode, output) = await Shell.RunAsync(block, new Dictionary<string, string?>(), folder);
        Assert.True(exitCode == 0, output);
        Assert.True(File.Exists(path), output);
        Assert.False(File.Exists(Path.Combine(folder, "keys.key")), "the block leaves no private key lying about");
        return path;
    }

    private async Task<ServerProcess> StartAsync(Dictionary<string, string> settings)
    {
        var node = await ServerProcess.StartAsync(settings);
        nodes.Add(node);
        return node;
    }

    [Fact]
    public async Task Keys_are_stored_encrypted_and_only_nodes_holding_the_certificate_accept_a_session()
    {
        var certificate = await DocumentedCertificateAsync("p12-password");
        var (migrated, migrateOutput) = await ServerProcess.RunAsync(Settings(), "migrate");
        Assert.True(migrated == 0, migrateOutput);

        // Refused cleanly at start: a wrong password, a missing file (one message naming the setting, exit 1).
        var (wrong, wrongOutput) = await ServerProcess.RunAsync(Settings(certificate, "not-the-password"));
        Assert.Equal(1, wrong);
        Assert.Contains("DataProtection:Certificate: không mở được", wrongOutput, StringComparison.Ordinal);
        Assert.DoesNotMatch(TestPostgres.StackTraceLine(), wrongOutput);
        var (missing, missingOutput) = await ServerProcess.RunAsync(Settings(Path.Combine(folder, "none.p12"), "x"));
        Assert.Equal(1, missing);
        Assert.Contains("DataProtection:Certificate: không có tệp", missingOutput, StringComparison.Ordinal);

        var first = await StartAsync(Settings(certificate, "p12-password"));
        var session = new CookieContainer();
        using var onFirst = new HttpClient(new HttpClientHandler { CookieContainer = session }) { BaseAddress = first.Address };
        await TwoFactorSignIn.SignInAsync(onFirst, AdminEmail, AdminPassword, new Dictionary<string, string>(), () => DateTime.UtcNow);
        Assert.Equal(HttpStatusCode.OK, (await onFirst.GetAsync("/api/campaigns")).StatusCode);

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

        // Another node with the certificate takes the session; one without it cannot read the key, so the cookie is
        // nobody's there.
        var second = await StartAsync(Settings(certificate, "p12-password"));
        using var onSecond = new HttpClient(new HttpClientHandler { CookieContainer = session }) { BaseAddress = second.Address };
        Assert.Equal(HttpStatusCode.OK, (await onSecond.GetAsync("/api/campaigns")).StatusCode);
        var third = await StartAsync(Settings());
        using var onThird = new HttpClient(new HttpClientHandler { CookieContainer = session }) { BaseAddress = third.Address };
        Assert.Equal(HttpStatusCode.Unauthorized, (await onThird.GetAsync("/api/campaigns")).StatusCode);
    }
}
