using System.Diagnostics;
using Dtx.Campaign.Server.Data;
using Microsoft.EntityFrameworkCore;
using Dtx.Campaign.Server.Results;
using Npgsql;

namespace Dtx.Campaign.Benchmarks;

/// <summary>Scenario 2: final results (score, rank, aggregate, canonical JSON, store) for N units × M indicators, against one SQL aggregate over the same rows.</summary>
internal static class ResultsBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var units = Bench.Option(args, "units", 5000);
        var indicators = Bench.Option(args, "indicators", 60);
        await using var database = await Bench.Database.CreateAsync();
        await using var app = await Bench.StartServerAsync(database, port: null);
        var set = Bench.RatioSet("bench-results", "commune", 6, Math.Max(1, indicators / 6));
        var seeded = await Bench.SeedAsync(app.Services, set, units);
        var leaves = set.Leaves().Select(l => l.Code).ToList();

        await Bench.AnswerAllAsync(database, seeded, leaves);

        // Raw: the one query that sums every unit's points.
        var rawRows = 0;
        var raw = await Bench.TimeAsync(async () =>
        {
            await using var connection = new NpgsqlConnection(database.ConnectionString);
            await connection.OpenAsync();
            await using var reader = await new NpgsqlCommand("SELECT \"ParticipantId\", sum(\"SelfScore\") FROM answers GROUP BY 1", connection).ExecuteReaderAsync();
            while (await reader.ReadAsync())
                rawRows++;
        });

        Console.WriteLine($"measuring ours (process {Environment.ProcessId})");
        var allocated = GC.GetTotalAllocatedBytes();
        var ours = await Bench.TimeAsync(async () =>
        {
            await using var scope = app.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<ResultsBook>().ComputeAsync(seeded.CampaignId, ResultKinds.Final, "bench", CancellationToken.None);
        });
        allocated = GC.GetTotalAllocatedBytes() - allocated;
        // Recomputed three times: the first after the compute, the others as warm as a server that has done it before.
        var again = new List<double>();
        var identical = true;
        for (var i = 0; i < 3; i++)
        {
            var watch = Stopwatch.StartNew();
            await using var scope = app.Services.CreateAsyncScope();
            identical &= (await scope.ServiceProvider.GetRequiredService<ResultsBook>().RecomputeAsync(seeded.CampaignId, ResultKinds.Final, CancellationToken.None))!.Identical;
            again.Add(watch.Elapsed.TotalMilliseconds);
        }
        long bytes;
        await using (var scope = app.Services.CreateAsyncScope())
            bytes = await scope.ServiceProvider.GetRequiredService<CampaignDbContext>().Set<ResultSet>().Select(r => (long)r.Document.Length).FirstAsync();
        await app.StopAsync();

        Bench.Print($"results: {units} units × {leaves.Count} indicators ({units * leaves.Count} answers)",
            ("compute, rank, store (ours)", Bench.Ms(ours)),
            ("recompute and compare", string.Join(", ", again.Select(Bench.Ms)) + (identical ? " (identical)" : " (DIFFERENT!)")),
            ("SQL aggregate (raw)", Bench.Ms(raw) + $" ({rawRows} rows)"),
            ("ours / raw", Bench.Ratio(ours, raw)),
            ("result document", $"{bytes / 1024.0 / 1024:0.0} MB"),
            ("allocated while computing", $"{allocated / 1024.0 / 1024:0} MB"),
            ("goal", $"< 2000 ms first {(ours < 2000 ? "(met)" : "(NOT met)")}, < 1000 ms every recompute {(again.Max() < 1000 ? "(met)" : "(NOT met)")}"));
    }
}
