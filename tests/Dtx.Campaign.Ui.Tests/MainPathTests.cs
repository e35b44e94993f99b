using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Dtx.Campaign.Ui.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Dtx.Campaign.Ui.Tests;

/// <summary>The main path of a campaign through the pages, in Chromium: launch, fill with evidence, submit, see it on the dashboard.</summary>
[LongRunning]
public abstract class MainPathTests(CampaignApp app, Chromium chromium, ITestOutputHelper output)
{
    private const string Focal = "dau-moi@dong-anh.hanoi.invalid";
    private const string FocalPassword = "Focal-Password-1";

    private readonly PageChecks checks = new(output, app.Provider);

    [Fact]
    public async Task An_administrator_launches_a_focal_officer_fills_in_with_evidence_and_submits_and_the_dashboard_shows_it()
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
        // Units, a published index set and a focal officer come through the API; the campaign is set up in the browser.
        var api = await app.LoginAsAdminAsync();
        await app.ImportHanoiUnitsAsync(api);
        var set = await TestIndexSets.UploadAsync(api, TestIndexSets.Small($"ui-{Guid.NewGuid():N}"[..16], "commune"));
        var unit = (await api.GetFromJsonAsync<JsonElement[]>("/api/units?category=commune"))!
            .Single(u => u.GetProperty("code").GetString() == "X-DONG-ANH").GetProperty("id").GetGuid();
        await app.CreateUserAsync(Focal, FocalPassword);
        (await api.PostAsJsonAsync($"/api/units/{unit}/members", new { email = Focal, role = "focal-officer" })).EnsureSuccessStatusCode();
        var baseUrl = api.BaseAddress!.ToString();
        output.WriteLine($"server: {baseUrl}, screenshots: {checks.ScreenshotFolder}");

        // The administrator signs in and sets up the campaign: a date out of order is refused, naming the field.
        var admin = await checks.NewPageAsync(chromium, baseUrl);
        await PageChecks.SignInAsync(admin, app, CampaignApp.AdminEmail, CampaignApp.AdminPassword);
        await Expect(admin.GetByRole(AriaRole.Heading, new() { Name = "Đợt đánh giá", Level = 1 })).ToBeVisibleAsync();
        await admin.GetByRole(AriaRole.Link, new() { Name = "Thiết lập đợt đánh giá mới" }).ClickAsync();
        await admin.GetByLabel("Loại: Xã, phường").SelectOptionAsync(set.ToString());
        await admin.GetByLabel("Chủ tịch Hội đồng: họ và tên").FillAsync("Phó Chủ tịch UBND TP");
        await admin.GetByLabel("Chủ tịch Hội đồng: thư điện tử").FillAsync(TestCampaigns.ChairEmail);
        await Expect(admin.GetByLabel("Hạn chót tự đánh giá")).ToHaveValueAsync("2025-11-30T17:00");
        await checks.ScreenshotAsync(admin, "01-admin-new-campaign");
        await checks.AssertAccessibleAsync(admin);
        await admin.GetByLabel("Hạn chót tự đánh giá").FillAsync("2025-10-30T17:00");
        await admin.Locator("#create-campaign").ClickAsync();
        // Named by its label, in Vietnamese, with the date it must follow: no field key on the page.
        await Expect(admin.Locator("#errors")).ToContainTextAsync("Hạn chót tự đánh giá: phải sau ngày mở tự đánh giá (01/11/2025 08:00)");
        await Expect(admin.Locator("#errors")).Not.ToContainTextAsync("schedule.");
        await Expect(admin.GetByLabel("Loại: Xã, phường")).ToHaveValueAsync(set.ToString());
        checks.ConsoleErrors.Clear(); // the refusal's 400, logged by the browser
        await admin.GetByLabel("Hạn chót tự đánh giá").FillAsync("2025-11-30T17:00");
        await admin.Locator("#create-campaign").ClickAsync();
        await Expect(admin).ToHaveURLAsync(new Regex("/admin/campaign/[^/?]+$"));
        var campaign = Guid.Parse(admin.Url.Split('/').Last());

