using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dtx.Campaign.Scoring.IndexSets;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Dtx.Campaign.Server.Units;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dtx.Campaign.Server.Tests.Units;

/// <summary>The lineage rules themselves, without I/O.</summary>
public sealed class LineageRulesTests
{
    private static Lineage.Source S(string code, decimal percentage, decimal share = 1, long? population = null) =>
        new(code, code, percentage, new Dictionary<string, decimal> { ["1"] = percentage }, share, population);

    [Fact]
    public void A_merge_of_whole_units_is_compared_with_their_plain_average()
    {
        var combined = Lineage.Combine([S("A", 60), S("B", 80)], d => Math.Round(d, 2));
        Assert.Equal((Lineage.Average, 70m), (combined.Rule, combined.Percentage));
    }

    [Fact]
    public void Populations_weigh_when_every_predecessor_has_one_and_shares_scale_them()
    {
        Assert.Equal(75m, Lineage.Combine([S("A", 60, population: 1000), S("B", 80, population: 3000)], d => Math.Round(d, 2)).Percentage);
        // Half of B (population 2000 → 1000) with all of A (1000): an even mean.
        Assert.Equal(70m, Lineage.Combine([S("A", 60, population: 1000), S("B", 80, 0.5m, 2000)], d => Math.Round(d, 2)).Percentage);
        // One predecessor without a population: shares alone weigh (50·1 + 70·0.5) / 1.5.
        var byShare = Lineage.Combine([S("C", 50), S("D", 70, 0.5m, 2000)], d => Math.Round(d, 2));
        Assert.Equal((Lineage.Average, 56.67m), (byShare.Rule, byShare.Percentage));
    }

    [Fact]
    public void A_cycle_and_shares_that_do_not_add_up_to_one_are_found()
    {
        Assert.Equal(["A", "B", "C", "A"], Lineage.FindCycle([new("A", "B", "merge", 1), new("B", "C", "merge", 1), new("C", "A", "rename", 1)]));
        Assert.Null(Lineage.FindCycle([new("N", "A", "merge", 1), new("N", "B", "merge", 1), new("M", "A", "split", 0.5m)]));
        var unbalanced = Lineage.UnbalancedShares([new("N", "A", "split", 0.5m), new("M", "A", "split", 0.3m), new("N", "B", "merge", 1)]);
        Assert.Equal("A", Assert.Single(unbalanced).Predecessor);
        Assert.Equal(0.8m, unbalanced[0].Sum);
    }
}

public abstract class UnitLineageImportTests(CampaignApp app)
{
    private const string Header = "authority,authority_name_vi,authority_name_en,code,name_vi,name_en,category,active,population,predecessors,lineage_kind,effective_on";

    private static string Row(string code, string predecessors = "", string kind = "", string active = "1", string population = "", string effective = "2025-07-01") =>
        $"LI,Tỉnh Dòng dõi,Lineage Province,{code},UBND {code},{code} People's Committee,commune,{active},{population},{predecessors},{kind},{(predecessors.Length == 0 ? "" : effective)}";

