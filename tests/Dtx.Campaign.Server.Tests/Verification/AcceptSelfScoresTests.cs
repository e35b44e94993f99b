using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dtx.Campaign.Scoring.IndexSets;
using Dtx.Campaign.Server.Tests.Infrastructure;

namespace Dtx.Campaign.Server.Tests.Verification;

/// <summary>
/// The council accepts a unit's self-scores in one step (issue #20): only what the member verifies, has no verdict,
/// is answered and has the evidence its indicator asks for; each accepted one is recorded as a single acceptance
/// would be (verdict, score change, one audit entry), the rest is listed with why. The unit is a draft that the
/// campaign counts, so that it can lack answers and evidence, as a submitted one cannot. Then one indicator group
/// across the units the member verifies it for.
/// </summary>
public abstract class AcceptSelfScoresTests(CampaignApp app)
{
    private const string Chair = TestCampaigns.ChairEmail;
    private const string GroupMember = "nhom1@demo.hanoi.invalid";
    private const string OtherMember = "khac@demo.hanoi.invalid";
    private const string InsideMember = "stc@demo.hanoi.invalid";
    private const string Password = "Council-Password-1";

    private HttpClient admin = null!;
    private Guid campaignId;

    /// <summary>
    /// Group 1 (the group member's): 1.1, 1.2 and 1.5 yes-no with evidence required, 1.3 ratio, 1.4 tiers, 1.6 count;
    /// group 2: 2.1 ratio. Bonus: +5 per model, +10 per Certificate of Merit.
    /// </summary>
    private static IndexSet Departments(string key) => new()
    {
        Key = key, Version = 1, Name = new LocalizedText($"Bộ chỉ số {key}", $"Index set {key}"), LegalReference = "Quyết định thử nghiệm",
        Level = "department", EffectiveYear = 2025, IsSample = true,
        Groups =
        [
            new IndicatorNode
            {
                Code = "1", Name = new LocalizedText("Nhận thức số", "Digital awareness"), MaxPoints = 60,
                Children =
                [
                    Leaf("1.1", new YesNoMethod(), evidence: true), Leaf("1.2", new YesNoMethod(), evidence: true), Leaf("1.3", new RatioMethod()),
                    Leaf("1.4", new TiersMethod([new Tier(1, 5), new Tier(2, 10)])), Leaf("1.5", new YesNoMethod(), evidence: true), Leaf("1.6", new CountMethod(2, null)),
                ],
            },
            new IndicatorNode { Code = "2", Name = new LocalizedText("Chính quyền số", "Digital government"), MaxPoints = 10, Children = [Leaf("2.1", new RatioMethod())] },
        ],
        BonusRules = [new BonusRule("model", new LocalizedText("Mô hình chuyển đổi số", "DT model"), 5, null),
            new BonusRule("merit", new LocalizedText("Bằng khen Tổ công nghệ số cộng đồng", "Certificate of Merit"), 10, null)],
        RatingBands = [new RatingBand("weak", new LocalizedText("Yếu", "Weak"), 0, 50), new RatingBand("good", new LocalizedText("Tốt", "Good"), 50, 100)],
    };

    private static IndicatorNode Leaf(string code, ScoringMethod method, bool evidence = false) =>
        new() { Code = code, Name = new LocalizedText($"Chỉ số {code}", $"Indicator {code}"), MaxPoints = 10, Method = method, EvidenceRequired = evidence };

    private async Task SetClockAsync(int month, int day, int hour)
    {
        app.Clock.SetUtcNow(new DateTimeOffset(2025, month, day, hour, 0, 0, TimeSpan.FromHours(7)).ToUniversalTime());
        await app.FireDueTimersAsync();
        admin = await app.LoginAsAdminAsync();
    }

