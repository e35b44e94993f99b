using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Dtx.Campaign.Scoring.IndexSets;

namespace Dtx.Campaign.Server.Tests.Infrastructure;

/// <summary>
/// Two yearly campaigns of the Hanoi demo units driven through the API to published final results and
/// awards, for the tests of what the public reads. 2025: four departments; 2026: the same four (so there is a
/// year-over-year change) and one commune. Every figure is hand-computed below (index sets of ratio
/// indicators, so a ratio answer of x% scores x% of the group). The fake clock only moves forward, so run it
/// once per app, on a fresh database.
/// </summary>
public sealed record PublishedCampaign(Guid Id, Guid PreviousId, int Year, IReadOnlyList<PublishedCampaign.Certificate> Certificates)
{
    public sealed record Certificate(string UnitCode, string UnitName, string Class, string Serial, string Code, string? Decision);

    public const int PreviousYear = 2025;
    public const int CurrentYear = 2026;
    public const string ChairPassword = "Chair-Password-1";

    /// <summary>
    /// Departments, 100 points: awareness 20, institutions 20, infrastructure 30, digital government 30, one ratio
    /// indicator each (codes 1.1 … 4.1). Answers per unit and year, and what they score:
    /// 2025: SKHCN 90% (rank 1), SNV 80% (2), STC 70% (3), SYT 65.5% (4).
    /// 2026: SNV 100/100/80/80 = 88 (rank 1, good, ▲ 8); STC 100/50/100/60 = 78 and SKHCN 50/100/100/60 = 78 (both rank 2,
    /// fairly good; STC ▲ 8, SKHCN ▼ 12); SYT 62.25% everywhere = 12.45 + 12.45 + 18.68 + 18.68 = 62.26 (each indicator is
    /// rounded to 2 decimals; rank 4, average, ▼ 3.24). The 13 other departments do not submit and share rank 5 (0%, "weak").
    /// Average 76.57% (306.26 / 4), median 78%.
    /// </summary>
    public static readonly IReadOnlyDictionary<int, IReadOnlyDictionary<string, decimal[]>> DepartmentAnswers = new Dictionary<int, IReadOnlyDictionary<string, decimal[]>>
    {
        [PreviousYear] = new Dictionary<string, decimal[]>
        {
            ["SKHCN"] = [90, 90, 90, 90], ["SNV"] = [80, 80, 80, 80], ["STC"] = [70, 70, 70, 70], ["SYT"] = [65.5m, 65.5m, 65.5m, 65.5m],
        },
        [CurrentYear] = new Dictionary<string, decimal[]>
        {
            ["SNV"] = [100, 100, 80, 80], ["STC"] = [100, 50, 100, 60], ["SKHCN"] = [50, 100, 100, 60], ["SYT"] = [62.25m, 62.25m, 62.25m, 62.25m],
        },
    };

    /// <summary>Communes, 2026 only, 100 points in two groups of 50: P-BA-DINH 90/70 = 80 (rank 1, good, no previous year).</summary>
    public static readonly IReadOnlyDictionary<string, decimal[]> CommuneAnswers = new Dictionary<string, decimal[]> { ["P-BA-DINH"] = [90, 70] };

    private static IndexSet Set(string key, string level, (string Vi, string En, int Max)[] groups) => new()
    {
        Key = key, Version = 1, Name = new LocalizedText($"Bộ chỉ số {key}", $"Index set {key}"), LegalReference = "Quyết định thử nghiệm",
        Level = level, EffectiveYear = PreviousYear, IsSample = true,
        Groups = [.. groups.Select((g, i) =>
        {
            var code = (i + 1).ToString(CultureInfo.InvariantCulture);
            return new IndicatorNode
            {
                Code = code, Name = new LocalizedText(g.Vi, g.En), MaxPoints = g.Max,
                Children = [new IndicatorNode { Code = $"{code}.1", Name = new LocalizedText($"Chỉ số {code}.1", $"Indicator {code}.1"), MaxPoints = g.Max, Method = new RatioMethod() }],
            };
        })],
        RatingBands =
        [
            new RatingBand("weak", new LocalizedText("Yếu", "Weak"), 0, 50),
            new RatingBand("average", new LocalizedText("Trung bình", "Average"), 50, 65),
            new RatingBand("fair", new LocalizedText("Khá", "Fairly good"), 65, 80),
            new RatingBand("good", new LocalizedText("Tốt", "Good"), 80, 100),
        ],
    };

    /// <summary>
    /// Runs both campaigns to publication. <paramref name="beforePublication"/> is called with the 2026 campaign's id
    /// when its final results are computed and its awards confirmed, the day before they are published.
    /// </summary>
    public static async Task<PublishedCampaign> RunAsync(CampaignApp app, Func<Guid, Task>? beforePublication = null)
    {
        var admin = await AtAsync(app, PreviousYear, 10, 1, 9);
        await app.ImportHanoiUnitsAsync(admin);
        await app.CreateUserAsync(TestCampaigns.ChairEmail, ChairPassword);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var departments = await TestIndexSets.UploadAsync(admin, Set($"pub-dept-{suffix}", "department",
            [("Nhận thức số", "Digital awareness", 20), ("Thể chế số", "Digital institutions", 20), ("Hạ tầng số", "Digital infrastructure", 30), ("Chính quyền số", "Digital government", 30)]));
        var communes = await TestIndexSets.UploadAsync(admin, Set($"pub-comm-{suffix}", "commune",
            [("Nhận thức số", "Digital awareness", 50), ("Hạ tầng số", "Digital infrastructure", 50)]));

        var previous = await RunYearAsync(app, PreviousYear, new() { ["department"] = departments }, DepartmentAnswers[PreviousYear], null);
        var current = await RunYearAsync(app, CurrentYear, new() { ["department"] = departments, ["commune"] = communes },
            DepartmentAnswers[CurrentYear].Concat(CommuneAnswers).ToDictionary(), beforePublication);
        return new PublishedCampaign(current.Id, previous.Id, CurrentYear, current.Certificates);
    }

