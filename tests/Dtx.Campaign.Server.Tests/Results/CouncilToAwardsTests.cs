using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dtx.Campaign.Scoring.IndexSets;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Dtx.Campaign.Server.Tests.Results;

/// <summary>
/// A Dong Thap-style campaign from verification to awards: departments on a 200-point set (tie-break on
/// digital government), communes on a 400-point set with bonus points. Scores are adjusted with notes, a
/// unit is returned for clarification, one dispute is upheld and one rejected, two units tie, and the
/// results and awards are the ones computed by hand below.
/// </summary>
[LongRunning]
public abstract class CouncilToAwardsTests(CampaignApp app)
{
    private const string Chair = TestCampaigns.ChairEmail;
    private const string Secretary = "secretary@demo.hanoi.invalid";
    private const string Member = "member@demo.hanoi.invalid";
    private const string Password = "Council-Password-1";

    private HttpClient admin = null!;

    /// <summary>200 points in six groups, one leaf each (Dong Thap departments: 20, 20, 40, 30, 40, 50); ties broken by group 6.</summary>
    private static IndexSet Departments(string key) => Set(key, "department", [("1", 20, new YesNoMethod()), ("2", 20, new YesNoMethod()), ("3", 40, new RatioMethod()),
        ("4", 30, new TiersMethod([new Tier(1, 10), new Tier(2, 20), new Tier(3, 30)])), ("5", 40, new RatioMethod()), ("6", 50, new CountMethod(10, null))], bonus: false);

    /// <summary>400 points in eight groups (60, 20, 50, 50, 40, 90, 70, 20), ratios; +5 per model, +10 per Certificate of Merit.</summary>
    private static IndexSet Communes(string key) => Set(key, "commune",
        [.. new[] { 60, 20, 50, 50, 40, 90, 70, 20 }.Select((max, i) => ((i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), max, (ScoringMethod)new RatioMethod()))], bonus: true);

    private static IndexSet Set(string key, string level, (string Code, int Max, ScoringMethod Method)[] groups, bool bonus) => new()
    {
        Key = key, Version = 1, Name = new LocalizedText($"DTI {key}", $"DTI {key}"), LegalReference = "Quyết định 1397/QĐ-UBND-HC (mẫu)", Level = level,
        EffectiveYear = 2025, IsSample = true,
        Groups = [.. groups.Select(g => new IndicatorNode
        {
            Code = g.Code, Name = new LocalizedText($"Nhóm {g.Code}", $"Group {g.Code}"), MaxPoints = g.Max,
            Children = [new IndicatorNode { Code = $"{g.Code}.1", Name = new LocalizedText($"Chỉ số {g.Code}.1", $"Indicator {g.Code}.1"), MaxPoints = g.Max, Method = g.Method }],
        })],
        BonusRules = bonus ? [new BonusRule("model", new LocalizedText("Mô hình chuyển đổi số", "DT model"), 5, null),
            new BonusRule("merit", new LocalizedText("Bằng khen Tổ công nghệ số cộng đồng", "Certificate of Merit"), 10, null)] : [],
        TieBreakGroups = level == "department" ? ["6"] : [],
        RatingBands =
        [
            new RatingBand("weak", new LocalizedText("Yếu", "Weak"), 0, 50),
            new RatingBand("average", new LocalizedText("Trung bình", "Average"), 50, 65),
            new RatingBand("fair", new LocalizedText("Khá", "Fairly good"), 65, 80),
            new RatingBand("good", new LocalizedText("Tốt", "Good"), 80, 100),
        ],
    };

    private async Task SetClockAsync(int month, int day, int hour)
    {
        app.Clock.SetUtcNow(new DateTimeOffset(2025, month, day, hour, 0, 0, TimeSpan.FromHours(7)).ToUniversalTime());
        await app.FireDueTimersAsync();
        admin = await app.LoginAsAdminAsync();
    }

    private async Task<string> StageAsync(Guid campaign) =>
        (await admin.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaign}/workflow")).GetProperty("stage").GetString()!;

