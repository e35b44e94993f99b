using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using Dtx.Campaign.Server.Tests.Infrastructure;

namespace Dtx.Campaign.Server.Tests.Deployment;

/// <summary>
/// deploy/local-cluster.sh run as a person would, on the published build: three nodes and nginx on one new
/// PostgreSQL database, notices to a real SMTP server. Through nginx the administrator the script announces signs
/// in and launches a campaign; one node is killed; the deadline still fires and every notice arrives exactly once;
/// Ctrl-C (SIGTERM here) leaves no process behind.
/// </summary>
[LongRunning]
public sealed partial class LocalClusterScriptTests(PublishedServer published) : IClassFixture<PublishedServer>, IAsyncLifetime
{
    private readonly string databaseName = "dtx_cluster_" + Guid.NewGuid().ToString("N")[..12];
    private readonly SmtpTestServer smtp = new();
    private readonly StringBuilder output = new();
    private Process? script;

    public Task InitializeAsync() => smtp.StartAsync();

    public async Task DisposeAsync()
    {
        if (script is { HasExited: false })
        {
            script.Kill(entireProcessTree: true);
            await script.WaitForExitAsync();
        }
        script?.Dispose();
        await smtp.DisposeAsync();
        await TestPostgres.ExecuteAsync(PostgresTestDatabase.AdminConnection, $"DROP DATABASE IF EXISTS {databaseName} WITH (FORCE)");
    }

    private string Output { get { lock (output) return output.ToString(); } }