    private static async Task<(Guid Id, IReadOnlyList<Certificate> Certificates)> RunYearAsync(CampaignApp app, int year, Dictionary<string, Guid> sets,
        IReadOnlyDictionary<string, decimal[]> answers, Func<Guid, Task>? beforePublication)
    {
        var admin = await AtAsync(app, year, 10, 1, 9);
        var created = await OkAsync(admin.PostAsJsonAsync("/api/campaigns", new
        {
            authority = "HN", year, nameVi = $"Đánh giá chuyển đổi số năm {year}", nameEn = $"Digital transformation assessment {year}",
            indexSets = sets, schedule = TestCampaigns.Schedule(year),
            council = new[] { new { fullName = "Phó Chủ tịch UBND TP", email = TestCampaigns.ChairEmail, role = "chair" } },
        }));
        var campaign = created.GetProperty("id").GetGuid();
        await OkAsync(TestCampaigns.LaunchAsync(admin, campaign));
        var ids = await TestCampaigns.UnitsAsync(admin, campaign);

        admin = await AtAsync(app, year, 11, 3, 9);
        foreach (var (unit, values) in answers)
        {
            var url = $"/api/campaigns/{campaign}/units/{ids[unit]}/self-assessment";
            for (var i = 0; i < values.Length; i++)
                await OkAsync(admin.PutAsJsonAsync($"{url}/answers/{i + 1}.1", new { number = values[i], version = 0 }));
            await OkAsync(admin.PostAsync($"{url}/submit", null));
        }

        // The deadline passes; the chair accepts every self-score and ends verification.
        await AtAsync(app, year, 11, 30, 17);
        var chair = await app.LoginAsync(TestCampaigns.ChairEmail, ChairPassword);
        var verification = $"/api/campaigns/{campaign}/verification";
        foreach (var (unit, values) in answers)
        {
            for (var i = 0; i < values.Length; i++)
                await OkAsync(chair.PutAsJsonAsync($"{verification}/units/{ids[unit]}/indicators/{i + 1}.1", new { accept = true }));
            await OkAsync(chair.PostAsync($"{verification}/units/{ids[unit]}/complete", null));
        }
        await OkAsync(chair.PostAsJsonAsync($"/api/campaigns/{campaign}/workflow/approvals", new { stage = "council-verification" }));

        // No disputes: the window opens and closes, the chair ends dispute handling, the final results are computed.
        await AtAsync(app, year, 12, 16, 9);
        await AtAsync(app, year, 12, 23, 18);
        chair = await app.LoginAsync(TestCampaigns.ChairEmail, ChairPassword);
        await OkAsync(chair.PostAsJsonAsync($"/api/campaigns/{campaign}/workflow/approvals", new { stage = "dispute-resolution" }));

        // Awards: one of each class among departments at 60% or more (in 2026 the tie on rank 2 gives two Second class awards).
        admin = await app.LoginAsAdminAsync();
        await OkAsync(admin.PutAsJsonAsync($"/api/campaigns/{campaign}/awards/quotas",
            new { quotas = new[] { new { category = "department", first = 1, second = 1, third = 1, minPercentage = 60m } } }));
        var awards = await OkAsync(chair.PostAsJsonAsync($"/api/campaigns/{campaign}/awards/confirmation", new { }));
        var certificates = awards.EnumerateArray().Select(a => new Certificate(a.GetProperty("unitCode").GetString()!, a.GetProperty("unitName").GetString()!,
            a.GetProperty("class").GetString()!, a.GetProperty("serial").GetString()!, a.GetProperty("verificationCode").GetString()!,
            a.TryGetProperty("decisionNumber", out var d) ? d.GetString() : null)).ToList();

        if (beforePublication is not null)
            await beforePublication(campaign);
        admin = await AtAsync(app, year, 12, 30, 9);
        var stage = (await OkAsync(admin.GetAsync($"/api/campaigns/{campaign}/workflow"))).GetProperty("stage").GetString();
        if (stage != "publication-and-awards")
            throw new InvalidOperationException($"The {year} campaign is in stage {stage}, not published");
        return (campaign, certificates);
    }

    /// <summary>Moves the clock to a local time (UTC+7), runs what fell due and signs the administrator in again (sessions age with the clock).</summary>
    private static async Task<HttpClient> AtAsync(CampaignApp app, int year, int month, int day, int hour)
    {
        app.Clock.SetUtcNow(new DateTimeOffset(year, month, day, hour, 0, 0, TimeSpan.FromHours(7)).ToUniversalTime());
        await app.FireDueTimersAsync();
        return await app.LoginAsAdminAsync();
    }

    private static async Task<JsonElement> OkAsync(Task<HttpResponseMessage> call)
    {
        var response = await call;
        var body = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} → {(int)response.StatusCode}: {body}");
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement;
    }
}