    private static async Task<JsonElement> OkAsync(Task<HttpResponseMessage> call)
    {
        var response = await call;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} → {(int)response.StatusCode}: {body}");
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement;
    }

    private static async Task<JsonElement> RefusedAsync(Task<HttpResponseMessage> call, HttpStatusCode expected, string mentions)
    {
        var response = await call;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        Assert.Contains(mentions, body, StringComparison.Ordinal);
        return JsonDocument.Parse(body).RootElement;
    }

    /// <summary>Fills a unit's self-assessment (answers by indicator) and submits it.</summary>
    private async Task SubmitAsync(string url, params (string Code, object Answer)[] answers)
    {
        foreach (var (code, answer) in answers)
            await OkAsync(admin.PutAsJsonAsync($"{url}/answers/{code}", answer));
        await OkAsync(admin.PostAsync($"{url}/submit", null));
    }

    private static (string?, int, int) Progress(JsonElement batch) =>
        (batch.GetProperty("status").GetString(), batch.GetProperty("done").GetInt32(), batch.GetProperty("total").GetInt32());

    private static object Yes(bool yes) => new { yes, version = 0 };

    private static object Number(decimal number) => new { number, version = 0 };

    [Fact]
    public async Task A_campaign_runs_from_verification_to_awards_with_the_figures_computed_by_hand()
    {
        await SetClockAsync(10, 1, 9);
        await app.ImportHanoiUnitsAsync(admin);
        foreach (var email in new[] { Chair, Secretary, Member })
            await app.CreateUserAsync(email, Password);
        var units = await OkAsync(admin.GetAsync("/api/units?category=department"));
        var snvId = units.EnumerateArray().First(u => u.GetProperty("code").GetString() == "SNV").GetProperty("id").GetGuid();
        var departmentSet = await TestIndexSets.UploadAsync(admin, Departments($"dt-dept-{Guid.NewGuid():N}"[..20]));
        var communeSet = await TestIndexSets.UploadAsync(admin, Communes($"dt-dist-{Guid.NewGuid():N}"[..20]));
        var campaign = await TestCampaigns.CreateAsync(admin, new() { ["department"] = departmentSet, ["commune"] = communeSet }, council:
        [
            new { fullName = "Chủ tịch Hội đồng", email = Chair, role = "chair" },
            new { fullName = "Thư ký Hội đồng", email = Secretary, role = "secretary" },
            // A member from the Department of Home Affairs: never to verify SNV.
            new { fullName = "Thành viên Sở Nội vụ", email = Member, role = "member", unitId = snvId },
        ]);
        var ids = await TestCampaigns.UnitsAsync(admin, campaign);
        string Unit(string code) => $"/api/campaigns/{campaign}/units/{ids[code]}";
        await SetClockAsync(11, 1, 8);

        // Self-assessment, hand-scored (department set: 20 + 20 + 40 + 30 + 40 + 50).
        await SubmitAsync($"{Unit("SNV")}/self-assessment", ("1.1", Yes(true)), ("2.1", Yes(true)), ("3.1", Number(100)), ("4.1", Number(3)), ("5.1", Number(50)), ("6.1", Number(5)));   // 20+20+40+30+20+50 = 180
        await SubmitAsync($"{Unit("STC")}/self-assessment", ("1.1", Yes(true)), ("2.1", Yes(false)), ("3.1", Number(100)), ("4.1", Number(2)), ("5.1", Number(100)), ("6.1", Number(4))); // 20+0+40+20+40+40 = 160
        await SubmitAsync($"{Unit("SKHCN")}/self-assessment", ("1.1", Yes(true)), ("2.1", Yes(true)), ("3.1", Number(50)), ("4.1", Number(3)), ("5.1", Number(75)), ("6.1", Number(4)));  // 20+20+20+30+30+40 = 160
        await SubmitAsync($"{Unit("SYT")}/self-assessment", ("1.1", Yes(true)), ("2.1", Yes(true)), ("3.1", Number(100)), ("4.1", Number(1)), ("5.1", Number(75)), ("6.1", Number(5)));  // 20+20+40+10+30+50 = 170
        // Communes on 400 points: 90% everywhere = 360; 80% = 320, with bonus claims (evidence attached) 2 models + 1 merit = +20.
        var all8 = Enumerable.Range(1, 8).Select(i => $"{i}.1").ToArray();
        await SubmitAsync($"{Unit("P-BA-DINH")}/self-assessment", [.. all8.Select(c => (c, Number(90)))]);
        var hoanKiem = $"{Unit("P-HOAN-KIEM")}/self-assessment";
        foreach (var (rule, count) in new[] { ("model", 2), ("merit", 1) })
        {
            await OkAsync(admin.PostAsJsonAsync($"{hoanKiem}/evidence/references", new { code = $"bonus:{rule}", kind = "document", documentNumber = $"9/QĐ-{rule}", documentDate = "2025-06-01", documentIssuer = "UBND TP Hà Nội" }));
            await OkAsync(admin.PutAsJsonAsync($"{hoanKiem}/bonus/{rule}", new { count, version = 0 }));
        }
        await SubmitAsync(hoanKiem, [.. all8.Select(c => (c, Number(80)))]);
        await SubmitAsync($"{Unit("P-CUA-NAM")}/self-assessment", [.. all8.Select(c => (c, Number(80)))]);

        // The deadline: verification begins.
        await SetClockAsync(11, 30, 17);
        Assert.Equal("council-verification", await StageAsync(campaign));
        var secretary = await app.LoginAsync(Secretary, Password);
        var chair = await app.LoginAsync(Chair, Password);
        var member = await app.LoginAsync(Member, Password);
        var verification = $"/api/campaigns/{campaign}/verification";
        var memberId = (await OkAsync(secretary.GetAsync(verification))).GetProperty("perMember").EnumerateArray()
            .First(m => m.GetProperty("name").GetString() == "Thành viên Sở Nội vụ").GetProperty("memberId").GetGuid();

        // Conflict of interest, and only organisers assign.
        await RefusedAsync(secretary.PostAsJsonAsync($"{verification}/assignments", new { assignments = new[] { new { unitId = ids["SNV"], memberId } } }), HttpStatusCode.Forbidden, "xung đột lợi ích");
        await RefusedAsync(member.PostAsJsonAsync($"{verification}/assignments", new { assignments = new[] { new { unitId = ids["STC"], memberId } } }), HttpStatusCode.Forbidden, "Thư ký");
        await OkAsync(secretary.PostAsJsonAsync($"{verification}/assignments", new { assignments = new[] { new { unitId = ids["STC"], memberId }, new { unitId = ids["SKHCN"], memberId } } }));
        // The member sees only the units assigned to them, and cannot verify others.
        var mine = (await OkAsync(member.GetAsync(verification))).GetProperty("perUnit").EnumerateArray().Select(u => u.GetProperty("unitCode").GetString()).Order().ToList();
        Assert.Equal(["SKHCN", "STC"], mine);
        await RefusedAsync(member.PutAsJsonAsync($"{verification}/units/{ids["SYT"]}/indicators/1.1", new { accept = true }), HttpStatusCode.Forbidden, "không được phân công");
        await RefusedAsync(member.GetAsync($"{verification}/units/{ids["SYT"]}"), HttpStatusCode.Forbidden, "không được phân công");
        // Unit people and administrators are not the council.
        await RefusedAsync(admin.PutAsJsonAsync($"{verification}/units/{ids["STC"]}/indicators/1.1", new { accept = true }), HttpStatusCode.Forbidden, "không phải thành viên");

        async Task AcceptAllAsync(HttpClient who, string code, string[] indicators)
        {
            foreach (var indicator in indicators)
                await OkAsync(who.PutAsJsonAsync($"{verification}/units/{ids[code]}/indicators/{indicator}", new { accept = true }));
        }
        string[] departmentLeaves = ["1.1", "2.1", "3.1", "4.1", "5.1", "6.1"];
        await AcceptAllAsync(member, "STC", departmentLeaves);
        await AcceptAllAsync(member, "SKHCN", departmentLeaves);

        // Lowering a score needs a note the unit will read.
        var snvReview = $"{verification}/units/{ids["SNV"]}/indicators";
        await RefusedAsync(chair.PutAsJsonAsync($"{snvReview}/6.1", new { accept = false, points = 30 }), HttpStatusCode.BadRequest, "cần ghi chú");
        await RefusedAsync(chair.PutAsJsonAsync($"{snvReview}/6.1", new { accept = false, points = 60 }), HttpStatusCode.BadRequest, "từ 0 đến 50");
        await AcceptAllAsync(chair, "SNV", ["1.1", "2.1", "3.1", "4.1", "5.1"]);
        var lowered = await OkAsync(chair.PutAsJsonAsync($"{snvReview}/6.1", new { accept = false, points = 30, note = "Hai mô hình chưa có quyết định công nhận" }));
        Assert.Equal(50m, lowered.GetProperty("selfPoints").GetDecimal());
        await AcceptAllAsync(chair, "SYT", ["1.1", "2.1", "4.1", "5.1", "6.1"]);
        await OkAsync(chair.PutAsJsonAsync($"{verification}/units/{ids["SYT"]}/indicators/3.1", new { accept = false, points = 20, note = "Chỉ 50% hạ tầng có minh chứng" }));
        // Communes: bonus claims are verified too — one of the two models is not recognised.
        await AcceptAllAsync(chair, "P-BA-DINH", all8);
        await AcceptAllAsync(chair, "P-HOAN-KIEM", [.. all8, "bonus:merit"]);
        await OkAsync(chair.PutAsJsonAsync($"{verification}/units/{ids["P-HOAN-KIEM"]}/indicators/bonus:model", new { accept = false, points = 1, note = "Mô hình thứ hai chưa được công nhận" }));

        // P-CUA-NAM is returned for clarification, answers, improves one value and resubmits.
        await RefusedAsync(chair.PostAsJsonAsync($"{verification}/units/{ids["P-CUA-NAM"]}/clarification", new { questions = "Bổ sung số liệu nhóm 8", dueAt = "2025-12-20 17:00" }), HttpStatusCode.BadRequest, "trước khi kết thúc thẩm định");
        await OkAsync(chair.PostAsJsonAsync($"{verification}/units/{ids["P-CUA-NAM"]}/clarification", new { questions = "Bổ sung số liệu nhóm 8", dueAt = "2025-12-05 17:00" }));
        var cuaNam = $"{Unit("P-CUA-NAM")}/self-assessment";
        Assert.Equal("returned-for-clarification", (await OkAsync(admin.GetAsync(cuaNam))).GetProperty("status").GetString());
        await RefusedAsync(chair.PutAsJsonAsync($"{verification}/units/{ids["P-CUA-NAM"]}/indicators/1.1", new { accept = true }), HttpStatusCode.Conflict, "trả lại để giải trình");
        var answer81 = (await OkAsync(admin.GetAsync(cuaNam))).GetProperty("indicators").EnumerateArray().First(i => i.GetProperty("code").GetString() == "8.1").GetProperty("answer").GetProperty("version").GetInt32();
        await OkAsync(admin.PutAsJsonAsync($"{cuaNam}/answers/8.1", new { number = 100, version = answer81 }));
        await RefusedAsync(admin.PostAsync($"{cuaNam}/submit", null), HttpStatusCode.BadRequest, "self-assessment.clarification-unanswered");
        await OkAsync(admin.PostAsJsonAsync($"{cuaNam}/clarification", new { answer = "Đã bổ sung số liệu nhóm 8 theo báo cáo quý IV" }));
        await OkAsync(admin.PostAsync($"{cuaNam}/submit", null));   // 320 - 16 + 20 = 324
        await AcceptAllAsync(chair, "P-CUA-NAM", all8);

        // The chair cannot end verification while a unit is unverified; the gate says which.
        var gate = await OkAsync(chair.GetAsync($"/api/campaigns/{campaign}/workflow/gates/council-verification"));
        Assert.False(gate.GetProperty("ready").GetBoolean());
        Assert.Equal("136/143 đơn vị đã thẩm định", gate.GetProperty("summary").GetString());
        Assert.Contains("P-BA-DINH: đang thẩm định", gate.GetProperty("blocking").EnumerateArray().Select(b => b.GetString()));
        // In the reader's language only: the same gate asked for in English says it in English alone.
        using (var inEnglish = new HttpRequestMessage(HttpMethod.Get, $"/api/campaigns/{campaign}/workflow/gates/council-verification"))
        {
            inEnglish.Headers.AcceptLanguage.ParseAdd("en");
            var english = await OkAsync(chair.SendAsync(inEnglish));
            Assert.Equal("136/143 units verified", english.GetProperty("summary").GetString());
            Assert.Contains("P-BA-DINH: verification in progress", english.GetProperty("blocking").EnumerateArray().Select(b => b.GetString()));
        }
        await RefusedAsync(chair.PostAsJsonAsync($"/api/campaigns/{campaign}/workflow/approvals", new { stage = "council-verification" }), HttpStatusCode.Conflict, "P-BA-DINH");
        await RefusedAsync(member.PostAsync($"{verification}/units/{ids["SNV"]}/complete", null), HttpStatusCode.Forbidden, "xung đột lợi ích");
        const string approvalDue = "Về việc phê duyệt kết quả thẩm định (mọi đơn vị đã được thẩm định xong, kết quả sơ bộ chờ Chủ tịch Hội đồng phê duyệt), đợt đánh giá chuyển đổi số năm 2025";
        async Task<int> ApprovalDueAsync() => (await OkAsync(chair.GetAsync("/api/inbox"))).GetProperty("messages").EnumerateArray()
            .Count(m => m.GetProperty("subject").GetString() == approvalDue);
        Assert.Equal(0, await ApprovalDueAsync());
        foreach (var code in new[] { "SNV", "STC", "SKHCN", "SYT", "P-BA-DINH", "P-HOAN-KIEM", "P-CUA-NAM" })
            await OkAsync(chair.PostAsync($"{verification}/units/{ids[code]}/complete", null));
        // The last completion made the gate ready: the chair is told once that the approval waits (e-mail and inbox).
        Assert.Equal(1, await ApprovalDueAsync());
        await RefusedAsync(secretary.PostAsJsonAsync($"/api/campaigns/{campaign}/workflow/approvals", new { stage = "council-verification" }), HttpStatusCode.Forbidden, "chair");
        await OkAsync(chair.PostAsJsonAsync($"/api/campaigns/{campaign}/workflow/approvals", new { stage = "council-verification", comment = "Đủ 7 đơn vị đã nộp" }));
        Assert.Equal("preliminary-results", await StageAsync(campaign));

        // Preliminary: SNV 160 (80%, group 6: 30), STC 160 (80%, 40), SKHCN 160 (80%, 40), SYT 150 (75%).
        var snvPreliminary = (await OkAsync(admin.GetAsync($"{Unit("SNV")}/results"))).GetProperty("preliminary");
        Assert.Equal(160m, snvPreliminary.GetProperty("total").GetDecimal());
        Assert.Equal(3, snvPreliminary.GetProperty("rank").GetInt32());
        Assert.Equal("Hai mô hình chưa có quyết định công nhận",
            snvPreliminary.GetProperty("indicators").EnumerateArray().First(i => i.GetProperty("code").GetString() == "6.1").GetProperty("note").GetString());
        Assert.Equal(1, (await OkAsync(admin.GetAsync($"{Unit("STC")}/results"))).GetProperty("preliminary").GetProperty("rank").GetInt32());
        Assert.Equal(1, (await OkAsync(admin.GetAsync($"{Unit("SKHCN")}/results"))).GetProperty("preliminary").GetProperty("rank").GetInt32());
        // The public sees nothing before the final publication.
        var anonymous = app.CreateClient();
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/public/results/{campaign}")).StatusCode);

        // Disputes: only inside the window.
        var disputeBody = new { code = "6.1", justification = "Mô hình thứ năm đã được công nhận theo Quyết định 45/QĐ-UBND", evidence = new[] { "45/QĐ-UBND, 2025-09-10, UBND TP Hà Nội" } };
        await RefusedAsync(admin.PostAsJsonAsync($"{Unit("SNV")}/disputes", disputeBody), HttpStatusCode.Conflict, "Tiếp nhận kiến nghị");
        await SetClockAsync(12, 16, 8);
        Assert.Equal("dispute-window", await StageAsync(campaign));
        chair = await app.LoginAsync(Chair, Password);
        var snvDispute = await OkAsync(admin.PostAsJsonAsync($"{Unit("SNV")}/disputes", disputeBody));
        Assert.Equal(30m, snvDispute.GetProperty("pointsBefore").GetDecimal());
        await RefusedAsync(admin.PostAsJsonAsync($"{Unit("SNV")}/disputes", disputeBody), HttpStatusCode.Conflict, "đã có kiến nghị đang mở");
        var sytDispute = await OkAsync(admin.PostAsJsonAsync($"{Unit("SYT")}/disputes", new { code = "3.1", justification = "Hạ tầng đã hoàn thành 100% theo báo cáo" }));
        await RefusedAsync(admin.PostAsJsonAsync($"{Unit("STC")}/disputes", new { code = "9.9", justification = "Không có chỉ số này đâu" }), HttpStatusCode.NotFound, "9.9");
        await SetClockAsync(12, 23, 17);
        Assert.Equal("dispute-resolution", await StageAsync(campaign));
        await RefusedAsync(admin.PostAsJsonAsync($"{Unit("STC")}/disputes", new { code = "2.1", justification = "Đã có quy chế chuyển đổi số" }), HttpStatusCode.Conflict, "Tiếp nhận kiến nghị");
        chair = await app.LoginAsync(Chair, Password);
        member = await app.LoginAsync(Member, Password);
        secretary = await app.LoginAsync(Secretary, Password);
        var disputes = $"/api/campaigns/{campaign}/disputes";
        await RefusedAsync(member.PostAsJsonAsync($"{disputes}/{snvDispute.GetProperty("id").GetGuid()}/resolution", new { upheld = true, newPoints = 40, reason = "x" }), HttpStatusCode.Forbidden, "xung đột lợi ích");
        await RefusedAsync(chair.PostAsJsonAsync($"{disputes}/{sytDispute.GetProperty("id").GetGuid()}/resolution", new { upheld = false }), HttpStatusCode.BadRequest, "lý do bác bỏ");
        await OkAsync(chair.PostAsJsonAsync($"{disputes}/{snvDispute.GetProperty("id").GetGuid()}/resolution", new { upheld = true, newPoints = 40, reason = "Quyết định 45/QĐ-UBND công nhận mô hình thứ năm; còn một mô hình chưa đủ hồ sơ" }));
        await RefusedAsync(chair.PostAsJsonAsync($"/api/campaigns/{campaign}/workflow/approvals", new { stage = "dispute-resolution" }), HttpStatusCode.Conflict, "SYT, chỉ số 3.1: kiến nghị chưa giải quyết");
        await OkAsync(chair.PostAsJsonAsync($"{disputes}/{sytDispute.GetProperty("id").GetGuid()}/resolution", new { upheld = false, reason = "Báo cáo không kèm biên bản nghiệm thu" }));
        await OkAsync(chair.PostAsJsonAsync($"/api/campaigns/{campaign}/workflow/approvals", new { stage = "dispute-resolution" }));
        Assert.Equal("final-results", await StageAsync(campaign));

        // Final: SNV 170 (85%) first; STC and SKHCN tie on 80% and group 6, sharing rank 2; SYT 150 (75%) fourth.
        var final = (await OkAsync(admin.GetAsync($"/api/campaigns/{campaign}/results/final"))).GetProperty("results");
        var departments = final.GetProperty("categories").EnumerateArray().First(c => c.GetProperty("category").GetString() == "department");
        var ranking = departments.GetProperty("units").EnumerateArray().Take(4)
            .Select(u => (u.GetProperty("unitCode").GetString(), u.GetProperty("rank").GetInt32(), u.GetProperty("total").GetDecimal(), u.GetProperty("percentage").GetDecimal(), u.GetProperty("band").GetString())).ToList();
        Assert.Equal([("SNV", 1, 170m, 85m, "good"), ("SKHCN", 2, 160m, 80m, "good"), ("STC", 2, 160m, 80m, "good"), ("SYT", 4, 150m, 75m, "fair")], ranking);
        Assert.All(departments.GetProperty("units").EnumerateArray().Skip(4), u => Assert.Equal(("not-submitted", 5), (u.GetProperty("status").GetString(), u.GetProperty("rank").GetInt32())));
        var snvFinal = departments.GetProperty("units")[0];
        var snv61 = snvFinal.GetProperty("indicators").EnumerateArray().First(i => i.GetProperty("code").GetString() == "6.1");
        Assert.Equal((50m, 30m, 40m, 40m), (snv61.GetProperty("selfPoints").GetDecimal(), snv61.GetProperty("verifiedPoints").GetDecimal(), snv61.GetProperty("disputePoints").GetDecimal(), snv61.GetProperty("points").GetDecimal()));
        // Aggregates over the 4 of 17 departments assessed: (170 + 160 + 160 + 150) / 4 = 160 of 200, 80% on average, median 80%.
        var aggregate = departments.GetProperty("aggregate");
        Assert.Equal((17, 4, 160m, 200m, 80m, 80m), (aggregate.GetProperty("units").GetInt32(), aggregate.GetProperty("assessed").GetInt32(), aggregate.GetProperty("averageTotal").GetDecimal(),
            aggregate.GetProperty("averageMax").GetDecimal(), aggregate.GetProperty("averagePercentage").GetDecimal(), aggregate.GetProperty("medianPercentage").GetDecimal()));
        Assert.Equal(3, aggregate.GetProperty("bands").EnumerateArray().First(b => b.GetProperty("key").GetString() == "good").GetProperty("count").GetInt32());
        // SYT against the departments' group averages: group 2 (100% vs 75%) and 6 (100% vs 85%) above; 4 (33.33% vs 75%) and 3 (50% vs 75%) below.
        var syt = departments.GetProperty("units")[3];
        static List<(string?, decimal)> Deltas(JsonElement list) => list.EnumerateArray().Select(d => (d.GetProperty("code").GetString(), d.GetProperty("change").GetDecimal())).ToList();
        Assert.Equal([("2", 25m), ("6", 15m)], Deltas(syt.GetProperty("strengths")));
        Assert.Equal([("4", -41.67m), ("3", -25m)], Deltas(syt.GetProperty("weaknesses")));
        // Communes: P-BA-DINH 360 (90%); P-HOAN-KIEM 320 + 15 bonus (5 for the one recognised model + 10) = 83.75%; P-CUA-NAM 324 (81%).
        var communes = final.GetProperty("categories").EnumerateArray().First(c => c.GetProperty("category").GetString() == "commune").GetProperty("units").EnumerateArray().Take(3)
            .Select(u => (u.GetProperty("unitCode").GetString(), u.GetProperty("rank").GetInt32(), u.GetProperty("total").GetDecimal(), u.GetProperty("bonus").GetDecimal(), u.GetProperty("percentage").GetDecimal())).ToList();
        Assert.Equal([("P-BA-DINH", 1, 360m, 0m, 90m), ("P-HOAN-KIEM", 2, 320m, 15m, 83.75m), ("P-CUA-NAM", 3, 324m, 0m, 81m)], communes);

        // Reproducible: recomputing twice gives the stored checksum.
        for (var i = 0; i < 2; i++)
        {
            var again = await OkAsync(admin.PostAsync($"/api/campaigns/{campaign}/results/final/recompute", null));
            Assert.True(again.GetProperty("identical").GetBoolean(), again.ToString());
        }

        // Awards: one of each class among departments at 70% or more; the tie on rank 2 gives two Second class awards.
        await RefusedAsync(chair.PutAsJsonAsync($"/api/campaigns/{campaign}/awards/quotas", new { quotas = Array.Empty<object>() }), HttpStatusCode.Forbidden, "awards.admins-set-quotas");
        await OkAsync(admin.PutAsJsonAsync($"/api/campaigns/{campaign}/awards/quotas", new { quotas = new[] { new { category = "department", first = 1, second = 1, third = 1, minPercentage = 70m } } }));
        var proposal = await OkAsync(chair.GetAsync($"/api/campaigns/{campaign}/awards/proposal"));
        Assert.Equal([("SNV", "first"), ("SKHCN", "second"), ("STC", "second"), ("SYT", "third")],
            proposal.GetProperty("awards").EnumerateArray().Select(a => (a.GetProperty("unitCode").GetString(), a.GetProperty("class").GetString())).ToList());
        Assert.Contains(proposal.GetProperty("notes").EnumerateArray(), n => n.GetString()!.Contains("tie at rank 2", StringComparison.Ordinal));
        await RefusedAsync(secretary.PostAsJsonAsync($"/api/campaigns/{campaign}/awards/confirmation", new { }), HttpStatusCode.Forbidden, "council.chair-only");
        await RefusedAsync(chair.PostAsJsonAsync($"/api/campaigns/{campaign}/awards/confirmation", new { awards = new[] { new { unitId = ids["SNV"], @class = "first" } } }), HttpStatusCode.BadRequest, "awards.reason-required");
        var awards = await OkAsync(chair.PostAsJsonAsync($"/api/campaigns/{campaign}/awards/confirmation", new { }));
        Assert.Equal(4, awards.GetArrayLength());
        Assert.All(awards.EnumerateArray(), a => Assert.Matches("^BK-HN-2025-\\d{4}$", a.GetProperty("serial").GetString()!));
        Assert.Equal(4, awards.EnumerateArray().Select(a => a.GetProperty("verificationCode").GetString()).Distinct().Count());
        await RefusedAsync(chair.PostAsJsonAsync($"/api/campaigns/{campaign}/awards/confirmation", new { }), HttpStatusCode.Conflict, "đã được xác nhận");
        // The award decision is a numbered document of its own; the certificates cite it.
        Assert.Matches("^\\d+/QĐ-UBND$", awards[0].GetProperty("decisionNumber").GetString()!);

        // The certificates print in the background, with progress, then as one PDF.
        var certificates = $"/api/campaigns/{campaign}/certificates";
        Assert.Equal(("pending", 0, 4), Progress(await OkAsync(admin.GetAsync(certificates))));
        await RefusedAsync(admin.GetAsync($"{certificates}/all.pdf"), HttpStatusCode.Conflict, "0/4");
        await using (var scope = app.Services.CreateAsyncScope())
            Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<Dtx.Campaign.Server.Certificates.CertificatePrinter>().RunPendingAsync(CancellationToken.None));
        Assert.Equal(("done", 4, 4), Progress(await OkAsync(admin.GetAsync(certificates))));
        var all = await admin.GetAsync($"{certificates}/all.pdf");
        Assert.Equal("application/pdf", all.Content.Headers.ContentType!.MediaType);
        using (var pdf = UglyToad.PdfPig.PdfDocument.Open(await all.Content.ReadAsByteArrayAsync()))
            Assert.Equal(4, pdf.NumberOfPages);
        var snvAward = awards.EnumerateArray().First(a => a.GetProperty("unitCode").GetString() == "SNV");
        var serial = snvAward.GetProperty("serial").GetString()!;
        var one = await admin.GetAsync($"{certificates}/{serial}.pdf");
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);

        // Anyone can check a certificate; a wrong code or an unknown serial says only "not genuine".
        var genuine = await OkAsync(app.CreateClient().GetAsync($"/api/public/certificates/{serial}?code={snvAward.GetProperty("verificationCode").GetString()}"));
        Assert.Equal((true, "Sở Nội vụ", "Bằng khen – Hạng Nhất"), (genuine.GetProperty("genuine").GetBoolean(), genuine.GetProperty("awardee").GetString(), genuine.GetProperty("award").GetString()));
        var wrong = await app.CreateClient().GetStringAsync($"/api/public/certificates/{serial}?code=AAAAAAAAAA");
        var unknown = await app.CreateClient().GetStringAsync("/api/public/certificates/BK-2025-9999?code=AAAAAAAAAA");
        Assert.Equal(wrong, unknown);
        Assert.DoesNotContain("Sở Nội vụ", wrong, StringComparison.Ordinal);

        // Publication on its date: the public reads rankings and the awards, without the council's notes or verification codes.
        await SetClockAsync(12, 30, 8);
        Assert.Equal("publication-and-awards", await StageAsync(campaign));
        // Publication sends every unit the award decision numbered when the chair confirmed (no second number), as the official document.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Dtx.Campaign.Server.Data.CampaignDbContext>();
            var decisions = (await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(
                    db.Set<Dtx.Campaign.Workflows.Storage.OutboxMessage>().Where(m => m.Kind == "email").Select(m => m.PayloadJson)))
                .Select(p => JsonDocument.Parse(p).RootElement)
                .Where(p => p.GetProperty("template").GetString() == "award-decision" && p.GetProperty("campaignId").GetGuid() == campaign).ToList();
            Assert.NotEmpty(decisions);
            Assert.All(decisions, p => Assert.Equal(awards[0].GetProperty("decisionNumber").GetString(), p.GetProperty("document").GetString()));
            // The body is rendered when the e-mail is sent, from the model and template versions the document recorded.
            var letter = await scope.ServiceProvider.GetRequiredService<Dtx.Campaign.Server.Notices.NoticeArchive>().LetterAsync(decisions[0].GetRawText(), withPdf: false, CancellationToken.None);
            Assert.Contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", letter!.Rendered.Html, StringComparison.Ordinal);
            Assert.False(decisions[0].TryGetProperty("Html", out _));
            Assert.Single(db.Set<Dtx.Campaign.Server.Notices.IssuedDocument>().Where(d => d.CampaignId == campaign && d.Template == "award-decision"));
        }
        var published = await OkAsync(anonymous.GetAsync($"/api/public/results/{campaign}"));
        Assert.Equal("SNV", published.GetProperty("results").GetProperty("categories").EnumerateArray()
            .First(c => c.GetProperty("category").GetString() == "department").GetProperty("units")[0].GetProperty("unitCode").GetString());
        var publicSnv = await anonymous.GetStringAsync($"/api/public/results/{campaign}/units/SNV");
        Assert.DoesNotContain("Hai mô hình", publicSnv, StringComparison.Ordinal);
        var publicAwards = await anonymous.GetStringAsync($"/api/public/results/{campaign}/awards");
        Assert.Contains("BK-HN-2025-", publicAwards, StringComparison.Ordinal);
        Assert.DoesNotContain(awards[0].GetProperty("verificationCode").GetString()!, publicAwards, StringComparison.Ordinal);
        var csv = await anonymous.GetAsync($"/api/public/results/{campaign}/export.csv");
        var checksum = published.GetProperty("checksum").GetString();
        Assert.Equal(checksum, csv.Headers.GetValues("X-Results-SHA256").Single());
        Assert.Contains($"SNV,Sở Nội vụ,assessed,170,0,200,85,good,,,{checksum}", await csv.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var xlsx = await anonymous.GetAsync($"/api/public/results/{campaign}/export.xlsx");
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        Assert.True((await xlsx.Content.ReadAsByteArrayAsync()).Length > 1000);

        // Backed up and restored into a new database (docs/operations.md), the results recompute identically and the audit chain holds.
        var restored = await Backups.BackUpAndRestoreAsync(app.Database);
        try
        {
            var settings = new Dictionary<string, string>
            {
                ["Database:Provider"] = app.Database.Provider, ["ConnectionStrings:Campaign"] = restored,
                ["Storage:DataDirectory"] = Path.Combine(Path.GetTempPath(), "dtx-tests", Guid.NewGuid().ToString("N")),
            };
            var (resultsExit, resultsOutput) = await ServerProcess.RunAsync(settings, "results", "verify");
            Assert.True(resultsExit == 0, resultsOutput);
            Assert.Contains("2 result set(s) checked, 0 different.", resultsOutput, StringComparison.Ordinal);
            var (auditExit, auditOutput) = await ServerProcess.RunAsync(settings, "audit", "verify");
            Assert.True(auditExit == 0, auditOutput);
        }
        finally
        {
            await Backups.DropAsync(app.Database.Provider, restored);
        }

        // The score history of SNV's 6.1: verified 50 → 30 with the note, then 30 → 40 after the dispute.
        var history = (await OkAsync(admin.GetAsync($"{Unit("SNV")}/results"))).GetProperty("history").EnumerateArray()
            .Where(h => h.GetProperty("code").GetString() == "6.1").Select(h => (h.GetProperty("stage").GetString(), h.GetProperty("from").GetDecimal(), h.GetProperty("to").GetDecimal())).ToList();
        Assert.Equal([("verified", 50m, 30m), ("dispute", 30m, 40m)], history);
    }
}

public sealed class CouncilToAwardsTests_Postgres(PostgresApp app) : CouncilToAwardsTests(app), IClassFixture<PostgresApp>;

public sealed class CouncilToAwardsTests_Sqlite(SqliteApp app) : CouncilToAwardsTests(app), IClassFixture<SqliteApp>;
