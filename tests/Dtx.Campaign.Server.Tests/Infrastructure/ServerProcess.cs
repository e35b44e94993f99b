using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Dtx.Campaign.Server.Tests.Infrastructure;

/// <summary>
/// The real server executable (the build output of src/Dtx.Campaign.Server, same configuration as the
/// tests) started as a child process: for several nodes, for killing one, and for the admin commands.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly System.Text.StringBuilder log = new();

    private ServerProcess(Process process) => this.process = process;

    public int Port { get; private init; }

    public Uri Address => new($"http://127.0.0.1:{Port}");

    public string Log { get { lock (log) return log.ToString(); } }

    /// <summary>The server's dll, built next to the tests in the same configuration (Debug or Release).</summary>
    public static string ServerDll
    {
        get
        {
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
            var dll = Path.Combine(RepositoryFiles.Root, "src", "Dtx.Campaign.Server", "bin", configuration, "net10.0", "dtx-campaign.dll");
            return File.Exists(dll) ? dll : throw new FileNotFoundException($"The server is not built at {dll}; build the solution first.");
        }
    }

    /// <summary>
    /// The .NET runtime of every process a test starts, without profile-guided tiering: these processes live seconds to a
    /// few minutes, and instrumenting hot methods for a rejit they rarely reach cost about a tenth of a node's start-up CPU
    /// (5.8 against 6.7 s to a healthy node, 2026-12-07). A runtime knob, not a setting: the server behaves the same.
    /// </summary>
    public static void ForShortLives(IDictionary<string, string?> environment) => environment["DOTNET_TieredPGO"] = "0";

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static ProcessStartInfo StartInfo(IReadOnlyDictionary<string, string> settings, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(ServerDll);
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        info.Environment["DOTNET_ENVIRONMENT"] = "Production";
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        ForShortLives(info.Environment);
        info.Environment["Email__PublicBaseUrl"] = "https://dtx.example.test";   // Production refuses localhost links
        foreach (var (key, value) in settings)
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        return info;
    }

    /// <summary>Runs an admin command (e.g. <c>audit verify</c>) to its end.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(IReadOnlyDictionary<string, string> settings, params string[] args)
    {
        using var process = Process.Start(StartInfo(settings, args))!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await output + await error);
    }

    /// <summary>Starts a node and waits until it answers /healthz (three minutes by default: generous, for a busy machine).</summary>
    public static async Task<ServerProcess> StartAsync(IReadOnlyDictionary<string, string> settings, TimeSpan? startTimeout = null)
    {
        var deadline = DateTime.UtcNow + (startTimeout ?? TimeSpan.FromMinutes(3));
        var port = FreePort();
        var all = new Dictionary<string, string>(settings) { ["Urls"] = $"http://127.0.0.1:{port}" };
        var node = new ServerProcess(Process.Start(StartInfo(all))!) { Port = port };
        node.process.OutputDataReceived += (_, e) => node.Append(e.Data);
        node.process.ErrorDataReceived += (_, e) => node.Append(e.Data);
        node.process.BeginOutputReadLine();
        node.process.BeginErrorReadLine();
        // A probe the node has accepted is awaited, up to the deadline: cut off after a few seconds on a busy machine, it
        // cancelled the node's database health check, which the node then logs as a failure.
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        using var probing = new CancellationTokenSource(deadline - DateTime.UtcNow);
        while (DateTime.UtcNow < deadline)
        {
            if (node.process.HasExited)
                throw new InvalidOperationException($"The node on port {port} exited with {node.process.ExitCode}: {node.Log}");
            try
            {
                if ((await http.GetAsync(new Uri(node.Address, "/healthz"), probing.Token)).IsSuccessStatusCode)
                    return node;
            }
            catch (HttpRequestException) { }   // not listening yet
            catch (TaskCanceledException) { }  // the deadline
            await Task.Delay(500);
        }
        throw new TimeoutException($"The node on port {port} did not become healthy: {node.Log}");
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (log)
            log.AppendLine(line);
    }

    /// <summary>Ends the node at once, as a crash or a pulled plug would: no shutdown work.</summary>
    public void Kill() => process.Kill(entireProcessTree: true);

    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }
}