    private async Task<int> LinksAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CampaignDbContext>();
        return await db.Set<UnitPredecessor>().CountAsync(l => db.Units.Any(u => u.Id == l.UnitId && u.Authority!.Code == "LI"));
    }

    private async Task<List<string>> RefusedAsync(HttpClient admin, string file, params string[] rows)
    {
        var response = await admin.PostAsync("/api/units/import", Multipart.File(file, string.Join('\n', [Header, .. rows])));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("problems").EnumerateArray()
            .Select(p => $"{p.GetProperty("line").GetInt32()} {p.GetProperty("field").GetString()}: {p.GetProperty("message").GetString()}").ToList();
    }

    [Fact]
    public async Task Predecessors_are_imported_and_a_cycle_bad_shares_or_an_unknown_predecessor_refuse_the_whole_file()
    {
        var admin = await app.LoginAsAdminAsync();
        var good = await admin.PostAsync("/api/units/import", Multipart.File("lineage.csv", string.Join('\n', Header,
            Row("OLD-A", active: "0", population: "1000"), Row("OLD-B", active: "0"), Row("OLD-D", active: "0", population: "2000"),
            Row("NEW-AB", "OLD-A;OLD-B"), Row("NEW-D1", "OLD-D:0.6"), Row("NEW-D2", "OLD-D:0.4", "split"))));
        Assert.True(good.IsSuccessStatusCode, await good.Content.ReadAsStringAsync());
        Assert.Equal(4, await LinksAsync());

        // Another file: NEW-D1 takes 0.7 while the stored NEW-D2 keeps 0.4 → 1.1.
        var shares = await RefusedAsync(admin, "shares.csv", Row("NEW-D1", "OLD-D:0.7"));
        Assert.Contains("2 predecessors: tổng tỷ lệ của đơn vị tiền thân 'OLD-D' là 1.1, không phải 1: NEW-D1 0.7, NEW-D2 0.4", shares);

        var cycle = await RefusedAsync(admin, "cycle.csv", Row("X-1", "X-2"), Row("X-2", "X-3"), Row("X-3", "X-1"));
        Assert.Contains(cycle, p => p.StartsWith("2 predecessors: quan hệ kế thừa bị vòng tròn: X-1 ← X-2 ← X-3 ← X-1", StringComparison.Ordinal));

        var unknown = await RefusedAsync(admin, "unknown.csv", Row("NEW-E", "OLD-A;NO-SUCH"));
        Assert.Contains("2 predecessors: đơn vị tiền thân 'NO-SUCH' không tồn tại: cơ quan 'LI' không có đơn vị nào mang mã này, trong tệp cũng như trong hệ thống", unknown);
        var date = await RefusedAsync(admin, "date.csv", Row("NEW-E", "OLD-A"), Row("NEW-F", "OLD-B", effective: "1/7/2025"));
        Assert.Contains("3 effective_on: '1/7/2025' không phải là ngày (viết yyyy-MM-dd, ví dụ 2025-07-01)", date);

        var rename = await RefusedAsync(admin, "rename.csv", Row("NEW-G", "OLD-A;OLD-B", "rename"));
        Assert.Contains("2 predecessors: đổi tên thì có đúng một đơn vị tiền thân, nhận trọn vẹn (tỷ lệ 1)", rename);
        var kind = await RefusedAsync(admin, "kind.csv", Row("NEW-H", "OLD-A", "absorb"));
        Assert.Contains("2 lineage_kind: kiểu kế thừa 'absorb' không hợp lệ (dùng: merge, split, rename)", kind);

        // Nothing of the refused files was stored.
        Assert.Equal(4, await LinksAsync());
        var units = await admin.GetFromJsonAsync<JsonElement[]>("/api/units?authority=LI");
        Assert.DoesNotContain(units!, u => u.GetProperty("code").GetString() is "X-1" or "NEW-E" or "NEW-G");
    }

    [Fact]
    public async Task The_Hanoi_file_carries_former_wards_and_their_successors()
    {
        var admin = await app.LoginAsAdminAsync();
        await app.ImportHanoiUnitsAsync(admin);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CampaignDbContext>();
        var links = await (from l in db.Set<UnitPredecessor>()
                           join u in db.Units on l.UnitId equals u.Id
                           join p in db.Units on l.PredecessorId equals p.Id
                           where u.Authority!.Code == "HN"
                           select new { Unit = u.Code, Predecessor = p.Code, p.IsActive }).ToListAsync();
        Assert.Contains(links, l => l.Unit == "P-BA-DINH");
        Assert.Contains(links, l => l.Unit == "P-HOAN-KIEM");
        Assert.All(links, l => Assert.False(l.IsActive));
    }
}

public sealed class UnitLineageImportTests_Postgres(PostgresApp app) : UnitLineageImportTests(app), IClassFixture<PostgresApp>;

public sealed class UnitLineageImportTests_Sqlite(SqliteApp app) : UnitLineageImportTests(app), IClassFixture<SqliteApp>;

/// <summary>
/// Two years of a small province: in 2025 four communes; on 1 July 2025 A and B merge into NEW-AB (populations
/// 1000 and 3000), C and half of D into NEW-CD (C has no population), the other half of D into NEW-D2. The 2026
/// results compare each new commune with its predecessors combined, and say so in the document and the export.
/// </summary>
public abstract class LineageYearOverYearTests(CampaignApp app)
{
    private const string Password = "Chair-Password-1";
    private const string Header = "authority,authority_name_vi,authority_name_en,code,name_vi,name_en,category,active,population,predecessors,effective_on";

