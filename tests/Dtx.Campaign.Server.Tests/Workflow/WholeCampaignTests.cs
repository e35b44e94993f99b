using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dtx.Campaign.Scoring.IndexSets;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Dtx.Campaign.Server.Tests.Notices;
using Xunit.Abstractions;

namespace Dtx.Campaign.Server.Tests.Workflow;

/// <summary>
/// A whole 2025 campaign of four departments driven through HTTP alone as the clock moves, every timer fired by
/// the real Quartz scheduler (its persistent store, clustered on PostgreSQL) on that clock: launch publishes at
/// once; self-assessment (SNV reminded, SYT late under an extension, a "No" without evidence); verification with a
/// clarification round; preliminary results; one dispute upheld, one rejected; final results, publication,
/// awards and certificates; archive. Every notice in the register and every e-mail received is checked, and the
/// final ranking against the figures worked out by hand below.
/// </summary>
/// <remarks>
/// Index set, 100 points: 1.1 ratio (40), 2.1 ratio (30), 2.2 yes/no with evidence required (30). Bands: Yếu 0–50,
/// Trung bình 50–65, Khá 65–80, Tốt 80–100.
/// SKHCN 90%/80%/yes = 36 + 24 + 30 = 90. STC 75%/100%/yes = 30 + 30 + 30 = 90, then, asked to clarify, 2.1 → 50% = 15: 75.
/// SNV 70%/60%/no = 28 + 18 + 0 = 46; its dispute on 2.1 is upheld at 27: 55. SYT 50%/50%/no = 20 + 15 + 0 = 35.
/// Preliminary: SKHCN 90 (1, Tốt), STC 75 (2, Khá), SNV 46 (3, Yếu), SYT 35 (4, Yếu).
/// Final: SKHCN 90 (1, Tốt), STC 75 (2, Khá; its dispute on 1.1 rejected), SNV 55 (3, Trung bình), SYT 35 (4, Yếu).
/// </remarks>
[LongRunning]
public abstract class WholeCampaignTests(CampaignApp app, ITestOutputHelper output)
{
    private const string ChairPassword = "Chair-Password-1";
    private static readonly string[] Codes = ["SKHCN", "SNV", "STC", "SYT"];

    internal static IndexSet Set(string key) => new()
    {
        Key = key, Version = 1, Name = new LocalizedText("Bộ chỉ số sở, ngành", "Department index"), LegalReference = "Quyết định 01/QĐ-UBND",
        Level = "department", EffectiveYear = 2025, IsSample = true,
        Groups =
        [
            new IndicatorNode
            {
                Code = "1", Name = new LocalizedText("Nhận thức số", "Digital awareness"), MaxPoints = 40,
                Children = [new IndicatorNode { Code = "1.1", Name = new LocalizedText("Tỷ lệ cán bộ được tập huấn", "Staff trained"), MaxPoints = 40, Method = new RatioMethod() }],
            },
            new IndicatorNode
            {
                Code = "2", Name = new LocalizedText("Hạ tầng số", "Digital infrastructure"), MaxPoints = 60,
                Children =
                [
                    new IndicatorNode { Code = "2.1", Name = new LocalizedText("Tỷ lệ máy trạm kết nối", "Workstations connected"), MaxPoints = 30, Method = new RatioMethod() },
                    new IndicatorNode
                    {
                        Code = "2.2", Name = new LocalizedText("Có trung tâm dữ liệu", "Has a data centre"), MaxPoints = 30, Method = new YesNoMethod(),
                        EvidenceRequired = true, EvidenceRequirement = "Quyết định đưa vào sử dụng",
                    },
                ],
            },
        ],
        RatingBands =
        [
            new RatingBand("weak", new LocalizedText("Yếu", "Weak"), 0, 50),
            new RatingBand("average", new LocalizedText("Trung bình", "Average"), 50, 65),
            new RatingBand("fair", new LocalizedText("Khá", "Fairly good"), 65, 80),
            new RatingBand("good", new LocalizedText("Tốt", "Good"), 80, 100),
        ],
    };

    private HttpClient admin = null!;

    private async Task AtAsync(int month, int day, int hour, int minute = 0)
    {
        await app.PassTimeAsync(new DateTimeOffset(2025, month, day, hour, minute, 0, TimeSpan.FromHours(7)));
        admin = await app.LoginAsAdminAsync();
    }