    private static async Task<JsonElement> OkAsync(Task<HttpResponseMessage> call)
    {
        var response = await call;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} → {(int)response.StatusCode}: {body}");
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement;
    }

    /// <summary>The problem's status, code, title and detail (in the reader's language: Vietnamese unless asked otherwise).</summary>
    private static async Task<(HttpStatusCode Status, string? Code, string? Title, string? Detail)> ProblemAsync(Task<HttpResponseMessage> call)
    {
        var response = await call;
        var body = await response.Content.ReadAsStringAsync();
        Assert.False(response.IsSuccessStatusCode, body);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        return (response.StatusCode, problem.GetProperty("code").GetString(), problem.GetProperty("title").GetString(), problem.GetProperty("detail").GetString());
    }

    private static List<(string?, string?)> Skipped(JsonElement result) =>
        [.. result.GetProperty("skipped").EnumerateArray().Select(s => (s.GetProperty("code").GetString(), s.GetProperty("reason").GetString()))];

    private static List<string?> Accepted(JsonElement result) => [.. result.GetProperty("accepted").EnumerateArray().Select(v => v.GetProperty("code").GetString())];

    /// <summary>The unit's entries in the audit log (by default its verdicts), as an administrator reads it.</summary>
    private async Task<List<JsonElement>> ScoredAsync(Guid unit, string action = "verification.scored") =>
        [.. (await OkAsync(admin.GetAsync($"/api/audit?unit={unit}&action={action}&limit=1000"))).EnumerateArray()];

    private async Task FillAsync(Guid unit, (string Code, object Answer)[] answers)
    {
        var form = $"/api/campaigns/{campaignId}/units/{unit}/self-assessment";
        await OkAsync(admin.PostAsJsonAsync($"{form}/evidence/references", new { code = "1.1", kind = "document", documentNumber = "3/QĐ", documentDate = "2025-02-01", documentIssuer = "UBND TP Hà Nội" }));
        foreach (var (code, answer) in answers)
            await OkAsync(admin.PutAsJsonAsync($"{form}/answers/{code}", answer));
    }

    [Fact]
    public async Task A_member_accepts_in_one_step_exactly_the_answered_and_evidenced_self_scores_they_verify()
    {
        await SetClockAsync(10, 1, 9);
        await app.ImportHanoiUnitsAsync(admin);
        foreach (var email in new[] { Chair, GroupMember, OtherMember, InsideMember })
            await app.CreateUserAsync(email, Password);
        var stcId = (await OkAsync(admin.GetAsync("/api/units?category=department"))).EnumerateArray()
            .First(u => u.GetProperty("code").GetString() == "STC").GetProperty("id").GetGuid();
        var set = await TestIndexSets.UploadAsync(admin, Departments($"bulk-{Guid.NewGuid():N}"[..16]));
        var campaign = await TestCampaigns.CreateAsync(admin, new() { ["department"] = set }, countUnsubmittedDrafts: true, council:
        [
            new { fullName = "Chủ tịch Hội đồng", email = Chair, role = "chair" },
            new { fullName = "Thành viên nhóm 1", email = GroupMember, role = "member" },
            new { fullName = "Thành viên khác", email = OtherMember, role = "member" },
            // Works for the Department of Finance: never verifies it.
            new { fullName = "Thành viên Sở Tài chính", email = InsideMember, role = "member", unitId = stcId },
        ]);
        campaignId = campaign;
        var ids = await TestCampaigns.UnitsAsync(admin, campaign);
        var stc = ids["STC"];
        Assert.Equal(stcId, stc);
        var verification = $"/api/campaigns/{campaign}/verification";
        var bulk = $"{verification}/units/{stc}/accept-self-scores";
        var page = $"/council/{campaign}/units/{stc}";

        // The Department of Finance's draft: 1.1 evidenced; 1.2 claimed without evidence; 1.3 answered (the chair will lower it);
        // 1.4 left empty; 1.5 "No" (claims nothing, so needs no evidence); 1.6 three items; 2.1 answered; one model with
        // evidence, one Certificate of Merit without.
        await SetClockAsync(11, 3, 9);
        var form = $"/api/campaigns/{campaign}/units/{stc}/self-assessment";
        await OkAsync(admin.PostAsJsonAsync($"{form}/evidence/references", new { code = "1.1", kind = "document", documentNumber = "12/QĐ-STC", documentDate = "2025-03-01", documentIssuer = "Sở Tài chính" }));
        await OkAsync(admin.PostAsJsonAsync($"{form}/evidence/references", new { code = "bonus:model", kind = "document", documentNumber = "9/QĐ-UBND", documentDate = "2025-06-01", documentIssuer = "UBND TP Hà Nội" }));
        foreach (var (code, answer) in new (string, object)[]
                 {
                     ("1.1", new { yes = true, version = 0 }), ("1.2", new { yes = true, version = 0 }), ("1.3", new { number = 80, version = 0 }),
                     ("1.5", new { yes = false, version = 0 }), ("1.6", new { number = 3, version = 0 }), ("2.1", new { number = 50, version = 0 }),
                 })
            await OkAsync(admin.PutAsJsonAsync($"{form}/answers/{code}", answer));
        await OkAsync(admin.PutAsJsonAsync($"{form}/bonus/model", new { count = 1, version = 0 }));
        await OkAsync(admin.PutAsJsonAsync($"{form}/bonus/merit", new { count = 1, version = 0 }));
        // For the group's acceptance across units: SKHCN's draft answers 1.1 (evidenced), 1.3 and 2.1; SNV submits a complete form.
        await FillAsync(ids["SKHCN"], [("1.1", new { yes = true, version = 0 }), ("1.3", new { number = 90, version = 0 }), ("2.1", new { number = 100, version = 0 })]);
        await FillAsync(ids["SNV"], [("1.1", new { yes = true, version = 0 }), ("1.2", new { yes = false, version = 0 }), ("1.3", new { number = 50, version = 0 }),
            ("1.4", new { number = 1, version = 0 }), ("1.5", new { yes = false, version = 0 }), ("1.6", new { number = 0, version = 0 }), ("2.1", new { number = 100, version = 0 })]);
        await OkAsync(admin.PostAsync($"/api/campaigns/{campaign}/units/{ids["SNV"]}/self-assessment/submit", null));
        var self = (await OkAsync(admin.GetAsync(form))).GetProperty("indicators").EnumerateArray()
            .ToDictionary(i => i.GetProperty("code").GetString()!, i => i.TryGetProperty("answer", out var a) && a.ValueKind == JsonValueKind.Object ? a.GetProperty("selfScore").GetDecimal() : 0m);
        Assert.Equal((10m, 0m, 0m, 6m), (self["1.1"], self["1.2"], self["1.5"], self["1.6"]));

        // The chair assigns one member to group 1 only (another member to nothing of this unit).
        var chair = await app.LoginAsync(Chair, Password);
        var members = (await OkAsync(chair.GetAsync(verification))).GetProperty("perMember").EnumerateArray()
            .ToDictionary(m => m.GetProperty("name").GetString()!, m => m.GetProperty("memberId").GetGuid());
        var groupMember = members["Thành viên nhóm 1"];
        await OkAsync(chair.PostAsJsonAsync($"{verification}/assignments", new
        {
            assignments = new[]
            {
                new { unitId = stc, memberId = groupMember, groupCode = (string?)"1" }, new { unitId = ids["SKHCN"], memberId = groupMember, groupCode = (string?)null },
                new { unitId = ids["SNV"], memberId = groupMember, groupCode = (string?)"1" }, new { unitId = ids["SYT"], memberId = groupMember, groupCode = (string?)"2" },
            },
        }));
        await OkAsync(chair.PostAsJsonAsync($"{verification}/assignments", new { assignments = new[] { new { unitId = ids["SNV"], memberId = members["Thành viên khác"], groupCode = (string?)null } } }));

        // Before verification: refused, in Vietnamese, and the page does not offer it.
        var member = await app.LoginAsync(GroupMember, Password);
        var early = await ProblemAsync(member.PostAsync(bulk, null));
        Assert.Equal((HttpStatusCode.Conflict, "stage.wrong", "Chưa thể thực hiện"), (early.Status, early.Code, early.Title));
        Assert.Equal("Thẩm định chỉ thực hiện được ở giai đoạn Hội đồng thẩm định; đợt đánh giá đang ở giai đoạn “Tự đánh giá”", early.Detail);
        Assert.DoesNotContain("accept-all-confirm", await member.GetStringAsync(page), StringComparison.Ordinal);

        // Verification begins; the chair lowers 1.3 with a note.
        await SetClockAsync(11, 30, 18);
        chair = await app.LoginAsync(Chair, Password);
        member = await app.LoginAsync(GroupMember, Password);
        await OkAsync(chair.PutAsJsonAsync($"{verification}/units/{stc}/indicators/1.3", new { accept = false, points = 5, note = "Số liệu chưa khớp báo cáo năm" }));
        var audited = await ScoredAsync(stc);
        Assert.Single(audited);

        // A member not assigned to the unit, and one who works for it, are refused (in Vietnamese), and nothing is written.
        var other = await app.LoginAsync(OtherMember, Password);
        var notAssigned = await ProblemAsync(other.PostAsync(bulk, null));
        Assert.Equal((HttpStatusCode.Forbidden, "verification.not-assigned", "Không có quyền", "Thành viên khác không được phân công thẩm định STC"),
            (notAssigned.Status, notAssigned.Code, notAssigned.Title, notAssigned.Detail));
        var inside = await app.LoginAsync(InsideMember, Password);
        var conflict = await ProblemAsync(inside.PostAsync(bulk, null));
        Assert.Equal((HttpStatusCode.Forbidden, "verification.conflict-of-interest", "Không có quyền"), (conflict.Status, conflict.Code, conflict.Title));
        Assert.Equal("Thành viên Sở Tài chính công tác tại STC nên không được thẩm định đơn vị này (xung đột lợi ích)", conflict.Detail);
        using (var english = new HttpRequestMessage(HttpMethod.Post, bulk))
        {
            english.Headers.AcceptLanguage.ParseAdd("en");
            var conflictEn = await ProblemAsync(inside.SendAsync(english));
            Assert.Equal(("Not allowed", "Thành viên Sở Tài chính works for STC and may not verify it (conflict of interest)"), (conflictEn.Title, conflictEn.Detail));
        }
        Assert.Single(await ScoredAsync(stc));

        // The group member's page offers the bulk acceptance; the call accepts 1.1, 1.5 and 1.6, nothing else.
        Assert.Contains("Chấp nhận mọi điểm tự chấm có minh chứng", WebUtility.HtmlDecode(await member.GetStringAsync(page)), StringComparison.Ordinal);
        var entriesBefore = (await ScoredAsync(stc, "")).Count;
        var first = await OkAsync(member.PostAsync(bulk, null));
        Assert.Equal(["1.1", "1.5", "1.6"], Accepted(first));
        Assert.Equal((3, 6), (first.GetProperty("acceptedCount").GetInt32(), first.GetProperty("skippedCount").GetInt32()));
        Assert.Equal([("1.2", "no-evidence"), ("1.3", "already-reviewed"), ("1.4", "not-answered"), ("2.1", "not-assigned"), ("bonus:model", "not-assigned"),
            ("bonus:merit", "not-assigned")], Skipped(first));
        // Exactly the verdict a single acceptance gives: the self-score, no note, the member's name.
        Assert.All(first.GetProperty("accepted").EnumerateArray(), v =>
        {
            Assert.Equal(self[v.GetProperty("code").GetString()!], v.GetProperty("points").GetDecimal());
            Assert.Equal(v.GetProperty("selfPoints").GetDecimal(), v.GetProperty("points").GetDecimal());
            Assert.Equal(JsonValueKind.Null, v.GetProperty("note").ValueKind);
            Assert.Equal("Thành viên nhóm 1", v.GetProperty("memberName").GetString());
        });

        // One audit entry per accepted indicator, by the member, like three single acceptances.
        audited = await ScoredAsync(stc);
        var bulkEntries = audited.Where(e => e.GetProperty("actor").GetString() == GroupMember).ToList();
        Assert.Equal(4, audited.Count);
        Assert.Equal(entriesBefore + 3, (await ScoredAsync(stc, "")).Count);
        Assert.Equal(["1.1", "1.5", "1.6"], bulkEntries.Select(e => e.GetProperty("detail").GetString()).Order(StringComparer.Ordinal).ToList());
        Assert.All(bulkEntries, e =>
        {
            Assert.Equal("indicator-verdict", e.GetProperty("entityType").GetString());
            Assert.Equal(campaign, e.GetProperty("campaignId").GetGuid());
        });
        var review = await OkAsync(member.GetAsync($"{verification}/units/{stc}"));
        Assert.Equal(["1.1", "1.3", "1.5", "1.6"], review.GetProperty("verdicts").EnumerateArray().Select(v => v.GetProperty("code").GetString()).ToList());
        var history = review.GetProperty("history").EnumerateArray().Where(h => h.GetProperty("by").GetString() == "Thành viên nhóm 1")
            .Select(h => (h.GetProperty("code").GetString(), h.GetProperty("stage").GetString(), h.GetProperty("to").GetDecimal())).OrderBy(h => h.Item1, StringComparer.Ordinal).ToList();
        Assert.Equal([("1.1", "verified", 10m), ("1.5", "verified", 0m), ("1.6", "verified", 6m)], history);
        Assert.Equal("in-progress", review.GetProperty("unit").GetProperty("verification").GetString());

        // Again: nothing left to accept, nothing written.
        var second = await OkAsync(member.PostAsync(bulk, null));
        Assert.Equal(0, second.GetProperty("acceptedCount").GetInt32());
        Assert.Empty(second.GetProperty("accepted").EnumerateArray());
        Assert.Equal(["1.1", "1.3", "1.5", "1.6"], Skipped(second).Where(s => s.Item2 == "already-reviewed").Select(s => s.Item1).ToList());
        Assert.Equal(entriesBefore + 3, (await ScoredAsync(stc, "")).Count);

        // Group 1 across the member's units: SKHCN (the whole unit) and STC (nothing left there); SNV, returned for clarification,
        // is listed with the refusal; SYT (group 2 only) is not looked at. Another group's indicators are never touched.
        await OkAsync(chair.PostAsJsonAsync($"{verification}/units/{ids["SNV"]}/clarification", new { questions = "Bổ sung quyết định nhóm 1", dueAt = "2025-12-05 17:00" }));
        var across = await OkAsync(member.PostAsync($"{verification}/groups/1/accept-self-scores", null));
        Assert.Equal((2, 10), (across.GetProperty("acceptedCount").GetInt32(), across.GetProperty("skippedCount").GetInt32()));
        var perUnit = across.GetProperty("units").EnumerateArray().ToDictionary(u => u.GetProperty("unitCode").GetString()!);
        Assert.Equal(["SKHCN", "STC"], perUnit.Keys.ToList());
        Assert.Equal(["1.1", "1.3"], Accepted(perUnit["SKHCN"]));
        Assert.Equal([("1.2", "not-answered"), ("1.4", "not-answered"), ("1.5", "not-answered"), ("1.6", "not-answered")], Skipped(perUnit["SKHCN"]));
        Assert.Empty(Accepted(perUnit["STC"]));
        Assert.Equal([("1.1", "already-reviewed"), ("1.2", "no-evidence"), ("1.3", "already-reviewed"), ("1.4", "not-answered"), ("1.5", "already-reviewed"),
            ("1.6", "already-reviewed")], Skipped(perUnit["STC"]));
        var refusedUnit = Assert.Single(across.GetProperty("refused").EnumerateArray());
        Assert.Equal(("SNV", "verification.returned"), (refusedUnit.GetProperty("unitCode").GetString(), refusedUnit.GetProperty("code").GetString()));
        Assert.StartsWith("SNV đã được trả lại để giải trình đến 05/12/2025 17:00", refusedUnit.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal(["1.1", "1.3"], (await ScoredAsync(ids["SKHCN"])).Select(e => e.GetProperty("detail").GetString()).Order(StringComparer.Ordinal).ToList());
        Assert.Empty(await ScoredAsync(ids["SNV"]));
        Assert.Equal(entriesBefore + 3, (await ScoredAsync(stc, "")).Count);
        var noGroup = await ProblemAsync(inside.PostAsync($"{verification}/groups/1/accept-self-scores", null));
        Assert.Equal((HttpStatusCode.Forbidden, "verification.group-not-assigned"), (noGroup.Status, noGroup.Code));
        Assert.Equal("Thành viên Sở Tài chính không được phân công thẩm định nhóm 1 (hay toàn bộ) ở đơn vị nào", noGroup.Detail);

        // The chair verifies the whole unit, on the page: group 2 and the evidenced bonus claim are accepted, and the page says
        // in Vietnamese what was skipped and why.
        var chairPage = await chair.GetStringAsync(page);
        var token = Regex.Match(chairPage, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(token);
        var after = await chair.PostAsync($"{page}?handler=AcceptSelfScores", new FormUrlEncodedContent([new("__RequestVerificationToken", token)]));
        var shown = WebUtility.HtmlDecode(await after.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Contains("Đã chấp nhận 2 điểm tự chấm; bỏ qua 7 mục: 4 mục đã có kết luận thẩm định (1.1, 1.3, 1.5, 1.6); 1 mục đơn vị chưa trả lời (1.4); "
            + "2 mục chưa có minh chứng (1.2, bonus:merit).", shown, StringComparison.Ordinal);
        var verdicts = (await OkAsync(chair.GetAsync($"{verification}/units/{stc}"))).GetProperty("verdicts").EnumerateArray()
            .ToDictionary(v => v.GetProperty("code").GetString()!, v => (v.GetProperty("points").GetDecimal(), v.GetProperty("memberName").GetString()));
        Assert.Equal((5m, "Chủ tịch Hội đồng"), verdicts["2.1"]);
        Assert.Equal((1m, "Chủ tịch Hội đồng"), verdicts["bonus:model"]);
        Assert.False(verdicts.ContainsKey("bonus:merit"));
        Assert.Equal(6, (await ScoredAsync(stc)).Count);
    }
}

public sealed class AcceptSelfScoresTests_Postgres(PostgresApp app) : AcceptSelfScoresTests(app), IClassFixture<PostgresApp>;

public sealed class AcceptSelfScoresTests_Sqlite(SqliteApp app) : AcceptSelfScoresTests(app), IClassFixture<SqliteApp>;
