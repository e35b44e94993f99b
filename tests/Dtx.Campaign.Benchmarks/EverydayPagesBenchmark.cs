using System.Diagnostics;
using System.Net;

namespace Dtx.Campaign.Benchmarks;

/// <summary>
/// Scenario: the pages people open all day, for a campaign of the size of Vietnam's commune level (3,321 units by
/// default): the administrator's campaign dashboard, the council's campaign overview, a unit's self-assessment form and
/// its results page. One person, one request at a time (what they wait for), against a static file from the same
/// process measured the same way in the same run.
/// </summary>
internal static class EverydayPagesBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var units = Bench.Option(args, "units", 3321);
        var repeats = Bench.Option(args, "requests", 20);
        await using var database = await Bench.Database.CreateAsync();
        var port = Bench.FreePort();
        await using var app = await Bench.StartServerAsync(database, port);
        var set = Bench.RatioSet("bench-everyday", "commune", 6, 5);
        var seeded = await Bench.SeedPublishedAsync(app, database, set, units);

        using var person = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer() }) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await Bench.SignInAsAdminAsync(person);
        var (campaign, unit) = (seeded.CampaignId, seeded.Participants[units / 2].UnitId);
        var rows = new List<(string Name, string Path)>
        {
            ("static file /css/site.css", "/css/site.css"),
            ("admin campaign dashboard", $"/admin/campaign/{campaign}"),
            ("council campaign overview", $"/council/{campaign}"),
            ("a unit's self-assessment form", $"/unit/assessment/{campaign}/{unit}"),
            ("a unit's results page", $"/unit/results/{campaign}/{unit}"),
        };
        var figures = new List<(string Name, string Value)>();
        double? staticP50 = null;
        foreach (var (name, path) in rows)
        {
            var times = new List<double>();
            long bytes = 0;
            for (var i = 0; i < repeats + 3; i++)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await person.GetAsync(path);
                var body = await response.Content.ReadAsByteArrayAsync();
                var ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (!response.IsSuccessStatusCode)
                    throw new InvalidOperationException($"{path}: {(int)response.StatusCode}");
                bytes = body.Length;
                if (i >= 3) // the first requests pay for JIT and query compilation
                    times.Add(ms);
            }
            times.Sort();
            var (p50, p95) = (times[times.Count / 2], times[(int)Math.Ceiling(times.Count * 0.95) - 1]);
            staticP50 ??= p50;
            Console.WriteLine($"measured {name}: {bytes / 1024.0:0} KB (process {Environment.ProcessId})");
            figures.Add((name, $"p50 {Bench.Ms(p50)}, p95 {Bench.Ms(p95)}, {bytes / 1024.0:0} KB" + (staticP50 is { } s && name != rows[0].Name ? $", {p50 / s:0}× the static file" : "")));
        }
        await app.StopAsync();
        Bench.Print($"everyday pages: one person, {repeats} requests each after 3 warm-ups, a campaign of {units} units × {set.Leaves().Count()} indicators",
            [.. figures, ("goal", "each page < 300 ms")]);
    }
}
