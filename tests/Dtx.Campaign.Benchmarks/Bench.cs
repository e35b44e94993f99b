using System.Diagnostics;
using System.Globalization;
using Dtx.Campaign.Scoring.IndexSets;
using Dtx.Campaign.Server.Campaigns;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Hosting;
using Dtx.Campaign.Server.IndexSets;
using Dtx.Campaign.Server.Units;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Dtx.Campaign.Benchmarks;

/// <summary>What every benchmark shares: options, a fresh PostgreSQL database, an in-process server, generated data, and printing.</summary>
internal static class Bench
{
    public static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static string PostgresAdmin =>
        Environment.GetEnvironmentVariable("DTX_BENCH_POSTGRES") is { Length: > 0 } c ? c : "Host=127.0.0.1;Port=5432;Username=dtx;Password=dtx;Database=postgres";

    public static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, "--" + name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], Invariant) : fallback;
    }

    public static void Print(string scenario, params (string Name, string Value)[] figures)
    {
        Console.WriteLine($"== {scenario}  ({Environment.ProcessorCount} cores, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Tiering})");
        foreach (var (name, value) in figures)
            Console.WriteLine($"   {name,-40} {value}");
    }

    /// <summary>
    /// Whether the JIT could finish during the warm-up. By default it starts counting calls only after 100 ms without new
    /// methods, which a loaded server rarely has: after thousands of warm-up requests it still spent a third of the measured
    /// run's CPU compiling (2026-12-07), and figures moved by a third from run to run. A server on the deadline day has run
    /// for hours; <c>DOTNET_TC_CallCountingDelayMs=0</c> gets a benchmark there within its warm-up.
    /// </summary>
    private static string Tiering => Environment.GetEnvironmentVariable("DOTNET_TC_CallCountingDelayMs") == "0"
        ? "JIT call counting from the start" : "JIT defaults: set DOTNET_TC_CallCountingDelayMs=0 for steady-state figures";

    public static string Ms(double ms) => ms.ToString("0.0", Invariant) + " ms";

    /// <summary>
    /// Waits until the JIT has compiled what a warm-up queued: under load its background thread falls behind, and what it
    /// compiles while a scenario is measured is counted against the scenario (2 711 methods, 4.5 s of JIT in one deadline
    /// rush, 2026-12-08). Returns once no method was compiled for a second (at most after a minute).
    /// </summary>
    public static async Task JitSettledAsync()
    {
        var (last, quiet, waited) = (System.Runtime.JitInfo.GetCompiledMethodCount(), System.Diagnostics.Stopwatch.StartNew(), System.Diagnostics.Stopwatch.StartNew());
        while (quiet.Elapsed < TimeSpan.FromSeconds(1) && waited.Elapsed < TimeSpan.FromMinutes(1))
        {
            await Task.Delay(100);
            var now = System.Runtime.JitInfo.GetCompiledMethodCount();
            if (now != last)
                (last, quiet) = (now, System.Diagnostics.Stopwatch.StartNew());
        }
    }

    /// <summary>CPU time per request, which is a fraction of a millisecond: two decimals tell a change from the noise.</summary>
    public static string CpuMs(double ms) => ms.ToString("0.00", Invariant) + " ms";

    public static string Ratio(double ours, double raw) => (ours / raw).ToString("0.00", Invariant);

    public static double Percentile(List<double> sorted, double p) => sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100 * sorted.Count) - 1)];

    public static async Task<double> TimeAsync(Func<Task> action)
    {
        var watch = Stopwatch.StartNew();
        await action();
        return watch.Elapsed.TotalMilliseconds;
    }

    /// <summary>A new, empty PostgreSQL database, dropped when disposed.</summary>
    public sealed class Database : IAsyncDisposable
    {
        private readonly string name = $"dtx_bench_{Guid.NewGuid():N}";

        public string ConnectionString => new NpgsqlConnectionStringBuilder(PostgresAdmin) { Database = name, MaxPoolSize = 200 }.ConnectionString;

        public static async Task<Database> CreateAsync()
        {
            var db = new Database();
            await using var connection = new NpgsqlConnection(PostgresAdmin);
            await connection.OpenAsync();
            await new NpgsqlCommand($"CREATE DATABASE \"{db.name}\"", connection).ExecuteNonQueryAsync();
            return db;
        }

        public async ValueTask DisposeAsync()
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(PostgresAdmin);
            await connection.OpenAsync();
            await new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection).ExecuteNonQueryAsync();
        }
    }

    public const string AdminEmail = "admin@bench.local";
    public const string AdminPassword = "Bench-Admin-Password-1";

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> AuthenticatorKeys = new();

    /// <summary>Signs in as the administrator: enrols in two-factor on a fresh server, answers the code afterwards (real clock).</summary>
    public static async Task SignInAsAdminAsync(HttpClient client)
    {
        static string Code(string key) => new OtpNet.Totp(OtpNet.Base32Encoding.ToBytes(key)).ComputeTotp(DateTime.UtcNow);
        // A cookie session's changes must name their origin, as a browser's do (the server refuses cross-site ones).
        if (!client.DefaultRequestHeaders.Contains("Origin") && client.BaseAddress is { } origin)
            client.DefaultRequestHeaders.Add("Origin", origin.GetLeftPart(UriPartial.Authority));
        var response = await client.PostAsJsonAsync("/api/auth/login", new { email = AdminEmail, password = AdminPassword });
        response.EnsureSuccessStatusCode();
        if (response.StatusCode == System.Net.HttpStatusCode.NoContent)
            return;
        var next = (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("next").GetString();
        if (next == "two-factor" && AuthenticatorKeys.TryGetValue(client.BaseAddress + AdminEmail, out var known))
        {
            (await client.PostAsJsonAsync("/api/auth/login/two-factor", new { code = Code(known) })).EnsureSuccessStatusCode();
            return;
        }
        var enrol = await client.PostAsync("/api/auth/two-factor/enrol", null);
        enrol.EnsureSuccessStatusCode();
        var key = (await enrol.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("key").GetString()!;
        (await client.PostAsJsonAsync("/api/auth/two-factor/confirm", new { code = Code(key) })).EnsureSuccessStatusCode();
        AuthenticatorKeys[client.BaseAddress + AdminEmail] = key;
    }

    /// <summary>The real server, in this process, on PostgreSQL (migrated), listening on <paramref name="port"/> when given.</summary>
    public static async Task<WebApplication> StartServerAsync(Database database, int? port, Dictionary<string, string?>? extra = null)
    {
        // The server's own folder as content root, as when it is published: its wwwroot and shipped files.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production", ContentRootPath = ServerFolder() });
        var settings = new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Postgres", ["Database:MigrateOnStart"] = "true", ["ConnectionStrings:Campaign"] = database.ConnectionString,
            ["Bootstrap:AdminEmail"] = AdminEmail, ["Bootstrap:AdminPassword"] = AdminPassword,
            ["Storage:DataDirectory"] = Path.Combine(Path.GetTempPath(), "dtx-bench-" + Guid.NewGuid().ToString("N")),
            ["Scheduling:Enabled"] = "false", ["Email:DeliverInBackground"] = "false", ["Certificates:PrintInBackground"] = "false",
            ["Security:SignInsPerMinute"] = "100000",
            // Production refuses to start without the address its links and QR codes carry.
            ["Email:PublicBaseUrl"] = "https://dtx.bench.invalid", ["Logging:LogLevel:Default"] = "Warning", ["Urls"] = port is { } p ? $"http://127.0.0.1:{p}" : "http://127.0.0.1:0",
        };
        foreach (var (k, v) in extra ?? [])
            settings[k] = v;
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddCampaignServer();
        var app = builder.Build();
        app.MapCampaignServer();
        await app.StartAsync();
        return app;
    }

    /// <summary>An index set of <paramref name="groups"/> × <paramref name="perGroup"/> ratio indicators (percentages), 100 points.</summary>
    public static IndexSet RatioSet(string key, string level, int groups, int perGroup) => new()
    {
        Key = key, Version = 1, Name = new LocalizedText($"Bộ chỉ số {key}", $"Index set {key}"), LegalReference = "Benchmark", Level = level, EffectiveYear = 2025,
        IsSample = true,
        Groups = [.. Enumerable.Range(1, groups).Select(g => new IndicatorNode
        {
            Code = g.ToString(Invariant), Name = new LocalizedText($"Nhóm {g}", $"Group {g}"), MaxPoints = perGroup * 10,
            Children = [.. Enumerable.Range(1, perGroup).Select(i => new IndicatorNode
            {
                Code = $"{g}.{i}", Name = new LocalizedText($"Chỉ số {g}.{i}", $"Indicator {g}.{i}"), MaxPoints = 10, Method = new RatioMethod(),
            })],
        })],
        RatingBands = [new RatingBand("low", new LocalizedText("Thấp", "Low"), 0, 65), new RatingBand("high", new LocalizedText("Cao", "High"), 65, 100)],
        TieBreakGroups = ["1"],
    };

    /// <summary>An authority with <paramref name="units"/> units, the set published, and a running campaign open for self-assessment. Returns the campaign.</summary>
    public static async Task<Campaigns> SeedAsync(IServiceProvider services, IndexSet set, int units)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CampaignDbContext>();
        var authority = new OrganizingAuthority { Id = Guid.CreateVersion7(), Code = "BN", NameVi = "UBND tỉnh Mẫu", NameEn = "Sample Province", Place = "Mẫu" };
        db.Add(authority);
        db.AddRange(Enumerable.Range(1, units).Select(i => new Unit
        {
            Id = Guid.CreateVersion7(), AuthorityId = authority.Id, Code = $"U{i:D5}", NameVi = $"UBND xã Mẫu {i}", NameEn = $"Sample commune {i}", Category = set.Level,
            Contacts = [new UnitContact { Id = Guid.CreateVersion7(), Role = ContactRole.FocalOfficer, FullName = $"Cán bộ {i}", Email = $"u{i}@bench.invalid" }],
        }));
        await db.SaveChangesAsync();
        using var workbook = new MemoryStream();
        IndexSetWorkbook.Write(set, workbook);
        workbook.Position = 0;
        var record = await scope.ServiceProvider.GetRequiredService<IndexSetCatalog>().ImportAsync($"{set.Key}.xlsx", workbook, "bench", publish: true, CancellationToken.None);
        var now = DateTime.UtcNow.AddHours(7);
        string Local(double days) => now.AddDays(days).ToString("yyyy-MM-dd'T'HH:mm:ss", Invariant);
        var schedule = new ScheduleInput(DateTime.Parse(Local(1), Invariant), DateTime.Parse(Local(2), Invariant), DateTime.Parse(Local(30), Invariant),
            DateTime.Parse(Local(40), Invariant), DateTime.Parse(Local(41), Invariant), DateTime.Parse(Local(41), Invariant), DateTime.Parse(Local(50), Invariant),
            DateTime.Parse(Local(60), Invariant));
        var campaign = await scope.ServiceProvider.GetRequiredService<CreateCampaign>().HandleAsync(new CreateCampaignRequest("BN", 2025, "Đánh giá mẫu", "Sample assessment",
            new() { [set.Level] = record.Id }, schedule, [new CouncilMemberInput("Chủ tịch", "chair@bench.invalid", CouncilRole.Chair)]), "bench", CancellationToken.None);
        // Open it now without waiting for its workflow: self-assessment accepts saves while the campaign runs and the window is open.
        await db.Campaigns.Where(c => c.Id == campaign.Id).ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, CampaignStatus.Launched)
            .SetProperty(c => c.Schedule.SelfAssessmentOpensAt, DateTimeOffset.UtcNow.AddDays(-1)));
        var participants = await db.Participants.Where(p => p.CampaignId == campaign.Id).Select(p => new { p.Id, p.UnitId }).ToListAsync();
        return new Campaigns(campaign.Id, participants.Select(p => (p.Id, p.UnitId)).ToList());
    }

    public sealed record Campaigns(Guid CampaignId, List<(Guid ParticipantId, Guid UnitId)> Participants);

    /// <summary><see cref="SeedAsync"/>, every unit answered and submitted, and the final results computed and published.</summary>
    public static async Task<Campaigns> SeedPublishedAsync(WebApplication app, Database database, IndexSet set, int units)
    {
        var seeded = await SeedAsync(app.Services, set, units);
        await AnswerAllAsync(database, seeded, set.Leaves().Select(l => l.Code).ToList());
        await using var scope = app.Services.CreateAsyncScope();
        var book = scope.ServiceProvider.GetRequiredService<Dtx.Campaign.Server.Results.ResultsBook>();
        await book.ComputeAsync(seeded.CampaignId, Dtx.Campaign.Server.Results.ResultKinds.Final, "bench", CancellationToken.None);
        await book.PublishAsync(seeded.CampaignId, Dtx.Campaign.Server.Results.ResultKinds.Final, CancellationToken.None);
        return seeded;
    }

    /// <summary>Every unit answered every given indicator (a random percentage) and, unless asked not to, submitted: binary COPY, since seeding is not what is measured.</summary>
    public static async Task AnswerAllAsync(Database database, Campaigns seeded, IReadOnlyList<string> leaves, bool submit = true)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        var random = new Random(42);
        await using (var writer = await connection.BeginBinaryImportAsync(
            "COPY answers (\"Id\", \"ParticipantId\", \"IndicatorCode\", \"Number\", \"SelfScore\", \"Version\", \"UpdatedAt\") FROM STDIN (FORMAT BINARY)"))
        {
            foreach (var (participant, _) in seeded.Participants)
                foreach (var code in leaves)
                {
                    var percent = random.Next(0, 101);
                    await writer.StartRowAsync();
                    await writer.WriteAsync(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
                    await writer.WriteAsync(participant, NpgsqlDbType.Uuid);
                    await writer.WriteAsync(code, NpgsqlDbType.Varchar);
                    await writer.WriteAsync((decimal)percent, NpgsqlDbType.Numeric);
                    await writer.WriteAsync(percent / 10m, NpgsqlDbType.Numeric);
                    await writer.WriteAsync(1, NpgsqlDbType.Integer);
                    await writer.WriteAsync(DateTimeOffset.UtcNow, NpgsqlDbType.TimestampTz);
                }
            await writer.CompleteAsync();
        }
        await new NpgsqlCommand((submit ? "UPDATE participants SET \"Status\" = 'Submitted'; " : "") + "ANALYZE answers;", connection).ExecuteNonQueryAsync();
    }

    public sealed record LoadRun(double PerSecond, double P50, double P99, int Failed);

    /// <summary><paramref name="clients"/> callers sending <paramref name="requests"/> requests in all, each the next one as soon as its last is answered.</summary>
    public static async Task<LoadRun> LoadAsync(int clients, int requests, Func<int, Task<HttpResponseMessage>> send)
    {
        var next = -1;
        var failed = 0;
        var latencies = new System.Collections.Concurrent.ConcurrentBag<double>();
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < requests)
            {
                var started = Stopwatch.GetTimestamp();
                // GetAsync and PutAsJsonAsync return once the whole body is read: a page counts when its last byte arrived.
                using var response = await send(i);
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (!response.IsSuccessStatusCode)
                    Interlocked.Increment(ref failed);
            }
        })));
        var sorted = latencies.Order().ToList();
        return new LoadRun(requests / watch.Elapsed.TotalSeconds, Percentile(sorted, 50), Percentile(sorted, 99), failed);
    }

    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string ServerFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Dtx.Campaign.sln")))
                return Path.Combine(dir.FullName, "src", "Dtx.Campaign.Server");
        throw new DirectoryNotFoundException($"No Dtx.Campaign.sln above {AppContext.BaseDirectory}: run the benchmarks from the repository.");
    }
}