    private void Start(IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("bash", [Path.Combine(RepositoryFiles.Root, "deploy", "local-cluster.sh")])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Path.GetTempPath(),
        };
        // A plain shell, as the person's: the test runner's environment choice does not leak in.
        info.Environment.Remove("ASPNETCORE_ENVIRONMENT");
        info.Environment.Remove("DOTNET_ENVIRONMENT");
        ServerProcess.ForShortLives(info.Environment);
        foreach (var (key, value) in environment)
            info.Environment[key] = value;
        script = Process.Start(info)!;
        script.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        script.ErrorDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        script.BeginOutputReadLine();
        script.BeginErrorReadLine();
    }

    private async Task WaitForOutputAsync(string text)
    {
        var deadline = DateTime.UtcNow.AddMinutes(4);   // generous: three nodes start on a possibly busy machine
        while (!Output.Contains(text, StringComparison.Ordinal))
        {
            if (script!.HasExited)
                throw new InvalidOperationException($"local-cluster.sh exited with {script.ExitCode}:\n{Output}");
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"local-cluster.sh did not print '{text}':\n{Output}");
            await Task.Delay(200);
        }
    }

    /// <summary>
    /// Waits until at least <paramref name="atLeast"/> messages arrived and the SMTP server holds exactly what the
    /// outbox says was sent, with nothing left to send.
    /// </summary>
    private async Task<IReadOnlyList<MimeKit.MimeMessage>> WaitForMailAsync(int atLeast)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            var received = smtp.Messages();
            var queued = await TestPostgres.CountAsync(Connection, """SELECT count(*) FROM wf_outbox WHERE "Kind" = 'email'""");
            var unsent = await TestPostgres.CountAsync(Connection, """SELECT count(*) FROM wf_outbox WHERE "Kind" = 'email' AND "SentAt" IS NULL""");
            if (received.Count >= atLeast && received.Count == queued && unsent == 0)
                return received;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{received.Count} messages received, {queued} queued, {unsent} unsent, at least {atLeast} expected: " +
                    string.Join(" | ", received.Select(m => $"{m.To} {m.Subject}")));
            await Task.Delay(250);
        }
    }

    private static bool Listens(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    [Fact]
    public async Task Three_nodes_behind_nginx_survive_a_killed_node_deliver_each_notice_once_and_stop_on_ctrl_c()
    {
        var port = ServerProcess.FreePort();
        var nodePorts = new[] { ServerProcess.FreePort(), ServerProcess.FreePort(), ServerProcess.FreePort() };
        Start(new Dictionary<string, string>
        {
            ["DTX_CLUSTER_DB"] = databaseName,
            ["DTX_CLUSTER_PORT"] = port.ToString(CultureInfo.InvariantCulture),
            ["DTX_CLUSTER_NODE_PORTS"] = string.Join(' ', nodePorts),
            ["DTX_CLUSTER_APP"] = published.Folder,
            ["Email__SmtpHost"] = "127.0.0.1", ["Email__SmtpPort"] = smtp.Port.ToString(CultureInfo.InvariantCulture), ["Email__Security"] = "None",
            ["Email__PollSeconds"] = "1",
            // A silent node's timers are taken over after three to four check-ins: seconds here, not half a minute.
            ["Scheduling__ClusterCheckinSeconds"] = "2",
        });
        await WaitForOutputAsync("Nodes behind");
        // The script says the password last, after the nodes answer: a line of its own, maybe not printed yet.
        await WaitForOutputAsync("password (shown once):");
        var password = FirstAdministrator().Match(Output);
        Assert.True(password.Success, Output);
        var pids = NodeLine().Matches(Output).ToDictionary(m => int.Parse(m.Groups["port"].Value, CultureInfo.InvariantCulture), m => int.Parse(m.Groups["pid"].Value, CultureInfo.InvariantCulture));
        Assert.Equal(nodePorts.Order(), pids.Keys.Order());

        // Everything through nginx, as the person's browser would go.
        var address = new Uri($"http://127.0.0.1:{port}");
        using var admin = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = address };
        await TwoFactorSignIn.SignInAsync(admin, "admin@dtx.local", password.Groups["password"].Value, new Dictionary<string, string>(), () => DateTime.UtcNow);
        // A large answer crosses nginx whole (its workers buffer it in their temp folder inside the script's folder).
        var chart = await admin.GetByteArrayAsync("/lib/chartjs/chart.umd.min.js");
        Assert.Equal(new FileInfo(Path.Combine(published.Folder, "wwwroot", "lib", "chartjs", "chart.umd.min.js")).Length, chart.Length);

        var demo = await File.ReadAllLinesAsync(RepositoryFiles.Data("units", "hanoi-demo.csv"));
        var units = string.Join('\n', demo.Take(1).Concat(demo.Where(l => l.Contains(",department,", StringComparison.Ordinal)).Take(6)));
        (await admin.PostAsync("/api/units/import", Multipart.File("units.csv", units))).EnsureSuccessStatusCode();
        var campaign = await WallClockCampaign.LaunchAsync(admin, "chair@cluster.test");
        Assert.Equal(6, campaign.Units.Count);
        await campaign.WaitForStageAsync(admin, "self-assessment");
        // Index published and self-assessment open: one e-mail each to six units (and whatever the council gets).
        var opened = (await WaitForMailAsync(12)).Count;

        // One node dies without warning; nginx sends the work to the others.
        Process.GetProcessById(pids[nodePorts[0]]).Kill();
        var code = campaign.Units.Keys.Order(StringComparer.Ordinal).First();
        for (var i = 0; i < 3; i++)
            (await admin.PutAsJsonAsync($"{campaign.SelfAssessmentUrl(code)}/answers/1.2", new { number = 40 + i, version = i })).EnsureSuccessStatusCode();
        await campaign.CloseSelfAssessmentSoonAsync(admin);
        await campaign.WaitForStageAsync(admin, "council-verification");

        // The deadline's notices too, and each message exactly once.
        var messages = await WaitForMailAsync(opened + 6);
        Assert.Equal(messages.Count, messages.Select(m => m.MessageId).Distinct().Count());
        Assert.Equal(messages.Count, messages.Select(m => (m.To.ToString(), m.Subject)).Distinct().Count());
        // Links in notices name the public address the script sets, not a node's.
        var links = messages.SelectMany(m => Link().Matches(m.TextBody ?? "").Select(l => l.Value)).ToList();
        Assert.NotEmpty(links);
        Assert.All(links, l => Assert.Matches(@"^https://dtx\.example\.gov\.vn(/|\.?$)", l));

        // Ctrl-C: the script stops nginx and the nodes left.
        using (var interrupt = Process.Start("kill", ["-TERM", script!.Id.ToString(CultureInfo.InvariantCulture)]))
            await interrupt.WaitForExitAsync();
        await script.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        Assert.False(Listens(port), "nginx still listens");
        Assert.All(nodePorts, p => Assert.False(Listens(p), $"a node still listens on {p}"));
    }

    private string Connection => new Npgsql.NpgsqlConnectionStringBuilder(PostgresTestDatabase.AdminConnection) { Database = databaseName }.ConnectionString;

    [GeneratedRegex(@"First administrator admin@dtx\.local, password \(shown once\): (?<password>\S+)")]
    private static partial Regex FirstAdministrator();

    [GeneratedRegex(@"Node http://127\.0\.0\.1:(?<port>\d+): pid (?<pid>\d+)")]
    private static partial Regex NodeLine();

    [GeneratedRegex(@"https?://\S+")]
    private static partial Regex Link();
}