    private static IndexSet Communes(string key) => new()
    {
        Key = key, Version = 1, Name = new LocalizedText($"Bộ chỉ số {key}", $"Index set {key}"), LegalReference = "Quyết định thử nghiệm",
        Level = "commune", EffectiveYear = 2025, IsSample = true,
        Groups = [.. new[] { ("1", "Nhận thức số", "Digital awareness"), ("2", "Hạ tầng số", "Digital infrastructure") }.Select(g => new IndicatorNode
        {
            Code = g.Item1, Name = new LocalizedText(g.Item2, g.Item3), MaxPoints = 50,
            Children = [new IndicatorNode { Code = $"{g.Item1}.1", Name = new LocalizedText($"Chỉ số {g.Item1}.1", $"Indicator {g.Item1}.1"), MaxPoints = 50, Method = new RatioMethod() }],
        })],
        RatingBands =
        [
            new RatingBand("weak", new LocalizedText("Yếu", "Weak"), 0, 50),
            new RatingBand("good", new LocalizedText("Tốt", "Good"), 50, 100),
        ],
    };

    private async Task<HttpClient> AtAsync(int year, int month, int day, int hour)
    {
        app.Clock.SetUtcNow(new DateTimeOffset(year, month, day, hour, 0, 0, TimeSpan.FromHours(7)).ToUniversalTime());
        await app.FireDueTimersAsync();
        return await app.LoginAsAdminAsync();
    }