        await Expect(admin.Locator("#current-stage")).ToHaveTextAsync("Thiết lập");
        await admin.Locator("#launch-confirm summary").ClickAsync(); // the confirmation says what launching does
        await admin.Locator("#launch").ClickAsync();
        // Nobody has said who signs the city's notices and certificates: the launch is refused, saying where to set it.
        await Expect(admin.Locator("#errors")).ToContainTextAsync("chưa khai báo tiêu đề văn bản và người ký của UBND Thành phố Hà Nội");
        await Expect(admin.Locator("#errors")).ToContainTextAsync("/admin/letterheads");
        checks.ConsoleErrors.Clear(); // the refusal's 400, logged by the browser
        await Expect(admin.Locator("#campaign-status")).ToHaveTextAsync("Bản nháp");

        // The letterheads page, on a phone: the defaults are shown as not set, the signer's name is to be filled in.
        var phone = await checks.NewPageAsync(chromium, baseUrl, width: 390, height: 844);
        await PageChecks.SignInAsync(phone, app, CampaignApp.AdminEmail, CampaignApp.AdminPassword);
        await phone.GotoAsync(baseUrl + "admin/letterheads");
        await Expect(phone.Locator("#not-saved")).ToHaveTextAsync("Chưa khai báo: đang hiện giá trị mặc định");
        await Expect(phone.GetByLabel("Tên cơ quan ban hành")).ToHaveValueAsync("ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI");
        await Expect(phone.GetByLabel("Họ và tên người ký")).ToHaveValueAsync("");
        // A symbol with a space would print "15/TB-UB ND": refused by the server, beside its field, in Vietnamese.
        await phone.GetByLabel("Họ và tên người ký").FillAsync("Nguyễn Mạnh Quyền");
        await phone.GetByLabel("Ký hiệu văn bản (sau số, ví dụ UBND)").FillAsync("UB ND");
        await phone.Locator("#save-letterhead").ClickAsync();
        await Expect(phone.Locator("#err-symbol")).ToContainTextAsync("không có dấu cách");
        await Expect(phone.Locator("#errors")).ToContainTextAsync("Ký hiệu văn bản (sau số, ví dụ UBND): ký hiệu sau số văn bản");
        await Expect(phone.Locator("#not-saved")).ToBeVisibleAsync();
        checks.ConsoleErrors.Clear(); // the refusal's 400
        await phone.GetByLabel("Ký hiệu văn bản (sau số, ví dụ UBND)").FillAsync("UBND");
        await phone.GetByLabel("Thẩm quyền ký (ví dụ TM. ỦY BAN NHÂN DÂN, KT. CHỦ TỊCH)").FillAsync("KT. CHỦ TỊCH");
        await phone.GetByLabel("Chức vụ người ký").FillAsync("PHÓ CHỦ TỊCH");
        await Expect(phone.GetByLabel("Họ và tên người ký")).ToHaveValueAsync("Nguyễn Mạnh Quyền"); // kept across the refusal
        await phone.Locator("#save-letterhead").ClickAsync();
        await Expect(phone.Locator("#flash")).ToHaveTextAsync("Đã lưu tiêu đề văn bản của ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI; văn bản ban hành từ nay dùng tiêu đề này.");
        await Expect(phone.GetByLabel("Họ và tên người ký")).ToHaveValueAsync("Nguyễn Mạnh Quyền");
        await checks.ScreenshotAsync(phone, "02-admin-letterhead-phone");
        await checks.AssertAccessibleAsync(phone);
        await PageChecks.AssertFitsWidthAsync(phone); // the letterheads page on a 390-px phone

