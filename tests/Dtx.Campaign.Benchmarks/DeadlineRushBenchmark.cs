using System.Net;
using Npgsql;

namespace Dtx.Campaign.Benchmarks;

/// <summary>
/// Scenario 1: many clients saving indicator values at once over HTTP against the real server on
/// PostgreSQL (authentication, authorization, validation, scoring, lock, audit), against a minimal
/// endpoint doing the same single-row upsert with raw Npgsql. Same machine, same client, same run.
/// </summary>
internal static class DeadlineRushBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var units = Bench.Option(args, "units", 5000);
        var clients = Bench.Option(args, "clients", 64);
        var requests = Bench.Option(args, "requests", 6000);
        // A form's size and how much of it is filled in when the rush begins: a save reads, scores and totals the whole
        // unit. The defaults (6 indicators, none answered) keep the series comparable with earlier runs; a commune's real
        // set has about 60 indicators, most of them answered on the deadline day.
        var indicators = Bench.Option(args, "indicators", 6);
        var answered = Bench.Option(args, "answered", 0);
        await using var database = await Bench.Database.CreateAsync();
        var port = Bench.FreePort();
        await using var app = await Bench.StartServerAsync(database, port);
        var set = Bench.RatioSet("bench-rush", "commune", 2, Math.Max(1, indicators / 2));
        var seeded = await Bench.SeedAsync(app.Services, set, units);
        var leaves = set.Leaves().Select(l => l.Code).ToList();
        // The answers already in are the last ones of the form; the warm-up and the measured saves answer the first ones.
        var free = leaves.Count - Math.Clamp(answered, 0, leaves.Count - 1);
        if (answered > 0)
            await Bench.AnswerAllAsync(database, seeded, leaves[free..], submit: false);
        leaves = leaves[..free];
        requests = Math.Min(requests, (units - Math.Min(1000, units / 5)) * leaves.Count);

        // The raw baseline: the same HTTP stack, no framework of ours, one upsert.
        await using (var connection = new NpgsqlConnection(database.ConnectionString))
        {
            await connection.OpenAsync();
            await new NpgsqlCommand("CREATE TABLE raw_answers (participant uuid, code varchar(50), number numeric, version int, updated_at timestamptz, PRIMARY KEY (participant, code))", connection)
                .ExecuteNonQueryAsync();
        }
        var rawPort = Bench.FreePort();
        var rawBuilder = WebApplication.CreateSlimBuilder();
        rawBuilder.WebHost.UseUrls($"http://127.0.0.1:{rawPort}");
        rawBuilder.Logging.ClearProviders();
        var rawApp = rawBuilder.Build();
        await using var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(database.ConnectionString) { MaxPoolSize = 80 }.ConnectionString);
        rawApp.MapPut("/raw/{participant:guid}/{code}", async (Guid participant, string code, HttpRequest request) =>
        {
            var body = await request.ReadFromJsonAsync<Dictionary<string, decimal>>();
            await using var command = dataSource.CreateCommand(
                "INSERT INTO raw_answers VALUES ($1, $2, $3, 1, now()) ON CONFLICT (participant, code) DO UPDATE SET number = excluded.number, version = raw_answers.version + 1, updated_at = now()");
            command.Parameters.AddWithValue(participant);
            command.Parameters.AddWithValue(code);
            command.Parameters.AddWithValue(body!["number"]);
            await command.ExecuteNonQueryAsync();
            return Results.Ok();
        });
        await rawApp.StartAsync();

        using var ours = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer(), MaxConnectionsPerServer = clients }) { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        await Bench.SignInAsAdminAsync(ours);
        using var rawClient = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients }) { BaseAddress = new Uri($"http://127.0.0.1:{rawPort}") };

        // Warm up ours (pool, and the JIT until the code is fully tiered: a server on the deadline day has run for hours)
        // with first saves on units the measured run leaves alone. 50 saves were too few: the JIT compiled 5 600 methods
        // (24 s of compilation on the 2 cores) while ours was measured (2026-12-07). After each round the JIT is let
        // finish what the round queued; rounds go on until one compiles next to nothing.
        var reserved = Math.Min(1000, units / 5);
        var warmUp = 0;
        for (var round = 0; round < 12 && warmUp + 500 <= reserved * leaves.Count; round++)
        {
            var compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
            var first = warmUp;
            await Bench.LoadAsync(clients, 500, i => ours.PutAsJsonAsync(
                $"/api/campaigns/{seeded.CampaignId}/units/{seeded.Participants[units - 1 - (first + i) % reserved].UnitId}/self-assessment/answers/{leaves[(first + i) / reserved % leaves.Count]}",
                new { number = i % 100, version = 0 }));
            warmUp += 500;
            await Bench.JitSettledAsync();
            if (System.Runtime.JitInfo.GetCompiledMethodCount() - compiled < 25)
                break;
        }
        Console.WriteLine($"warmed up: {warmUp} saves");

        (string Url, object Body) Work(int i)
        {
            var (participant, unit) = seeded.Participants[i % (units - reserved)];
            return ($"{participant}|{unit}|{leaves[i / (units - reserved) % leaves.Count]}", new { number = (i * 7) % 101, version = 0 });
        }
        Console.WriteLine($"measuring ours: {requests} saves (process {Environment.ProcessId})");
        var sampler = WaitEventSampler.Start(database.ConnectionString);
        var oursCpu = CpuMeter.Start();
        var oursRun = await Bench.LoadAsync(clients, requests, i =>
        {
            var (key, body) = Work(i);
            var parts = key.Split('|');
            return ours.PutAsJsonAsync($"/api/campaigns/{seeded.CampaignId}/units/{parts[1]}/self-assessment/answers/{parts[2]}", body);
        });
        var oursCpuPerSave = oursCpu.PerRequest(requests);
        var oursJitted = oursCpu.Jitted();
        var oursWaits = await sampler.StopAsync();
        // PostgreSQL allows 100 connections by default and each side may open up to one per client, so neither holds idle
        // connections while the other is measured: raw opens none before ours is measured (its data source's pool is not
        // one ClearAllPools closes), and ours' are closed before raw is warmed up. Each side is warmed up just before it is
        // measured. (Warmed up together, a pool that had to grow while ours was measured was refused: "too many clients".)
        NpgsqlConnection.ClearAllPools();
        await Bench.LoadAsync(clients, warmUp, i => rawClient.PutAsJsonAsync($"/raw/{Guid.NewGuid()}/{leaves[0]}", new { number = 50 }));
        await Bench.JitSettledAsync();
        Console.WriteLine($"measuring raw: {requests} upserts");
        sampler = WaitEventSampler.Start(database.ConnectionString);
        var rawCpu = CpuMeter.Start();
        var rawRun = await Bench.LoadAsync(clients, requests, i =>
        {
            var (key, body) = Work(i);
            var parts = key.Split('|');
            return rawClient.PutAsJsonAsync($"/raw/{parts[0]}/{parts[2]}", body);
        });
        var rawCpuPerSave = rawCpu.PerRequest(requests);
        var rawWaits = await sampler.StopAsync();
        await rawApp.StopAsync();
        await app.StopAsync();

        Bench.Print($"deadline rush: {clients} clients, {requests} saves over {units} units of {set.Leaves().Count()} indicators, {set.Leaves().Count() - free} answered before",
            ("ours: throughput", $"{oursRun.PerSecond:0} saves/s ({oursRun.Failed} failed)"),
            ("ours: p50 / p99", $"{Bench.Ms(oursRun.P50)} / {Bench.Ms(oursRun.P99)}"),
            ("raw upsert: throughput", $"{rawRun.PerSecond:0} saves/s ({rawRun.Failed} failed)"),
            ("raw upsert: p50 / p99", $"{Bench.Ms(rawRun.P50)} / {Bench.Ms(rawRun.P99)}"),
            ("ours / raw throughput", Bench.Ratio(oursRun.PerSecond, rawRun.PerSecond)),
            // CPU per save does not depend on what else the machine runs; the sampler's own queries are in PostgreSQL's share.
            ("ours: CPU per save, server+client / PostgreSQL", $"{Bench.CpuMs(oursCpuPerSave.Process)} / {Bench.CpuMs(oursCpuPerSave.Postgres)}"),
            ("ours: methods compiled by the JIT during the run", $"{oursJitted.Methods} ({oursJitted.Time.TotalMilliseconds:0} ms)"),
            ("raw: CPU per save, server+client / PostgreSQL", $"{Bench.CpuMs(rawCpuPerSave.Process)} / {Bench.CpuMs(rawCpuPerSave.Postgres)}"),
            ("goal (issue #21)", $"≥ 0.50 of raw and p99 < 150 ms: {(oursRun.PerSecond >= 0.5 * rawRun.PerSecond ? "throughput met" : "throughput NOT met")}, {(oursRun.P99 < 150 ? "p99 met" : "p99 NOT met")}"));
        // Where the database connections spent the run: average number of backends in each state.
        Bench.Print("deadline rush: PostgreSQL backends by state (average per sample)",
            [.. oursWaits.Take(8).Select(w => ("ours: " + w.State, w.Backends.ToString("0.0", Bench.Invariant))),
             .. rawWaits.Take(5).Select(w => ("raw: " + w.State, w.Backends.ToString("0.0", Bench.Invariant)))]);
    }
}