    private static async Task<JsonElement> OkAsync(Task<HttpResponseMessage> call)
    {
        var response = await call;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} → {(int)response.StatusCode}: {body}");
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement;
    }

    /// <summary>One year from launch to final results; every unit answers the same ratio on both indicators.</summary>
    private async Task<Guid> RunYearAsync(int year, Guid set, Dictionary<string, decimal> answers, string[] units)
    {
        var admin = await AtAsync(year, 10, 1, 9);
        var all = (await admin.GetFromJsonAsync<JsonElement[]>("/api/units?authority=LY"))!
            .ToDictionary(u => u.GetProperty("code").GetString()!, u => u.GetProperty("id").GetGuid());
        var created = await OkAsync(admin.PostAsJsonAsync("/api/campaigns", new
        {
            authority = "LY", year, nameVi = $"Đánh giá chuyển đổi số năm {year}", nameEn = $"Digital transformation assessment {year}",
            indexSets = new Dictionary<string, Guid> { ["commune"] = set }, schedule = TestCampaigns.Schedule(year),
            units = units.Select(u => all[u]).ToArray(),
            council = new[] { new { fullName = "Chủ tịch Hội đồng", email = TestCampaigns.ChairEmail, role = "chair" } },
        }));
        var campaign = created.GetProperty("id").GetGuid();
        await OkAsync(TestCampaigns.LaunchAsync(admin, campaign, authority: "LY"));
        var ids = await TestCampaigns.UnitsAsync(admin, campaign);
        admin = await AtAsync(year, 11, 3, 9);
        foreach (var (unit, value) in answers)
        {
            var url = $"/api/campaigns/{campaign}/units/{ids[unit]}/self-assessment";
            foreach (var code in new[] { "1.1", "2.1" })
                await OkAsync(admin.PutAsJsonAsync($"{url}/answers/{code}", new { number = value, version = 0 }));
            await OkAsync(admin.PostAsync($"{url}/submit", null));
        }
        await AtAsync(year, 11, 30, 17);
        var chair = await app.LoginAsync(TestCampaigns.ChairEmail, Password);
        foreach (var unit in answers.Keys)
        {
            foreach (var code in new[] { "1.1", "2.1" })
                await OkAsync(chair.PutAsJsonAsync($"/api/campaigns/{campaign}/verification/units/{ids[unit]}/indicators/{code}", new { accept = true }));
            await OkAsync(chair.PostAsync($"/api/campaigns/{campaign}/verification/units/{ids[unit]}/complete", null));
        }
        await OkAsync(chair.PostAsJsonAsync($"/api/campaigns/{campaign}/workflow/approvals", new { stage = "council-verification" }));
        await AtAsync(year, 12, 16, 9);
        await AtAsync(year, 12, 23, 18);
        chair = await app.LoginAsync(TestCampaigns.ChairEmail, Password);
        await OkAsync(chair.PostAsJsonAsync($"/api/campaigns/{campaign}/workflow/approvals", new { stage = "dispute-resolution" }));
        return campaign;
    }

    [Fact]
    public async Task A_merged_commune_is_compared_with_its_predecessors_combined_and_marked_so()
    {
        var admin = await AtAsync(2025, 10, 1, 9);
        await app.CreateUserAsync(TestCampaigns.ChairEmail, Password);
        static string Row(string code, string active, string population = "", string predecessors = "") =>
            $"LY,Tỉnh Hợp nhất,Merged Province,{code},UBND xã {code},{code} Commune,commune,{active},{population},{predecessors},{(predecessors.Length > 0 ? "2025-07-01" : "")}";
        await OkAsync(admin.PostAsync("/api/units/import", Multipart.File("2025.csv", string.Join('\n', Header,
            Row("OLD-A", "1", "1000"), Row("OLD-B", "1", "3000"), Row("OLD-C", "1"), Row("OLD-D", "1", "2000")))));
        var set = await TestIndexSets.UploadAsync(admin, Communes($"ly-{Guid.NewGuid():N}"[..16]));
        await RunYearAsync(2025, set, new() { ["OLD-A"] = 60, ["OLD-B"] = 80, ["OLD-C"] = 50, ["OLD-D"] = 70 }, ["OLD-A", "OLD-B", "OLD-C", "OLD-D"]);

        admin = await AtAsync(2026, 9, 1, 8);
        await OkAsync(admin.PostAsync("/api/units/import", Multipart.File("2026.csv", string.Join('\n', Header,
            Row("OLD-A", "0", "1000"), Row("OLD-B", "0", "3000"), Row("OLD-C", "0"), Row("OLD-D", "0", "2000"),
            Row("NEW-AB", "1", "", "OLD-A;OLD-B"), Row("NEW-CD", "1", "", "OLD-C;OLD-D:0.5"), Row("NEW-D2", "1", "", "OLD-D:0.5")))));
        var campaign = await RunYearAsync(2026, set, new() { ["NEW-AB"] = 90, ["NEW-CD"] = 60, ["NEW-D2"] = 70 }, ["NEW-AB", "NEW-CD", "NEW-D2"]);

        admin = await app.LoginAsAdminAsync();
        var document = await OkAsync(admin.GetAsync($"/api/campaigns/{campaign}/results/final"));
        var units = document.GetProperty("results").GetProperty("categories")[0].GetProperty("units").EnumerateArray()
            .ToDictionary(u => u.GetProperty("unitCode").GetString()!, u => u.GetProperty("previous"));
        // NEW-AB: (60·1000 + 80·3000) / 4000 = 75, weighted by population; ▲ 15; no rank to compare.
        Assert.Equal(75m, units["NEW-AB"].GetProperty("percentage").GetDecimal());
        Assert.Equal(15m, units["NEW-AB"].GetProperty("percentageChange").GetDecimal());
        Assert.Equal(JsonValueKind.Null, units["NEW-AB"].GetProperty("rankChange").ValueKind);
        var ab = units["NEW-AB"].GetProperty("combinedFrom");
        Assert.Equal("population-weighted", ab.GetProperty("rule").GetString());
        Assert.Equal("so sánh với bình quân gia quyền theo dân số của các đơn vị tiền thân: UBND xã OLD-A, UBND xã OLD-B", ab.GetProperty("noteVi").GetString());
        // NEW-CD: C has no population, so shares weigh: (50·1 + 70·0.5) / 1.5 = 56.67; ▲ 3.33.
        Assert.Equal(56.67m, units["NEW-CD"].GetProperty("percentage").GetDecimal());
        Assert.Equal(3.33m, units["NEW-CD"].GetProperty("percentageChange").GetDecimal());
        Assert.Equal("average", units["NEW-CD"].GetProperty("combinedFrom").GetProperty("rule").GetString());
        Assert.StartsWith("so sánh với bình quân của các đơn vị tiền thân: UBND xã OLD-C, UBND xã OLD-D",
            units["NEW-CD"].GetProperty("combinedFrom").GetProperty("noteVi").GetString(), StringComparison.Ordinal);
        // NEW-D2: half of D alone: 70; no change.
        Assert.Equal(0m, units["NEW-D2"].GetProperty("percentageChange").GetDecimal());

        var csv = await admin.GetStringAsync($"/api/campaigns/{campaign}/results/final/export.csv");
        var lines = csv.TrimStart('\uFEFF').Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.EndsWith("ComparedWith", lines[0].TrimEnd('\r'), StringComparison.Ordinal);
        Assert.Contains(lines, l => l.Contains("NEW-AB", StringComparison.Ordinal)
            && l.Contains("so sánh với bình quân gia quyền theo dân số của các đơn vị tiền thân", StringComparison.Ordinal));
    }
}

public sealed class LineageYearOverYearTests_Postgres(PostgresApp app) : LineageYearOverYearTests(app), IClassFixture<PostgresApp>;

public sealed class LineageYearOverYearTests_Sqlite(SqliteApp app) : LineageYearOverYearTests(app), IClassFixture<SqliteApp>;