    private static async Task<JsonElement> OkAsync(Task<HttpResponseMessage> call)
    {
        var response = await call;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} → {(int)response.StatusCode}: {body}");
        return body.Length == 0 ? default : JsonDocument.Parse(body).RootElement;
    }

    private async Task<string> StageAsync(Guid campaign) =>
        (await admin.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaign}/workflow")).GetProperty("stage").GetString()!;

    private async Task<List<(string Number, string Template, int Recipients, Guid Id)>> RegisterAsync(Guid campaign) =>
        [.. (await admin.GetFromJsonAsync<JsonElement[]>($"/api/documents?campaignId={campaign}"))!.Reverse()
            .Select(d => (d.GetProperty("number").GetString()!, d.GetProperty("template").GetString()!, d.GetProperty("recipients").GetInt32(), d.GetProperty("id").GetGuid()))];

    private async Task<string> PdfTextAsync(Guid document) =>
        NoticeDeliveryTests.PdfText(await (await admin.GetAsync($"/api/documents/{document}/pdf")).EnsureSuccessStatusCode().Content.ReadAsByteArrayAsync());

    [Fact]
    public async Task A_whole_campaign_runs_from_launch_to_archive_with_every_notice_and_email_real()
    {
        await AtAsync(10, 1, 9);
        await app.ImportHanoiUnitsAsync(admin);
        await app.CreateUserAsync(TestCampaigns.ChairEmail, ChairPassword);
        var set = await TestIndexSets.UploadAsync(admin, Set($"whole-{Guid.NewGuid():N}"[..20]));
        var allUnits = (await admin.GetFromJsonAsync<JsonElement[]>("/api/units?authority=HN"))!;
        var unitIds = Codes.Select(code => allUnits.First(u => u.GetProperty("code").GetString() == code).GetProperty("id").GetGuid()).ToList();
        var created = await OkAsync(admin.PostAsJsonAsync("/api/campaigns", new
        {
            authority = "HN", year = 2025, nameVi = "Đánh giá chuyển đổi số năm 2025", nameEn = "Digital transformation assessment 2025",
            indexSets = new Dictionary<string, Guid> { ["department"] = set }, schedule = TestCampaigns.Schedule(), units = unitIds,
            council = new object[]
            {
                new { fullName = "Phó Chủ tịch UBND TP", email = TestCampaigns.ChairEmail, role = "chair" },
                new { fullName = "Chuyên viên Sở TT&TT", email = "member@demo.hanoi.invalid", role = "member" },
            },
        }));
        var campaign = created.GetProperty("id").GetGuid();

        // Launch: the index is published at once (not on 23 Oct), with its notice to the four units.
        await OkAsync(TestCampaigns.LaunchAsync(admin, campaign));
        Assert.Equal("index-publication", await StageAsync(campaign));
        var detail = await admin.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaign}");
        Assert.Equal(JsonValueKind.String, detail.GetProperty("steps").GetProperty("indexPublishedAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, detail.GetProperty("steps").GetProperty("selfAssessmentOpenedAt").ValueKind);
        var seats = detail.GetProperty("councilSeats").EnumerateArray().ToList();
        Assert.Equal(["chair", "member"], seats.Select(s => s.GetProperty("role").GetString()));
        Assert.All(seats, s => Assert.NotEqual(Guid.Empty, s.GetProperty("id").GetGuid()));
        var ids = detail.GetProperty("participants").EnumerateArray().ToDictionary(p => p.GetProperty("unitCode").GetString()!, p => p.GetProperty("unitId").GetGuid());
        Assert.Equal(Codes, ids.Keys.Order(StringComparer.Ordinal));
        string Unit(string code) => $"/api/campaigns/{campaign}/units/{ids[code]}";

        await AtAsync(11, 1, 8);
        Assert.Equal("self-assessment", await StageAsync(campaign));
        Assert.Equal(JsonValueKind.String, (await admin.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaign}")).GetProperty("steps").GetProperty("selfAssessmentOpenedAt").ValueKind);

        async Task AnswerAsync(string code, decimal r11, decimal r21, bool yes)
        {
            var sa = $"{Unit(code)}/self-assessment";
            await OkAsync(admin.PutAsJsonAsync($"{sa}/answers/1.1", new { number = r11, version = 0 }));
            await OkAsync(admin.PutAsJsonAsync($"{sa}/answers/2.1", new { number = r21, version = 0 }));
            if (yes)
                await OkAsync(admin.PostAsJsonAsync($"{sa}/evidence/references", new { code = "2.2", kind = "document", documentNumber = $"7/QĐ-{code}", documentDate = "2025-06-01", documentIssuer = code }));
            await OkAsync(admin.PutAsJsonAsync($"{sa}/answers/2.2", new { yes, version = 0 }));
            await OkAsync(admin.PostAsync($"{sa}/submit", null));
        }

        await AtAsync(11, 3, 9);
        // A "Yes" claims points and needs its evidence; a "No" needs none.
        await OkAsync(admin.PutAsJsonAsync($"{Unit("SKHCN")}/self-assessment/answers/2.2", new { yes = true, version = 0 }));
        var unproven = await admin.PostAsync($"{Unit("SKHCN")}/self-assessment/submit", null);
        Assert.Equal(HttpStatusCode.BadRequest, unproven.StatusCode);
        Assert.Contains("2.2", await unproven.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await OkAsync(admin.PostAsJsonAsync($"{Unit("SKHCN")}/self-assessment/evidence/references", new { code = "2.2", kind = "document", documentNumber = "7/QĐ-SKHCN", documentDate = "2025-06-01", documentIssuer = "SKHCN" }));
        await OkAsync(admin.PutAsJsonAsync($"{Unit("SKHCN")}/self-assessment/answers/1.1", new { number = 90, version = 0 }));
        await OkAsync(admin.PutAsJsonAsync($"{Unit("SKHCN")}/self-assessment/answers/2.1", new { number = 80, version = 0 }));
        await OkAsync(admin.PostAsync($"{Unit("SKHCN")}/self-assessment/submit", null));
        await AnswerAsync("STC", 75, 100, yes: true);
        await OkAsync(admin.PostAsJsonAsync($"{Unit("SYT")}/extension", new { until = "2025-12-05T17:00:00", reason = "Sự cố hạ tầng mạng" }));

        // 7 days before 30 Nov: SNV, the one unit without an extension that has not submitted, is reminded.
        await AtAsync(11, 23, 8);
        await AtAsync(11, 25, 9);
        await AnswerAsync("SNV", 70, 60, yes: false);
        // 7 days before its own deadline (5 Dec), SYT is reminded by its extension's round.
        await AtAsync(11, 28, 8);

        await AtAsync(11, 30, 17);
        Assert.Equal("council-verification", await StageAsync(campaign));
        await AtAsync(12, 1, 9);
        await AnswerAsync("SYT", 50, 50, yes: false);   // after the campaign's deadline, inside its extension

        // Verification; STC is asked to clarify (due time with seconds, the API's one format) and lowers 2.1.
        await AtAsync(12, 2, 9);
        var chair = await app.LoginAsync(TestCampaigns.ChairEmail, ChairPassword);
        var verification = $"/api/campaigns/{campaign}/verification";
        async Task VerifyAsync(string code)
        {
            foreach (var indicator in new[] { "1.1", "2.1", "2.2" })
                await OkAsync(chair.PutAsJsonAsync($"{verification}/units/{ids[code]}/indicators/{indicator}", new { accept = true }));
            await OkAsync(chair.PostAsync($"{verification}/units/{ids[code]}/complete", null));
        }
        foreach (var code in new[] { "SKHCN", "SNV", "SYT" })
            await VerifyAsync(code);
        var badDue = await chair.PostAsJsonAsync($"{verification}/units/{ids["STC"]}/clarification", new { questions = "Số máy trạm kết nối?", dueAt = "4/12/2025" });
        Assert.Equal(HttpStatusCode.BadRequest, badDue.StatusCode);
        var badDueBody = await badDue.Content.ReadAsStringAsync();
        Assert.Contains("dueAt", badDueBody, StringComparison.Ordinal);
        Assert.Contains("4/12/2025", badDueBody, StringComparison.Ordinal);
        await OkAsync(chair.PostAsJsonAsync($"{verification}/units/{ids["STC"]}/clarification",
            new { questions = "Đề nghị cung cấp danh sách máy trạm đã kết nối mạng chuyên dùng.", dueAt = "2025-12-04T17:00:00" }));
        await AtAsync(12, 3, 9);
        chair = await app.LoginAsync(TestCampaigns.ChairEmail, ChairPassword);
        await OkAsync(admin.PutAsJsonAsync($"{Unit("STC")}/self-assessment/answers/2.1", new { number = 50, version = 1 }));
        await OkAsync(admin.PostAsJsonAsync($"{Unit("STC")}/self-assessment/clarification", new { answer = "Chỉ 50% máy trạm đã kết nối; đã sửa chỉ số 2.1." }));
        await OkAsync(admin.PostAsync($"{Unit("STC")}/self-assessment/submit", null));
        await VerifyAsync("STC");
        await OkAsync(chair.PostAsJsonAsync($"/api/campaigns/{campaign}/workflow/approvals", new { stage = "council-verification" }));
        Assert.Equal("preliminary-results", await StageAsync(campaign));

        // Disputes: SNV's on 2.1 upheld, STC's on 1.1 rejected.
        await AtAsync(12, 16, 8);
        Assert.Equal("dispute-window", await StageAsync(campaign));
        var snvDispute = await OkAsync(admin.PostAsJsonAsync($"{Unit("SNV")}/disputes", new { code = "2.1", justification = "Đã kết nối thêm 30% máy trạm trong tháng 10" }));
        Assert.Equal(18m, snvDispute.GetProperty("pointsBefore").GetDecimal());
        var stcDispute = await OkAsync(admin.PostAsJsonAsync($"{Unit("STC")}/disputes", new { code = "1.1", justification = "Tỷ lệ tập huấn thực tế cao hơn" }));
        chair = await app.LoginAsync(TestCampaigns.ChairEmail, ChairPassword);
        var disputes = $"/api/campaigns/{campaign}/disputes";
        await OkAsync(chair.PostAsJsonAsync($"{disputes}/{snvDispute.GetProperty("id").GetGuid()}/resolution", new { upheld = true, newPoints = 27, reason = "Biên bản nghiệm thu kết nối tháng 10 hợp lệ" }));
        await OkAsync(chair.PostAsJsonAsync($"{disputes}/{stcDispute.GetProperty("id").GetGuid()}/resolution", new { upheld = false, reason = "Không có danh sách học viên kèm theo" }));
        await AtAsync(12, 23, 17);
        Assert.Equal("dispute-resolution", await StageAsync(campaign));
        var late = await admin.PostAsJsonAsync($"{Unit("SYT")}/disputes", new { code = "1.1", justification = "Gửi sau khi đã đóng cửa sổ" });
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        chair = await app.LoginAsync(TestCampaigns.ChairEmail, ChairPassword);
        await OkAsync(chair.PostAsJsonAsync($"/api/campaigns/{campaign}/workflow/approvals", new { stage = "dispute-resolution" }));
        Assert.Equal("final-results", await StageAsync(campaign));

        // The final ranking against the hand calculation.
        var final = (await OkAsync(admin.GetAsync($"/api/campaigns/{campaign}/results/final"))).GetProperty("results");
        var ranking = final.GetProperty("categories")[0].GetProperty("units").EnumerateArray()
            .Select(u => (u.GetProperty("unitCode").GetString(), u.GetProperty("rank").GetInt32(), u.GetProperty("total").GetDecimal(), u.GetProperty("band").GetString())).ToList();
        Assert.Equal([("SKHCN", 1, 90m, "good"), ("STC", 2, 75m, "fair"), ("SNV", 3, 55m, "average"), ("SYT", 4, 35m, "weak")], ranking);

        // Awards: one of each class from 50% up (SYT, 35%, none); then publication on 30 Dec.
        await OkAsync(admin.PutAsJsonAsync($"/api/campaigns/{campaign}/awards/quotas", new { quotas = new[] { new { category = "department", first = 1, second = 1, third = 1, minPercentage = 50m } } }));
        var awards = await OkAsync(chair.PostAsJsonAsync($"/api/campaigns/{campaign}/awards/confirmation", new { }));
        Assert.Equal(["SKHCN first", "STC second", "SNV third"], awards.EnumerateArray().Select(a => $"{a.GetProperty("unitCode").GetString()} {a.GetProperty("class").GetString()}"));
        await AtAsync(12, 30, 8);
        Assert.Equal("publication-and-awards", await StageAsync(campaign));
        var certificates = await admin.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaign}/certificates");
        output.WriteLine($"certificates: {certificates}");
        chair = await app.LoginAsync(TestCampaigns.ChairEmail, ChairPassword);
        await OkAsync(chair.PostAsJsonAsync($"/api/campaigns/{campaign}/workflow/approvals", new { stage = "publication-and-awards" }));
        Assert.Equal("archived", await StageAsync(campaign));
        var archived = await admin.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaign}");
        Assert.Equal("archived", archived.GetProperty("summary").GetProperty("status").GetString());
        var steps = archived.GetProperty("steps");
        Assert.All(["indexPublishedAt", "selfAssessmentOpenedAt", "disputesOpenedAt", "disputesClosedAt", "archivedAt"], s => Assert.Equal(JsonValueKind.String, steps.GetProperty(s).ValueKind));

        // The journal says what each stage step did.
        var journal = (await admin.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaign}/workflow")).GetProperty("journal").EnumerateArray()
            .Select(j => (Activity: j.GetProperty("activity").GetString(), Detail: j.GetProperty("detail").GetString() ?? "")).ToList();
        foreach (var line in journal)
            output.WriteLine($"journal: {line.Activity}: {line.Detail}");
        Assert.Contains(journal, j => j.Activity == "publish-index" && j.Detail.Contains("100 points", StringComparison.Ordinal) && j.Detail.Contains("4 unit(s)", StringComparison.Ordinal));
        Assert.Contains(journal, j => j.Activity == "open-self-assessment" && j.Detail.Contains("30/11/2025 17:00", StringComparison.Ordinal));
        Assert.Contains(journal, j => j.Activity == "open-disputes" && j.Detail.Contains("23/12/2025 17:00", StringComparison.Ordinal));
        Assert.Contains(journal, j => j.Activity == "close-disputes" && j.Detail.Contains("2 dispute(s) filed; 0 open", StringComparison.Ordinal));
        Assert.Contains(journal, j => j.Activity == "archive-campaign" && j.Detail.Contains("issued document(s)", StringComparison.Ordinal));
        Assert.DoesNotContain(journal, j => j.Detail.Contains("placeholder", StringComparison.Ordinal));

        // The register, in order.
        var register = await RegisterAsync(campaign);
        foreach (var d in register)
            output.WriteLine($"register: {d.Number} {d.Template} → {d.Recipients}");
        Assert.Equal(
        [
            ("1/TB-UBND", "index-publication", 4), ("2/TB-UBND", "self-assessment-opening", 4), ("3/TB-UBND", "deadline-reminder", 1),
            ("4/TB-UBND", "deadline-reminder", 1), ("5/TB-UBND", "deadline-closed", 4), ("6/TB-UBND", "verification-started", 2),
            ("7/TB-UBND", "clarification-request", 1), ("8/TB-UBND", "preliminary-results", 4), ("9/TB-UBND", "dispute-window-opened", 4),
            ("10/TB-UBND", "dispute-outcome", 1), ("11/TB-UBND", "dispute-outcome", 1), ("12/TB-UBND", "disputes-closed", 2),
            ("13/QĐ-UBND", "award-decision", 3), ("14/TB-UBND", "final-results", 4),
        ], register.Select(d => (d.Number, d.Template, d.Recipients)));

        // What each filed document says (read back from its PDF): real figures and band names, never a key.
        string Doc(string template) => register.Last(d => d.Template == template).Id.ToString();
        var preliminary = await PdfTextAsync(Guid.Parse(Doc("preliminary-results")));
        output.WriteLine($"preliminary-results PDF: {preliminary}");
        foreach (var expected in new[] { "90,00", "75,00", "46,00", "35,00", "Tốt", "Khá", "Yếu" })
            Assert.Contains(NoticeDeliveryTests.Squeeze(expected), preliminary, StringComparison.Ordinal);
        Assert.DoesNotContain("0,00/100", preliminary, StringComparison.Ordinal);
        var finalText = await PdfTextAsync(Guid.Parse(Doc("final-results")));
        output.WriteLine($"final-results PDF: {finalText}");
        foreach (var expected in new[] { "90,00", "75,00", "55,00", "35,00", "Tốt", "Khá", "Trung bình", "Yếu" })
            Assert.Contains(NoticeDeliveryTests.Squeeze(expected), finalText, StringComparison.Ordinal);
        foreach (var template in register.Select(d => d.Id))
        {
            var text = await PdfTextAsync(template);
            Assert.DoesNotContain("good", text, StringComparison.Ordinal);
            Assert.DoesNotContain("fair", text, StringComparison.Ordinal);
        }
        Assert.Contains(NoticeDeliveryTests.Squeeze("Đề nghị cung cấp danh sách máy trạm"), await PdfTextAsync(Guid.Parse(Doc("clarification-request"))), StringComparison.Ordinal);
        Assert.Contains(NoticeDeliveryTests.Squeeze("3/4"), await PdfTextAsync(Guid.Parse(Doc("verification-started"))), StringComparison.Ordinal);
        // Each dispute's answer to its unit: decided, why, the indicator's points and the unit's total before and after.
        var outcomes = register.Where(d => d.Template == "dispute-outcome").ToList();
        var upheld = await PdfTextAsync(outcomes[0].Id);
        output.WriteLine($"dispute-outcome PDF (upheld): {upheld}");
        foreach (var expected in new[] { ": chấp nhận (Biên bản nghiệm thu kết nối tháng 10 hợp lệ)", "46,00 điểm", "55,00 điểm" })
            Assert.Contains(NoticeDeliveryTests.Squeeze(expected), upheld, StringComparison.Ordinal);
        var rejected = await PdfTextAsync(outcomes[1].Id);
        output.WriteLine($"dispute-outcome PDF (rejected): {rejected}");
        Assert.Contains(NoticeDeliveryTests.Squeeze("không chấp nhận (Không có danh sách học viên kèm theo)"), rejected, StringComparison.Ordinal);
        Assert.Contains(NoticeDeliveryTests.Squeeze("75,00 điểm (trước đó 75,00 điểm)"), rejected, StringComparison.Ordinal);
        var closedDisputes = await PdfTextAsync(Guid.Parse(Doc("disputes-closed")));
        output.WriteLine($"disputes-closed PDF: {closedDisputes}");
        Assert.Contains(NoticeDeliveryTests.Squeeze("Thời hạn tiếp nhận kiến nghị"), closedDisputes, StringComparison.Ordinal);
        Assert.DoesNotContain(NoticeDeliveryTests.Squeeze("tự đánh giá"), closedDisputes, StringComparison.Ordinal);

        // Every e-mail as received: subject from its template, in Vietnamese, to the right people.
        await app.DeliverMailAsync();
        var mail = app.Smtp!.Messages().Select(m => (To: m.To.Mailboxes.Single().Address, Subject: m.Subject ?? "", Text: m.TextBody ?? "")).ToList();
        foreach (var m in mail.OrderBy(m => m.To, StringComparer.Ordinal))
            output.WriteLine($"mail: {m.To}: {m.Subject}");
        Assert.All(mail, m => Assert.StartsWith("Về việc ", m.Subject, StringComparison.Ordinal));
        Assert.All(mail, m => Assert.DoesNotContain("Thông báo:", m.Text, StringComparison.Ordinal));
        Assert.All(mail, m => Assert.DoesNotMatch(@"\b[a-z]+(-[a-z]+)+\b", m.Subject));
        const string Year = " năm 2025";
        const string DisputesClosing = "Về việc nhắc hạn gửi kiến nghị kết quả thẩm định sơ bộ chuyển đổi số" + Year;
        // Every subject names the campaign's year, the administrators' and the council's too.
        Assert.All(mail, m => Assert.EndsWith(Year, m.Subject, StringComparison.Ordinal));
        Assert.Contains("Về việc kết thúc và lưu trữ đợt đánh giá chuyển đổi số" + Year, To(CampaignApp.AdminEmail));
        List<string> To(string address) => [.. mail.Where(m => m.To == address).Select(m => m.Subject)];
        var unitSubjects = new[]
        {
            "Về việc công bố Bộ chỉ số đánh giá chuyển đổi số" + Year, "Về việc mở kỳ tự đánh giá chuyển đổi số" + Year,
            "Về việc kết thúc thời hạn tự đánh giá chuyển đổi số" + Year, "Về việc thông báo kết quả thẩm định sơ bộ chuyển đổi số" + Year,
            "Về việc tiếp nhận kiến nghị kết quả thẩm định sơ bộ chuyển đổi số" + Year, "Về việc công bố kết quả đánh giá chuyển đổi số" + Year,
            "Về việc khen thưởng các đơn vị có thành tích xuất sắc trong chuyển đổi số" + Year,
            // Before disputes close (23 Dec 17:00), every unit (annual-campaign v4): 3 days and 1 day before at 08:00, and
            // the last call 2 hours before; about disputes, not self-assessment.
            DisputesClosing, DisputesClosing, DisputesClosing,
        };
        var reminder = "Về việc nhắc hạn nộp kết quả tự đánh giá chuyển đổi số" + Year;
        Assert.Equal(unitSubjects.Order(StringComparer.Ordinal), To("daumoi.skhcn@demo.hanoi.invalid").Order(StringComparer.Ordinal));
        var outcome = "Về việc trả lời kiến nghị kết quả đánh giá chuyển đổi số" + Year;
        Assert.Equal(unitSubjects.Append(reminder).Append(outcome).Order(StringComparer.Ordinal), To("daumoi.snv@demo.hanoi.invalid").Order(StringComparer.Ordinal));
        Assert.Equal(unitSubjects.Append(reminder).Order(StringComparer.Ordinal), To("daumoi.syt@demo.hanoi.invalid").Order(StringComparer.Ordinal));
        Assert.Equal(unitSubjects.Append(outcome).Append("Về việc đề nghị giải trình, bổ sung minh chứng tự đánh giá chuyển đổi số" + Year).Order(StringComparer.Ordinal),
            To("daumoi.stc@demo.hanoi.invalid").Order(StringComparer.Ordinal));
        Assert.Contains("Về việc thẩm định kết quả tự đánh giá chuyển đổi số" + Year, To("member@demo.hanoi.invalid"));
        Assert.Contains("Về việc kết thúc thời hạn tiếp nhận kiến nghị kết quả đánh giá chuyển đổi số" + Year, To("member@demo.hanoi.invalid"));
        // The dispute reminders state their deadline; the council, whose appraisal ended 12 days early, had none.
        var disputeReminders = mail.Where(m => m.Subject == DisputesClosing).ToList();
        Assert.Equal(3 * Codes.Length, disputeReminders.Count);
        output.WriteLine($"disputes-closing e-mail: {disputeReminders[0].Text}");
        Assert.All(disputeReminders, m => Assert.Contains("Hạn cuối: 17:00 ngày 23/12/2025 (giờ Việt Nam).", m.Text, StringComparison.Ordinal));
        Assert.DoesNotContain(mail, m => m.Subject.Contains("thẩm định kết quả tự đánh giá", StringComparison.Ordinal) && m.Subject.Contains("nhắc hạn", StringComparison.Ordinal));
        var snvPreliminaryMail = mail.Single(m => m.To == "daumoi.snv@demo.hanoi.invalid" && m.Subject.Contains("sơ bộ", StringComparison.Ordinal) && m.Subject.Contains("thông báo", StringComparison.Ordinal));
        Assert.Contains("46,00/100,00 điểm", snvPreliminaryMail.Text, StringComparison.Ordinal);
        Assert.Contains("xếp loại Yếu, hạng 3/4", snvPreliminaryMail.Text, StringComparison.Ordinal);
    }
}