        await admin.Locator("#launch-confirm summary").ClickAsync();
        await admin.Locator("#launch").ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Status).First).ToContainTextAsync("Đã khởi động đợt đánh giá.");
        await Expect(admin.Locator("#campaign-status")).ToHaveTextAsync("Đã khởi động");
        // Launch publishes the index at once; the workflow now waits for self-assessment to open, shown with its due time.
        await Expect(admin.Locator("#current-stage")).ToHaveTextAsync("Công bố bộ chỉ số");
        await Expect(admin.Locator("#pending tbody tr").First).ToContainTextAsync("01/11/2025 08:00");
        await Expect(admin.Locator("tr[data-unit='X-DONG-ANH'] [data-status]")).ToHaveAttributeAsync("data-status", "not-started");
        await Expect(admin.Locator("#progress tbody tr")).ToHaveCountAsync(126); // every commune and ward of the demo units
        await checks.ScreenshotAsync(admin, "02-admin-dashboard-launched");
        await checks.AssertAccessibleAsync(admin);

        // Self-assessment opens on 1 November.
        app.Clock.SetUtcNow(new DateTimeOffset(2025, 11, 3, 2, 0, 0, TimeSpan.Zero));
        await app.FireDueTimersAsync();

        // The focal officer sees the task with its countdown and opens the form.
        var focal = await checks.NewPageAsync(chromium, baseUrl);
        await PageChecks.SignInAsync(focal, app, Focal, FocalPassword);
        Assert.EndsWith("/unit", focal.Url, StringComparison.Ordinal);
        await Expect(focal.Locator(".countdown").First).ToContainTextAsync("ngày");
        await checks.ScreenshotAsync(focal, "03-unit-tasks");
        await checks.AssertAccessibleAsync(focal);
        await focal.GetByRole(AriaRole.Link, new() { Name = "Tự đánh giá" }).ClickAsync();
        await Expect(focal.GetByRole(AriaRole.Heading, new() { Name = "Nhóm 1: Nhận thức số" })).ToBeVisibleAsync();

        // Each answer saves itself (htmx on change) and says so; the score follows.
        await focal.Locator("#ind-1-1").GetByLabel("Có", new() { Exact = true }).CheckAsync();
        await Expect(focal.Locator("#ind-1-1-status")).ToContainTextAsync("Đã lưu lúc");
        await Expect(focal.Locator("#ind-1-1-score")).ToContainTextAsync("thiếu minh chứng", new() { IgnoreCase = true });

        // The contents list each group with how much of it is answered, and jump to it.
        await Expect(focal.Locator("#contents li[data-group='1']")).ToContainTextAsync("đã trả lời 1/3");
        await focal.GetByLabel("Tử số (a)").FillAsync("30");
        await focal.GetByLabel("Mẫu số (b)").FillAsync("40");
        // The ratio is shown as it is typed, before the server answers.
        await Expect(focal.Locator("#ind-1-2-ratio")).ToHaveTextAsync("75,00 %");
        await focal.GetByLabel("Mẫu số (b)").PressAsync("Tab");
        await Expect(focal.Locator("#ind-1-2-score strong")).ToHaveTextAsync("15,00");
        await Expect(focal.Locator("#ind-1-2-status")).ToContainTextAsync("Đã lưu lúc");

        await focal.Locator("#ind-1-3-number").FillAsync("3");
        await focal.Locator("#ind-1-3-number").PressAsync("Tab");
        await Expect(focal.Locator("#ind-1-3-score strong")).ToHaveTextAsync("15,00");

        await focal.Locator("#ind-2-1-number").FillAsync("2");
        await focal.Locator("#ind-2-1-explanation").FillAsync("Hai mô hình số được công nhận năm 2025");
        await focal.Locator("#ind-2-1-explanation").PressAsync("Tab");
        await Expect(focal.Locator("#ind-2-1-score strong")).ToHaveTextAsync("20,00");
        await Expect(focal.Locator("#self-total")).ToHaveTextAsync("50,00");
        await Expect(focal.Locator("#checklist")).ToContainTextAsync("1.1");
        // The checklist speaks one language and links to the card.
        await Expect(focal.Locator("#checklist li[data-code='1.1']")).ToContainTextAsync("cần minh chứng");
        await Expect(focal.Locator("#checklist")).Not.ToContainTextAsync("evidence required");
        await Expect(focal.Locator("#checklist li[data-code='1.1'] a")).ToHaveAttributeAsync("href", "#ind-1-1");

        // The file field speaks the page's language, not the browser's ("Choose File / No file chosen" in this English browser).
        await Expect(focal.Locator("#ind-1-1 .file-button")).ToHaveTextAsync("Chọn tệp");
        await Expect(focal.Locator("#ind-1-1 .file-name")).ToHaveTextAsync("Chưa chọn tệp");
        // A program is not evidence: the refusal shows in the card, nothing is attached.
        await focal.Locator("#ind-1-1-file").SetInputFilesAsync(new FilePayload { Name = "setup.exe", MimeType = "application/octet-stream", Buffer = [0x4D, 0x5A, 0x90, 0, 3, 0, 0, 0] });
        await Expect(focal.Locator("#ind-1-1 .file-name")).ToHaveTextAsync("setup.exe");
        await focal.Locator("#ind-1-1").GetByRole(AriaRole.Button, new() { Name = "Đính kèm tệp" }).ClickAsync();
        await Expect(focal.Locator("#ind-1-1-status .error")).ToContainTextAsync("Tệp bị từ chối");
        await Expect(focal.Locator("#ind-1-1")).ToContainTextAsync("Chưa có minh chứng.");

        // The evidence file of 1.1 completes it: full points and nothing left on the checklist.
        await focal.Locator("#ind-1-1-file").SetInputFilesAsync(new FilePayload
        {
            Name = "quyet-dinh-ban-chi-dao.pdf", MimeType = "application/pdf", Buffer = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"),
        });
        await focal.Locator("#ind-1-1").GetByRole(AriaRole.Button, new() { Name = "Đính kèm tệp" }).ClickAsync();
        await Expect(focal.Locator("#ind-1-1-status")).ToContainTextAsync("Đã đính kèm quyet-dinh-ban-chi-dao.pdf.");
        await Expect(focal.Locator("#ind-1-1").GetByRole(AriaRole.Link, new() { Name = "quyet-dinh-ban-chi-dao.pdf" })).ToBeVisibleAsync();
        await Expect(focal.Locator("#self-total")).ToHaveTextAsync("60,00");
        await Expect(focal.Locator("#checklist")).ToContainTextAsync("Đã đủ thông tin để nộp.");
        // A wrong file can be taken back before submission (the score falls back), then attached again.
        await focal.Locator("#ind-1-1").GetByRole(AriaRole.Button, new() { Name = "Gỡ bỏ quyet-dinh-ban-chi-dao.pdf" }).ClickAsync();
        await Expect(focal.Locator("#ind-1-1-status")).ToContainTextAsync("Đã gỡ bỏ minh chứng.");
        await Expect(focal.Locator("#ind-1-1")).ToContainTextAsync("Chưa có minh chứng.");
        await Expect(focal.Locator("#self-total")).ToHaveTextAsync("50,00");
        await focal.Locator("#ind-1-1-file").SetInputFilesAsync(new FilePayload
        {
            Name = "quyet-dinh-ban-chi-dao.pdf", MimeType = "application/pdf", Buffer = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"),
        });
        await focal.Locator("#ind-1-1").GetByRole(AriaRole.Button, new() { Name = "Đính kèm tệp" }).ClickAsync();
        await Expect(focal.Locator("#self-total")).ToHaveTextAsync("60,00");
        await checks.ScreenshotAsync(focal, "04-self-assessment-complete");
        await checks.AssertAccessibleAsync(focal);
        await focal.SetViewportSizeAsync(390, 844);
        await checks.ScreenshotAsync(focal, "05-self-assessment-phone");
        await focal.SetViewportSizeAsync(1280, 900);

        await focal.Locator("#submit-confirm summary").ClickAsync();
        await Expect(focal.Locator("#submit-confirm")).ToContainTextAsync("sau đó không hoàn tác được");
        await focal.Locator("#submit-assessment").ClickAsync();
        await Expect(focal.Locator("#flash")).ToHaveTextAsync("Đã nộp bản tự đánh giá.");
        await Expect(focal.Locator("#assessment-status")).ToHaveTextAsync("Đã nộp");
        // Submitting is not an error: no red message, and nothing counts down any more.
        await Expect(focal.Locator(".alert.error")).ToHaveCountAsync(0);
        await Expect(focal.Locator("#stage-note")).ToContainTextAsync("đã khóa");
        await Expect(focal.Locator("[data-deadline]")).ToHaveCountAsync(0);
        await Expect(focal.Locator("#countdown-stopped")).ToBeVisibleAsync();
        await checks.ScreenshotAsync(focal, "06-self-assessment-submitted");

        // A slip noticed right after submitting: for 15 minutes the submission can be taken back, after saying what that means.
        await focal.Locator("#withdraw-confirm summary").ClickAsync();
        await Expect(focal.Locator("#withdraw-confirm")).ToContainTextAsync("mọi câu trả lời và minh chứng giữ nguyên");
        await checks.ScreenshotAsync(focal, "06b-self-assessment-withdraw");
        await focal.Locator("#withdraw-assessment").ClickAsync();
        await Expect(focal.Locator("#flash")).ToHaveTextAsync("Đã rút lại bản tự đánh giá; sửa xong hãy nộp lại trước hạn.");
        await Expect(focal.Locator("#assessment-status")).ToHaveTextAsync("Đang thực hiện");
        await Expect(focal.Locator("#self-total")).ToHaveTextAsync("60,00");
        await focal.Locator("#submit-confirm summary").ClickAsync();
        await focal.Locator("#submit-assessment").ClickAsync();
        await Expect(focal.Locator("#assessment-status")).ToHaveTextAsync("Đã nộp");

        // The administrator (signed in again: the clock moved a month) filters the dashboard on submitted units,
        // after the outbox went to the SMTP server: the campaign's e-mails are counted, none failed.
        await app.DeliverMailAsync();
        await PageChecks.SignInAsync(admin, app, CampaignApp.AdminEmail, CampaignApp.AdminPassword);
        await admin.GotoAsync($"/admin/campaign/{campaign}");
        await Expect(admin.Locator("#mail-counts")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^Đã gửi: [1-9][0-9.]* · Đang chờ gửi: 0 · Gửi thất bại: 0$"));
        await admin.GetByLabel("Lọc").SelectOptionAsync("submitted");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Lọc" }).ClickAsync();
        await Expect(admin.Locator("#progress tbody tr")).ToHaveCountAsync(1);
        await Expect(admin.Locator("tr[data-unit='X-DONG-ANH'] [data-status]")).ToHaveAttributeAsync("data-status", "submitted");
        await Expect(admin.Locator("tr[data-unit='X-DONG-ANH']")).ToContainTextAsync("4/4");
        // The progress chart counts the unit among the submitted, and each category's segments add up to its units.
        await Expect(admin.Locator("#progress-chart figure[data-category='commune'] li[data-segment='submitted']")).ToHaveAttributeAsync("data-count", "1");
        foreach (var figure in await admin.Locator("#progress-chart figure").AllAsync())
        {
            var counts = await figure.Locator("li[data-segment]:not([data-segment='extended'])").EvaluateAllAsync<int[]>("items => items.map(i => +i.dataset.count)");
            Assert.Equal(int.Parse((await figure.GetAttributeAsync("data-total"))!, System.Globalization.CultureInfo.InvariantCulture), counts.Sum());
        }
        // What the workflow waits for is said in words, not by the engine's event name.
        await Expect(admin.Locator("#pending")).Not.ToContainTextAsync("all-units-submitted");
        await Expect(admin.Locator("#pending")).ToContainTextAsync("Chờ đến khi mọi đơn vị đã nộp");
        await checks.ScreenshotAsync(admin, "07-admin-dashboard-submitted");
        await checks.AssertAccessibleAsync(admin);
        // The unit's row links to the unit's form.
        await Expect(admin.Locator("tr[data-unit='X-DONG-ANH'] a")).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex($"/unit/{campaign}/"));

        // The mail log names each e-mail: recipient, notice, time, delivered; resending one puts it back in the queue.
        await admin.Locator("#mail-log-link").ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Heading, new() { Name = "Nhật ký thư điện tử", Level = 1 })).ToBeVisibleAsync();
        var firstMail = admin.Locator("#mail-log tbody tr").First;
        await Expect(firstMail).ToHaveAttributeAsync("data-state", "delivered");
        await Expect(firstMail).ToContainTextAsync("Đã gửi");
        await checks.ScreenshotAsync(admin, "07b-admin-mail-log");
        await checks.AssertAccessibleAsync(admin);
        var to = (await firstMail.GetAttributeAsync("data-to"))!;
        await firstMail.GetByRole(AriaRole.Button, new() { Name = "Gửi lại cho " + to }).ClickAsync();
        await Expect(admin.Locator("#flash")).ToContainTextAsync("Đã đưa thư gửi " + to);
        await Expect(admin.Locator("#mail-log tbody tr[data-state='queued']")).ToHaveCountAsync(1);
        await app.DeliverMailAsync();
        await admin.GotoAsync($"/admin/campaign/{campaign}");

        // An extension for another unit, with its reason; the dashboard marks the unit as extended.
        var hoanKiem = (await TestCampaigns.UnitsAsync(await app.LoginAsAdminAsync(), campaign))["P-HOAN-KIEM"];
        // First a date before the campaign's own deadline: refused in Vietnamese, under the form's label for the field.
        await admin.GetByLabel("Đơn vị", new() { Exact = true }).SelectOptionAsync(hoanKiem.ToString());
        await admin.GetByLabel("Gia hạn đến (giờ địa phương)").FillAsync("2025-11-01T17:00");
        await admin.GetByLabel("Lý do").FillAsync("Đơn vị đang sắp xếp lại bộ máy");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Gia hạn", Exact = true }).ClickAsync();
        await Expect(admin.Locator("#errors li")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^Gia hạn đến: phải sau hạn chung của đợt đánh giá "));
        await checks.ScreenshotAsync(admin, "08a-admin-extension-refused");
        Assert.All(checks.ConsoleErrors, e => Assert.Contains("status of 400", e, StringComparison.Ordinal));
        checks.ConsoleErrors.Clear(); // the refusal's 400, logged by the browser
        await admin.GetByLabel("Đơn vị", new() { Exact = true }).SelectOptionAsync(hoanKiem.ToString());
        await admin.GetByLabel("Gia hạn đến (giờ địa phương)").FillAsync("2025-12-05T17:00");
        await admin.GetByLabel("Lý do").FillAsync("Đơn vị đang sắp xếp lại bộ máy");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Gia hạn", Exact = true }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Status).First).ToContainTextAsync("05/12/2025 17:00");
        await admin.GetByLabel("Lọc").SelectOptionAsync("extended");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Lọc" }).ClickAsync();
        await Expect(admin.Locator("#progress tbody tr")).ToHaveCountAsync(1);
        await Expect(admin.Locator("tr[data-unit='P-HOAN-KIEM']")).ToContainTextAsync("05/12/2025 17:00");

        // The language switch keeps the page and speaks English.
        await admin.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Expect(admin.GetByRole(AriaRole.Heading, new() { Name = "Progress per unit" })).ToBeVisibleAsync();
        await Expect(admin.Locator("tr[data-unit='P-HOAN-KIEM']")).ToContainTextAsync("Extended");
        await checks.ScreenshotAsync(admin, "08-admin-dashboard-english");

        // Nothing was refused by the content security policy, and no script failed.
        Assert.Empty(checks.ConsoleErrors);
    }
}

