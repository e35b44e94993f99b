using System.Net.Http.Json;
using System.Text.Json;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Dtx.Campaign.Ui.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Dtx.Campaign.Ui.Tests;

/// <summary>
/// The council's half of a campaign in Chromium: the chair assigns, a member lowers a score with a note and
/// completes the unit, the chair approves what the gate shows ready, the unit reads the note and disputes,
/// the member rejects the dispute, the chair approves again, and the final results are published.
/// </summary>
[LongRunning]
public abstract class CouncilPathTests(CampaignApp app, Chromium chromium, ITestOutputHelper output)
{
    private const string Chair = TestCampaigns.ChairEmail;
    private const string Member = "thanhvien@demo.hanoi.invalid";
    private const string Focal = "dau-moi@dong-anh.hanoi.invalid";
    private const string Password = "Council-Password-1";

    private readonly PageChecks checks = new(output, app.Provider);

    private async Task MoveClockAsync(int month, int day, int hour)
    {
        app.Clock.SetUtcNow(new DateTimeOffset(2025, month, day, hour, 0, 0, TimeSpan.FromHours(7)).ToUniversalTime());
        await app.FireDueTimersAsync();
    }

    private static async Task FillInAsync(HttpClient api, Guid campaign, Guid unit)
    {
        var url = $"/api/campaigns/{campaign}/units/{unit}/self-assessment";
        (await api.PostAsJsonAsync($"{url}/evidence/references", new { code = "1.1", kind = "document", documentNumber = "12/QĐ-UBND", documentDate = "2025-03-01", documentIssuer = "UBND" })).EnsureSuccessStatusCode();
        foreach (var (code, answer) in new (string, object)[]
                 {
                     ("1.1", new { yes = true, version = 0 }), ("1.2", new { numerator = 30, denominator = 40, version = 0 }),
                     ("1.3", new { number = 3, version = 0 }), ("2.1", new { number = 2, version = 0 }),
                 })
            (await api.PutAsJsonAsync($"{url}/answers/{code}", answer)).EnsureSuccessStatusCode();
        var submitted = await api.PostAsync($"{url}/submit", null);
        Assert.True(submitted.IsSuccessStatusCode, await submitted.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_council_verifies_with_a_note_the_chair_approves_the_unit_disputes_and_the_results_are_published()
    {
        try
        {
            await WalkAsync();
        }
        finally
        {
            checks.PrintConsole();
        }
    }

    private async Task WalkAsync()
    {
        app.Clock.SetUtcNow(new DateTimeOffset(2025, 10, 1, 2, 0, 0, TimeSpan.Zero));
        var api = await app.LoginAsAdminAsync();
        await app.ImportHanoiUnitsAsync(api);
        foreach (var email in new[] { Chair, Member, Focal })
            await app.CreateUserAsync(email, Password);
        var set = await TestIndexSets.UploadAsync(api, TestIndexSets.Small($"cp-{Guid.NewGuid():N}"[..16], "commune"));
        var campaign = await TestCampaigns.CreateAsync(api, new() { ["commune"] = set }, council:
        [
            new { fullName = "Phó Chủ tịch UBND TP", email = Chair, role = "chair" },
            new { fullName = "Thành viên Sở KH&CN", email = Member, role = "member" },
        ]);
        var units = await TestCampaigns.UnitsAsync(api, campaign);
        (await api.PostAsJsonAsync($"/api/units/{units["X-DONG-ANH"]}/members", new { email = Focal, role = "focal-officer" })).EnsureSuccessStatusCode();
        await MoveClockAsync(11, 3, 9);
        api = await app.LoginAsAdminAsync();
        await FillInAsync(api, campaign, units["X-DONG-ANH"]);
        await FillInAsync(api, campaign, units["P-HOAN-KIEM"]);
        await MoveClockAsync(11, 30, 18);
        var baseUrl = api.BaseAddress!.ToString();

        // The chair (enrolling in two-factor at the first sign-in) assigns the member to Dong Anh.
        var chair = await checks.NewPageAsync(chromium, baseUrl);
        await PageChecks.SignInAsync(chair, app, Chair, Password);
        await chair.GotoAsync("/council");
        await chair.GetByRole(AriaRole.Link, new() { Name = "Đánh giá chuyển đổi số năm 2025" }).ClickAsync();
        // The name says the year: the heading does not repeat it.
        await Expect(chair.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToHaveTextAsync("Đánh giá chuyển đổi số năm 2025");
        await Expect(chair.Locator("#current-stage")).ToHaveTextAsync("Hội đồng thẩm định");
        // The gate shows what approving needs, and the button waits for it.
        await Expect(chair.Locator("#gate-council-verification")).ToContainTextAsync("124/126");
        await Expect(chair.GetByRole(AriaRole.Button, new() { Name = "Phê duyệt kết thúc: Hội đồng thẩm định" })).ToBeDisabledAsync();
        await chair.GetByLabel("Thành viên Hội đồng").SelectOptionAsync(new SelectOptionValue { Label = "Thành viên Sở KH&CN (Thành viên)" });
        await chair.GetByLabel("Đơn vị", new() { Exact = true }).SelectOptionAsync(units["X-DONG-ANH"].ToString());
        await chair.GetByRole(AriaRole.Button, new() { Name = "Phân công", Exact = true }).ClickAsync();
        await Expect(chair.Locator("#flash")).ToHaveTextAsync("Đã phân công Thành viên Sở KH&CN thẩm định X-DONG-ANH.");
        await checks.ScreenshotAsync(chair, "30-council-chair-campaign");
        await checks.AssertAccessibleAsync(chair);

        // The member sees only Dong Anh and verifies it side by side with what the unit entered.
        var member = await checks.NewPageAsync(chromium, baseUrl);
        await PageChecks.SignInAsync(member, app, Member, Password);
        await member.GotoAsync($"/council/{campaign}");
        await Expect(member.Locator("#council-units tbody tr")).ToHaveCountAsync(1);
        await member.GetByRole(AriaRole.Link, new() { Name = "X-DONG-ANH" }).ClickAsync();
        await Expect(member.Locator("#v-1-1")).ToContainTextAsync("12/QĐ-UBND");
        await Expect(member.Locator("#v-1-2")).ToContainTextAsync("30/40");
        await checks.ScreenshotAsync(member, "31-council-unit-review");
        await checks.AssertAccessibleAsync(member);
        // Lowering without a note is refused, naming the field; with a note it is stored.
        var row = member.Locator("#v-2-1");
        await row.GetByLabel("Điểm thẩm định").FillAsync("10");
        await row.GetByRole(AriaRole.Button, new() { Name = "Lưu điểm thẩm định" }).ClickAsync();
        await Expect(member.Locator("#errors")).ToContainTextAsync("Ghi chú:");
        row = member.Locator("#v-2-1");
        await row.GetByLabel("Điểm thẩm định").FillAsync("10");
        await row.GetByLabel("Ghi chú gửi đơn vị").FillAsync("Mới có một mô hình được công nhận");
        await row.GetByRole(AriaRole.Button, new() { Name = "Lưu điểm thẩm định" }).ClickAsync();
        await Expect(member.Locator("#flash")).ToHaveTextAsync("Đã lưu điểm thẩm định 2.1: 10,00.");
        await member.Locator("#v-1-1").GetByRole(AriaRole.Button, new() { Name = "Đồng ý điểm tự chấm" }).ClickAsync();
        await Expect(member.Locator("#flash")).ToContainTextAsync("Đã lưu điểm thẩm định 1.1");
        // The rest in one step, after a confirmation that says what it accepts; what already has a verdict is skipped.
        await member.Locator("#accept-all-confirm summary").ClickAsync();
        await Expect(member.Locator("#accept-all-confirm")).ToContainTextAsync("chưa có kết luận thẩm định");
        await member.GetByRole(AriaRole.Button, new() { Name = "Xác nhận chấp nhận" }).ClickAsync();
        await Expect(member.Locator("#flash")).ToHaveTextAsync("Đã chấp nhận 2 điểm tự chấm; bỏ qua 2 mục: 2 mục đã có kết luận thẩm định (1.1, 2.1).");
        await Expect(member.Locator("#reviewed")).ToHaveTextAsync("4/4");
        await member.Locator("#complete-unit").ClickAsync();
        await Expect(member.Locator("#flash")).ToHaveTextAsync("Đã thẩm định xong X-DONG-ANH.");
        await Expect(member.Locator("#unit-verification")).ToHaveAttributeAsync("data-verification", "verified");

        // The chair verifies the other unit (through the API), then approves on the page what the gate now shows ready.
        var chairApi = await app.LoginAsync(Chair, Password);
        var verification = $"/api/campaigns/{campaign}/verification/units/{units["P-HOAN-KIEM"]}";
        foreach (var code in new[] { "1.1", "1.2", "1.3", "2.1" })
            (await chairApi.PutAsJsonAsync($"{verification}/indicators/{code}", new { accept = true })).EnsureSuccessStatusCode();
        (await chairApi.PostAsync($"{verification}/complete", null)).EnsureSuccessStatusCode();
        await chair.ReloadAsync();
        await Expect(chair.Locator("#gate-council-verification")).ToContainTextAsync("126/126");
        await chair.Locator("#approve-confirm-council-verification summary").ClickAsync();
        await Expect(chair.Locator("#approve-confirm-council-verification")).ToContainTextAsync("không mở lại được");
        await checks.ScreenshotAsync(chair, "32-council-chair-approval-confirmation");
        await chair.GetByLabel("Ý kiến (không bắt buộc)").FillAsync("Đã thẩm định đủ các đơn vị đã nộp");
        await chair.GetByRole(AriaRole.Button, new() { Name = "Phê duyệt kết thúc: Hội đồng thẩm định" }).ClickAsync();
        await Expect(chair.Locator("#flash")).ToHaveTextAsync("Đã phê duyệt kết thúc giai đoạn Hội đồng thẩm định.");
        await Expect(chair.Locator("#current-stage")).ToHaveTextAsync("Kết quả sơ bộ");
        // After the stage the member's page offers no verification form (the server would refuse it) and says why.
        await member.ReloadAsync();
        await Expect(member.Locator("#stage-note")).ToContainTextAsync("Giai đoạn thẩm định đã kết thúc");
        await Expect(member.Locator("#complete-unit")).ToHaveCountAsync(0);
        await Expect(member.Locator("form.verdict-form")).ToHaveCountAsync(0);
        await Expect(member.Locator("#accept-all-confirm")).ToHaveCountAsync(0);
        await member.SetViewportSizeAsync(390, 844);
        await checks.ScreenshotAsync(member, "31b-council-unit-after-stage-phone");
        await checks.AssertAccessibleAsync(member);
        await member.SetViewportSizeAsync(1280, 900);

        // The focal officer reads the council's note in the preliminary results and, in the window, disputes it.
        await MoveClockAsync(12, 16, 9);
        var focal = await checks.NewPageAsync(chromium, baseUrl);
        await PageChecks.SignInAsync(focal, app, Focal, Password);
        await focal.GetByRole(AriaRole.Link, new() { Name = "Kết quả và kiến nghị" }).ClickAsync();
        await Expect(focal.Locator("#unit-indicators tr[data-code='2.1']")).ToContainTextAsync("Mới có một mô hình được công nhận");
        await Expect(focal.Locator("#unit-total")).ToHaveTextAsync("50,00");
        await focal.Locator("#dispute-code").SelectOptionAsync("2.1");
        await focal.GetByLabel("Lý do kiến nghị").FillAsync("Mô hình thứ hai đã được công nhận theo Quyết định 77/QĐ-UBND");
        await focal.GetByLabel("Minh chứng bổ sung (mỗi dòng một văn bản hoặc liên kết)").FillAsync("77/QĐ-UBND, 2025-10-02, UBND huyện Đông Anh");
        await focal.GetByRole(AriaRole.Button, new() { Name = "Gửi kiến nghị" }).ClickAsync();
        await Expect(focal.Locator("#flash")).ToHaveTextAsync("Đã gửi kiến nghị về chỉ số 2.1.");
        await Expect(focal.Locator("#unit-disputes li[data-code='2.1']")).ToHaveAttributeAsync("data-status", "open");
        await checks.ScreenshotAsync(focal, "32-unit-results-dispute");
        await checks.AssertAccessibleAsync(focal);

        // After the window the member rejects it with reasons; the chair approves the end of dispute resolution.
        await MoveClockAsync(12, 23, 18);
        await PageChecks.SignInAsync(member, app, Member, Password);
        await member.GotoAsync($"/council/{campaign}/disputes");
        var dispute = member.Locator("article.dispute[data-code='2.1']");
        await dispute.GetByLabel("Lý do (đơn vị sẽ đọc)").FillAsync("Quyết định 77/QĐ-UBND ban hành sau ngày chốt số liệu");
        await dispute.GetByRole(AriaRole.Button, new() { Name = "Giải quyết" }).ClickAsync();
        await Expect(member.Locator("#flash")).ToHaveTextAsync("Đã không chấp nhận kiến nghị của X-DONG-ANH về chỉ số 2.1.");
        await checks.ScreenshotAsync(member, "33-council-disputes");
        await checks.AssertAccessibleAsync(member);
        await PageChecks.SignInAsync(chair, app, Chair, Password);
        await chair.GotoAsync($"/council/{campaign}");
        await Expect(chair.Locator("#gate-dispute-resolution")).ToContainTextAsync("1/1");
        await chair.Locator("#approve-confirm-dispute-resolution summary").ClickAsync();
        await chair.GetByRole(AriaRole.Button, new() { Name = "Phê duyệt kết thúc: Giải quyết kiến nghị" }).ClickAsync();
        await Expect(chair.Locator("#current-stage")).ToHaveTextAsync("Kết quả chính thức");

        // Awards: the administrator sets one First-class award for communes; the chair confirms the list the ranking earns.
        var admin = await checks.NewPageAsync(chromium, baseUrl);
        await PageChecks.SignInAsync(admin, app, CampaignApp.AdminEmail, CampaignApp.AdminPassword);
        await admin.GotoAsync($"/admin/campaign/{campaign}");
        await admin.Locator("#admin-awards-link").ClickAsync();
        var communes = admin.Locator("#quotas tr[data-category='commune']");
        foreach (var place in new[] { "First", "Second", "Third" })
            await communes.Locator($"input[name$='.{place}']").FillAsync("400");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Lưu chỉ tiêu" }).ClickAsync();
        await Expect(admin.Locator("#errors")).ToContainTextAsync("số lượng khen thưởng phải từ 0 đến 1000");
        await Expect(communes.Locator("input[name$='.Third']")).ToHaveValueAsync("400"); // what was typed stays
        await communes.Locator("input[name$='.First']").FillAsync("1");
        await communes.Locator("input[name$='.Second']").FillAsync("0");
        await communes.Locator("input[name$='.Third']").FillAsync("0");
        await communes.Locator("input[name$='.MinPercentage']").FillAsync("10");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Lưu chỉ tiêu" }).ClickAsync();
        await Expect(admin.Locator("#flash")).ToHaveTextAsync("Đã lưu chỉ tiêu khen thưởng.");
        await Expect(admin.Locator("#proposed-awards tbody tr")).ToHaveCountAsync(1);
        await Expect(admin.Locator("#confirm-awards")).ToHaveCountAsync(0); // only the chair confirms
        await chair.GotoAsync($"/council/{campaign}/awards");
        var proposed = await chair.Locator("#proposed-awards tbody tr").GetAttributeAsync("data-unit");
        await chair.Locator("#confirm-awards-details summary").ClickAsync();
        await chair.Locator("#confirm-awards").ClickAsync();
        await Expect(chair.Locator("#flash")).ToHaveTextAsync("Đã xác nhận 1 Bằng khen; quyết định khen thưởng đã được ban hành.");
        await Expect(chair.Locator($"#confirmed-awards tr[data-unit='{proposed}'] a")).ToContainTextAsync("BK-");
        await checks.ScreenshotAsync(chair, "35-council-awards");
        await checks.AssertAccessibleAsync(chair);
        // The chair revokes that certificate, with a reason, after a confirmation that says what follows.
        var awarded = chair.Locator($"#confirmed-awards tr[data-unit='{proposed}']");
        var serial = (await awarded.Locator("a").TextContentAsync())!.Trim();
        await awarded.Locator("details.confirm summary").ClickAsync();
        await Expect(awarded.Locator(".confirm-body")).ToContainTextAsync("Không hoàn tác được.");
        await awarded.GetByLabel("Lý do thu hồi").FillAsync("Kết luận thanh tra: minh chứng không đúng sự thật");
        await awarded.GetByRole(AriaRole.Button, new() { Name = "Thu hồi" }).ClickAsync();
        await Expect(chair.Locator("#flash")).ToHaveTextAsync($"Đã thu hồi Bằng khen {serial}.");
        await Expect(chair.Locator($"#confirmed-awards tr[data-unit='{proposed}'] [data-status]")).ToContainTextAsync("Đã thu hồi ngày");
        await Expect(chair.Locator($"#confirmed-awards tr[data-unit='{proposed}'] [data-status]")).ToContainTextAsync("minh chứng không đúng sự thật");
        await checks.ScreenshotAsync(chair, "36-council-certificate-revoked");
        await checks.AssertAccessibleAsync(chair);

        // Publication day: the final results are public; Dong Anh keeps the verified 50 points.
        await MoveClockAsync(12, 30, 9);
        var published = await app.CreateClient().GetFromJsonAsync<JsonElement>($"/api/public/results/{campaign}");
        var dongAnh = published.GetProperty("results").GetProperty("categories")[0].GetProperty("units").EnumerateArray()
            .First(u => u.GetProperty("unitCode").GetString() == "X-DONG-ANH");
        Assert.Equal(50m, dongAnh.GetProperty("total").GetDecimal());
        // And anyone, without signing in, finds the ranking on the public pages.
        var visitor = await checks.NewPageAsync(chromium, baseUrl);
        await visitor.GotoAsync("/public");
        await visitor.Locator($"a[href='/public/results/{campaign}']").ClickAsync();
        await Expect(visitor.Locator("#ranking tr[data-unit='X-DONG-ANH'] [data-points]")).ToHaveTextAsync("50");
        await Expect(visitor.Locator("#ranking tr[data-unit='X-DONG-ANH'] [data-rank]")).Not.ToHaveTextAsync("—");
        await Expect(visitor.Locator("#ranking-chart")).ToHaveAttributeAsync("data-rendered", "true");
        await checks.ScreenshotAsync(visitor, "34-public-ranking");
        await checks.AssertAccessibleAsync(visitor);
        // The refused verdict answered 400, which the browser logs; nothing else may have failed.
        Assert.All(checks.ConsoleErrors, e => Assert.Contains("status of 400", e, StringComparison.Ordinal));
    }
}

public sealed class CouncilPathTests_Postgres(PostgresBrowserApp app, Chromium chromium, ITestOutputHelper output)
    : CouncilPathTests(app, chromium, output), IClassFixture<PostgresBrowserApp>, IClassFixture<Chromium>;

public sealed class CouncilPathTests_Sqlite(SqliteBrowserApp app, Chromium chromium, ITestOutputHelper output)
    : CouncilPathTests(app, chromium, output), IClassFixture<SqliteBrowserApp>, IClassFixture<Chromium>;