public sealed class WholeCampaignTests_Postgres(PostgresSchedulerApp app, ITestOutputHelper output) : WholeCampaignTests(app, output), IClassFixture<PostgresSchedulerApp>;

public sealed class WholeCampaignTests_Sqlite(SqliteSchedulerApp app, ITestOutputHelper output) : WholeCampaignTests(app, output), IClassFixture<SqliteSchedulerApp>;

/// <summary>
/// With early close on, the last submission closes self-assessment before its deadline; the council is then reminded
/// of its own deadline on the campaign's schedule (annual-campaign v4).
/// </summary>
public abstract class EarlyCloseTests(CampaignApp app)
{
    private HttpClient admin = null!;

    private async Task AtAsync(int month, int day, int hour)
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

    private async Task<string> StageAsync(Guid campaign) =>
        (await admin.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaign}/workflow")).GetProperty("stage").GetString()!;

    [Fact]
    public async Task Early_close_ends_self_assessment_when_the_last_unit_submits_and_the_council_is_reminded_of_its_deadline()
    {
        await AtAsync(10, 1, 9);
        await app.ImportHanoiUnitsAsync(admin);
        var set = await TestIndexSets.UploadAsync(admin, WholeCampaignTests.Set($"early-{Guid.NewGuid():N}"[..20]));
        var snvId = (await admin.GetFromJsonAsync<JsonElement[]>("/api/units?authority=HN"))!.First(u => u.GetProperty("code").GetString() == "SNV").GetProperty("id").GetGuid();
        var created = await OkAsync(admin.PostAsJsonAsync("/api/campaigns", new
        {
            authority = "HN", year = 2025, nameVi = "Đợt đánh giá đóng sớm", nameEn = "Early close", earlyClose = true,
            indexSets = new Dictionary<string, Guid> { ["department"] = set }, schedule = TestCampaigns.Schedule(), units = new[] { snvId },
            council = new[] { new { fullName = "Phó Chủ tịch UBND TP", email = TestCampaigns.ChairEmail, role = "chair" } },
        }));
        var campaign = created.GetProperty("id").GetGuid();
        await OkAsync(TestCampaigns.LaunchAsync(admin, campaign));
        Assert.True((await admin.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaign}")).GetProperty("earlyClose").GetBoolean());
        await AtAsync(11, 3, 9);
        var sa = $"/api/campaigns/{campaign}/units/{snvId}/self-assessment";
        await OkAsync(admin.PutAsJsonAsync($"{sa}/answers/1.1", new { number = 10, version = 0 }));
        await OkAsync(admin.PutAsJsonAsync($"{sa}/answers/2.1", new { number = 0, version = 0 }));
        await OkAsync(admin.PutAsJsonAsync($"{sa}/answers/2.2", new { yes = false, version = 0 }));
        Assert.Equal("self-assessment", await StageAsync(campaign));
        await OkAsync(admin.PostAsync($"{sa}/submit", null));
        Assert.Equal("council-verification", await StageAsync(campaign));

        // Verification ends 15 Dec 17:00 and nobody approves: the council hears of it 7, 3 and 1 days before at 08:00
        // and 2 hours before, each e-mail stating the deadline; no reminder after it.
        foreach (var (day, hour) in new[] { (1, 9), (8, 9), (10, 9), (12, 9), (14, 9), (15, 16), (16, 9) })
            await AtAsync(12, day, hour);
        await app.DeliverMailAsync();
        var reminders = app.Smtp!.Messages().Where(m => m.Subject?.Contains("nhắc hạn", StringComparison.Ordinal) == true).ToList();
        Assert.Equal(Enumerable.Repeat("Về việc nhắc hạn hoàn thành việc thẩm định kết quả tự đánh giá chuyển đổi số năm 2025", 4), reminders.Select(m => m.Subject));
        Assert.All(reminders, m => Assert.Equal(TestCampaigns.ChairEmail, m.To.Mailboxes.Single().Address));
        Assert.All(reminders, m => Assert.Contains("Hạn cuối: 17:00 ngày 15/12/2025 (giờ Việt Nam).", m.TextBody, StringComparison.Ordinal));
        var sent = (await admin.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaign}/workflow")).GetProperty("journal").EnumerateArray()
            .Select(j => j.GetProperty("detail").GetString() ?? "").Where(d => d.StartsWith("'verification-closing'", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, sent.Count);
    }
}

public sealed class EarlyCloseTests_Postgres(PostgresMailApp app) : EarlyCloseTests(app), IClassFixture<PostgresMailApp>;

public sealed class EarlyCloseTests_Sqlite(SqliteMailApp app) : EarlyCloseTests(app), IClassFixture<SqliteMailApp>;
