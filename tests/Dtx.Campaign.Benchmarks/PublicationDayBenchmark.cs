using System.Net;

namespace Dtx.Campaign.Benchmarks;

/// <summary>
/// Scenario: the day results are published. Many anonymous visitors read the ranking page, unit pages and the
/// public results API (served from the output cache), against a static file served by the same process in the
/// same run; a signed-in reader of the same ranking page (rendered for them, never cached) shows what a page
/// costs without the cache.
/// </summary>
internal static class PublicationDayBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var units = Bench.Option(args, "units", 143);
        var visitors = Bench.Option(args, "visitors", 64);
        var requests = Bench.Option(args, "requests", 4000);
        await using var database = await Bench.Database.CreateAsync();
        var port = Bench.FreePort();
        await using var app = await Bench.StartServerAsync(database, port);
        var set = Bench.RatioSet("bench-publication", "commune", 6, 5);
        var seeded = await Bench.SeedPublishedAsync(app, database, set, units);

        var address = new Uri($"http://127.0.0.1:{port}");
        HttpClient Client(CookieContainer? cookies = null)
        {
            var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = visitors, CookieContainer = cookies ?? new CookieContainer(), UseCookies = cookies is not null })
                { BaseAddress = address };
            // What a browser sends. The bytes are counted, not unpacked: a reader's browser unpacks them on its own machine.
            client.DefaultRequestHeaders.Add("Accept-Encoding", "gzip, deflate, br, zstd");
            return client;
        }
        using var anonymous = Client();
        using var signedIn = Client(new CookieContainer());
        await Bench.SignInAsAdminAsync(signedIn);

        var ranking = $"/public/results/{seeded.CampaignId}?category=commune";
        var codes = Enumerable.Range(1, units).Select(i => $"U{i:D5}").ToList();
        var rows = new List<(string Name, Func<int, Task<HttpResponseMessage>> Send)>
        {
            ("static file /css/site.css", _ => anonymous.GetAsync("/css/site.css")),
            ("static file htmx.min.js (51 KB)", _ => anonymous.GetAsync("/lib/htmx/htmx.min.js")),
            ("ranking page, anonymous (cached)", _ => anonymous.GetAsync(ranking)),
            ($"unit pages ×{units}, anonymous (cached)", i => anonymous.GetAsync($"/public/results/{seeded.CampaignId}/units/{codes[i % units]}")),
            ("public results API, anonymous (cached)", _ => anonymous.GetAsync($"/api/public/results/{seeded.CampaignId}")),
            ("ranking page, signed in (rendered)", _ => signedIn.GetAsync(ranking)),
            // Again at the end: the first row also pays for a cold process, and the limit is the better of the two.
            ("static file /css/site.css (again)", _ => anonymous.GetAsync("/css/site.css")),
        };

        var figures = new List<(string Name, string Value, double PerSecond)>();
        foreach (var (name, send) in rows)
        {
            // Warm up: JIT, connections, and one visit of each page so that the cache holds it (the first reader pays).
            await Bench.LoadAsync(Math.Min(visitors, 8), Math.Max(units, 200), send);
            using (var probe = await send(0))
            {
                var bytes = (await probe.Content.ReadAsByteArrayAsync()).Length;
                var age = probe.Headers.Age is null ? "no Age header" : "has Age header";
                var encoding = probe.Content.Headers.ContentEncoding.SingleOrDefault() ?? "not compressed";
                Console.WriteLine($"measuring {name}: {(int)probe.StatusCode}, {bytes / 1024.0:0.0} KB sent ({encoding}), {age} (process {Environment.ProcessId})");
            }
            var run = await Bench.LoadAsync(visitors, requests, send);
            figures.Add((name, $"{run.PerSecond:0} /s, p50 {Bench.Ms(run.P50)}, p99 {Bench.Ms(run.P99)}" + (run.Failed > 0 ? $", {run.Failed} FAILED" : ""), run.PerSecond));
        }
        await app.StopAsync();
        var limit = Math.Max(figures[0].PerSecond, figures[^1].PerSecond);
        Bench.Print($"publication day: {visitors} visitors, {requests} requests per row, {units} units × {set.Leaves().Count()} indicators",
            [.. figures.SelectMany(f => new[] { (f.Name, f.Value), ("  / static file (the better run)", Bench.Ratio(f.PerSecond, limit)) }),
             ("goal", "cached pages ≥ 0.50 of the static file at 64 visitors")]);
    }
}
