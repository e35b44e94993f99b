using System.Diagnostics;
using System.Net;

namespace Dtx.Campaign.Benchmarks;

/// <summary>Scenario 6: from starting the executable (SQLite, empty data directory) to the first /healthz 200, and memory when idle.</summary>
internal static class ColdStartBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var runs = Bench.Option(args, "runs", 3);
        var dll = Path.Combine(FindRoot(), "src", "Dtx.Campaign.Server", "bin", "Release", "net10.0", "dtx-campaign.dll");
        if (!File.Exists(dll))
            throw new FileNotFoundException($"build the server in Release first: {dll}");
        var starts = new List<double>();
        long idleRss = 0;
        for (var run = 0; run < runs; run++)
        {
            var port = FreePort();
            var data = Path.Combine(Path.GetTempPath(), "dtx-cold-" + Guid.NewGuid().ToString("N"));
            var info = new ProcessStartInfo("dotnet", [dll]) { RedirectStandardOutput = true, RedirectStandardError = true };
            info.Environment["Urls"] = $"http://127.0.0.1:{port}";
            info.Environment["Storage__DataDirectory"] = data;
            info.Environment["Logging__LogLevel__Default"] = "Warning";
            // A server starts with the JIT's defaults, whatever the benchmark runs with (see Bench.Tiering).
            info.Environment.Remove("DOTNET_TC_CallCountingDelayMs");
            var watch = Stopwatch.StartNew();
            using var process = Process.Start(info)!;
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
            while (watch.Elapsed < TimeSpan.FromMinutes(2))
            {
                try
                {
                    if ((await http.GetAsync($"http://127.0.0.1:{port}/healthz")).StatusCode == HttpStatusCode.OK)
                        break;
                }
                catch (HttpRequestException) { }
                catch (TaskCanceledException) { }
                await Task.Delay(20);
            }
            starts.Add(watch.Elapsed.TotalMilliseconds);
            await Task.Delay(TimeSpan.FromSeconds(5));
            process.Refresh();
            idleRss = Math.Max(idleRss, process.WorkingSet64);
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
        Bench.Print($"cold start: {runs} runs on SQLite (first run creates and migrates the database)",
            ("start to first /healthz 200", string.Join(", ", starts.Select(Bench.Ms))),
            ("idle working set after 5 s", $"{idleRss / 1024.0 / 1024:0} MB"));
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Dtx.Campaign.sln")))
                return dir.FullName;
        throw new DirectoryNotFoundException("repository root");
    }
}