/// <summary>The administrator's import page: a refused file lists every problem with its line; a good file is stored.</summary>
public abstract class ImportPageTests(CampaignApp app, Chromium chromium, ITestOutputHelper output)
{
    private readonly PageChecks checks = new(output, app.Provider);

    [Fact]
    public async Task A_refused_unit_file_shows_each_bad_row_with_its_line_and_a_good_one_is_imported()
    {
        var api = await app.LoginAsAdminAsync();
        var page = await checks.NewPageAsync(chromium, api.BaseAddress!.ToString());
        try
        {
            await PageChecks.SignInAsync(page, app, CampaignApp.AdminEmail, CampaignApp.AdminPassword);
            await page.GetByRole(AriaRole.Link, new() { Name = "Nhập dữ liệu" }).ClickAsync();

            var bad = "authority,code,name_vi,name_en,category\nHN,X-MOT,UBND xã Một,Mot Commune,commune\nHN,,UBND xã Hai,Hai Commune,commune\nHN,X-BA,UBND xã Ba,Ba Commune,planet\n";
            await page.GetByLabel("Tệp").First.SetInputFilesAsync(new FilePayload { Name = "don-vi-loi.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(bad) });
            await page.Locator("#units-title + p + form button").ClickAsync();
            var problems = page.Locator("#import-problems tbody tr");
            await Expect(page.Locator("#import-problems")).ToContainTextAsync("don-vi-loi.csv");
            Assert.True(await problems.CountAsync() >= 2, "each bad row is listed");
            await Expect(problems.Filter(new() { HasText = "code" }).First.Locator("td").First).ToHaveTextAsync("3");
            await Expect(problems.Filter(new() { HasText = "category" }).First.Locator("td").First).ToHaveTextAsync("4");
            await checks.ScreenshotAsync(page, "09-admin-import-refused");
            await checks.AssertAccessibleAsync(page);

            // The refusal answered 400, which the browser logs; nothing else may have failed.
            Assert.All(checks.ConsoleErrors, e => Assert.Contains("status of 400", e, StringComparison.Ordinal));
            checks.ConsoleErrors.Clear();

            var good = "authority,authority_name_vi,authority_name_en,code,name_vi,name_en,category\nHN,UBND TP Hà Nội,Hanoi People's Committee,X-MOT,UBND xã Một,Mot Commune,commune\n";
            await page.GetByLabel("Tệp").First.SetInputFilesAsync(new FilePayload { Name = "don-vi.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(good) });
            await page.Locator("#units-title + p + form button").ClickAsync();
            await Expect(page.Locator("#import-result")).ToHaveTextAsync("Đã nhập: 1 đơn vị mới, 0 đơn vị cập nhật.");
            Assert.Empty(checks.ConsoleErrors);
        }
        finally
        {
            checks.PrintConsole();
        }
    }
}

public sealed class ImportPageTests_Postgres(PostgresBrowserApp app, Chromium chromium, ITestOutputHelper output)
    : ImportPageTests(app, chromium, output), IClassFixture<PostgresBrowserApp>, IClassFixture<Chromium>;

public sealed class ImportPageTests_Sqlite(SqliteBrowserApp app, Chromium chromium, ITestOutputHelper output)
    : ImportPageTests(app, chromium, output), IClassFixture<SqliteBrowserApp>, IClassFixture<Chromium>;

public sealed class MainPathTests_Postgres(PostgresBrowserApp app, Chromium chromium, ITestOutputHelper output)
    : MainPathTests(app, chromium, output), IClassFixture<PostgresBrowserApp>, IClassFixture<Chromium>;

public sealed class MainPathTests_Sqlite(SqliteBrowserApp app, Chromium chromium, ITestOutputHelper output)
    : MainPathTests(app, chromium, output), IClassFixture<SqliteBrowserApp>, IClassFixture<Chromium>;
