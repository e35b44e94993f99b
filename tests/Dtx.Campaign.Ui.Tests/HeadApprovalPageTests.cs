using System.Net.Http.Json;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Dtx.Campaign.Ui.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Dtx.Campaign.Ui.Tests;

/// <summary>
/// Approval inside the unit, in Chromium (issue #20): the focal officer sends the form to the head, the head reads it on a
/// phone and sends it back with a note, the officer corrects and sends it again, the head approves and submits.
/// </summary>
public abstract class HeadApprovalPageTests(CampaignApp app, Chromium chromium, ITestOutputHelper output)
{
    private const string Officer = "daumoi.p-ba-dinh@demo.hanoi.invalid"; // the ward's focal contact: the campaign's notices are addressed to it
    private const string Head = "chu-tich@ba-dinh.hanoi.invalid";
    private const string Password = "Head-Approval-Page-1";

    private readonly PageChecks checks = new(output, app.Provider);

    [Fact]
    public async Task The_officer_sends_the_form_to_the_head_who_sends_it_back_with_a_note_then_approves_and_submits_it()
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
        var api = await app.LoginAsAdminAsync();
        await app.ImportHanoiUnitsAsync(api);
        var set = await TestIndexSets.UploadAsync(api, TestIndexSets.Small($"hp-{Guid.NewGuid():N}"[..16], "commune"));
        var campaign = await TestCampaigns.CreateAsync(api, new() { ["commune"] = set }, headApproval: true);
        var unit = (await TestCampaigns.UnitsAsync(api, campaign))["P-BA-DINH"];
        await app.CreateUserAsync(Officer, Password);
        await app.CreateUserAsync(Head, Password);
        (await api.PostAsJsonAsync($"/api/units/{unit}/members", new { email = Officer, role = "focal-officer" })).EnsureSuccessStatusCode();
        (await api.PostAsJsonAsync($"/api/units/{unit}/members", new { email = Head, role = "head" })).EnsureSuccessStatusCode();

        app.Clock.SetUtcNow(new DateTimeOffset(2025, 11, 3, 9, 0, 0, TimeSpan.FromHours(7)).ToUniversalTime());
        await app.FireDueTimersAsync();
        await app.DeliverMailAsync();
        var baseUrl = api.BaseAddress!.ToString();
        var form = $"{baseUrl}unit/assessment/{campaign}/{unit}";
        // The officer's answers come through the API; the steps of approval are taken on the pages.
        var officerApi = await app.LoginAsync(Officer, Password);
        var path = $"/api/campaigns/{campaign}/units/{unit}/self-assessment";
        (await officerApi.PutAsJsonAsync($"{path}/answers/1.1", new { yes = false, version = 0 })).EnsureSuccessStatusCode();
        (await officerApi.PutAsJsonAsync($"{path}/answers/1.2", new { numerator = 30, denominator = 40, version = 0 })).EnsureSuccessStatusCode();
        (await officerApi.PutAsJsonAsync($"{path}/answers/1.3", new { number = 2, version = 0 })).EnsureSuccessStatusCode();
        (await officerApi.PutAsJsonAsync($"{path}/answers/2.1", new { number = 2, version = 0 })).EnsureSuccessStatusCode();

        // The officer has no submit button, only "send to the head", which says what it does before it does it.
        var officer = await checks.NewPageAsync(chromium, baseUrl);
        await PageChecks.SignInAsync(officer, app, Officer, Password);
        await officer.GotoAsync(form);
        await Expect(officer.Locator("#submit-confirm")).ToHaveCountAsync(0);
        await officer.Locator("#prepare-confirm summary").ClickAsync();
        await Expect(officer.Locator("#prepare-confirm")).ToContainTextAsync("gửi đến thủ trưởng đơn vị");
        await officer.Locator("#prepare-assessment").ClickAsync();
        await Expect(officer.Locator("#flash")).ToHaveTextAsync("Đã gửi bản tự đánh giá để thủ trưởng đơn vị duyệt.");
        await Expect(officer.Locator("#assessment-status")).ToHaveTextAsync("Chờ thủ trưởng duyệt");
        await Expect(officer.Locator("#stage-note")).ToContainTextAsync($"{Officer} đã gửi bản tự đánh giá để thủ trưởng duyệt lúc 03/11/2025 09:00");
        await Expect(officer.Locator(".alert.error")).ToHaveCountAsync(0); // waiting for the head is not an error
        await Expect(officer.Locator("#prepare-confirm")).ToHaveCountAsync(0);
        await checks.ScreenshotAsync(officer, "01-officer-awaiting-head");
        await checks.AssertAccessibleAsync(officer);

        // The head reads it on a phone and sends it back: a note is required, and the officer reads it.
        var head = await checks.NewPageAsync(chromium, baseUrl, width: 390, height: 844);
        await PageChecks.SignInAsync(head, app, Head, Password);
        await head.GotoAsync(form);
        await Expect(head.Locator("#to-approval")).ToHaveAttributeAsync("href", "#checklist");
        await Expect(officer.Locator("#to-approval")).ToHaveCountAsync(0);
        await Expect(head.Locator("#submit-confirm summary")).ToHaveTextAsync("Duyệt và nộp bản tự đánh giá…");
        await head.Locator("#send-back summary").ClickAsync();
        await head.GetByLabel("Cần sửa gì (người soạn sẽ đọc ghi chú này)").FillAsync("Số cuộc họp là 3 theo biên bản, không phải 2.");
        await checks.ScreenshotAsync(head, "02-head-send-back-phone");
        await checks.AssertAccessibleAsync(head);
        await PageChecks.AssertFitsWidthAsync(head); // the form on a 390-px phone
        await head.Locator("#send-back-assessment").ClickAsync();
        await Expect(head.Locator("#flash")).ToHaveTextAsync("Đã trả lại bản tự đánh giá kèm ghi chú.");
        await Expect(head.Locator("#assessment-status")).ToHaveTextAsync("Đang thực hiện");

        await officer.ReloadAsync();
        await Expect(officer.Locator("#sent-back")).ToContainTextAsync("Số cuộc họp là 3 theo biên bản, không phải 2.");
        await Expect(officer.Locator("#sent-back")).ToContainTextAsync(Head);
        await officer.Locator("#ind-1-3-number").FillAsync("3");
        await officer.Locator("#ind-1-3-number").PressAsync("Tab");
        await Expect(officer.Locator("#ind-1-3-score strong")).ToHaveTextAsync("15,00");
        await officer.Locator("#prepare-confirm summary").ClickAsync();
        await officer.Locator("#prepare-assessment").ClickAsync();
        await Expect(officer.Locator("#assessment-status")).ToHaveTextAsync("Chờ thủ trưởng duyệt");
        await Expect(officer.Locator("#sent-back")).ToHaveCountAsync(0);

        // The head approves and submits: irreversible, so the confirmation says so; the page then names both people.
        await head.ReloadAsync();
        await head.Locator("#submit-confirm summary").ClickAsync();
        await Expect(head.Locator("#submit-confirm")).ToContainTextAsync("sau đó không hoàn tác được");
        await head.Locator("#submit-assessment").ClickAsync();
        await Expect(head.Locator("#flash")).ToHaveTextAsync("Đã nộp bản tự đánh giá.");
        await Expect(head.Locator("#assessment-status")).ToHaveTextAsync("Đã nộp");
        await Expect(head.Locator("#approved-by")).ToHaveTextAsync($"Thủ trưởng duyệt và nộp: {Head} lúc 03/11/2025 09:00 (người soạn: {Officer}).");
        await checks.ScreenshotAsync(head, "03-head-submitted-phone");
        await checks.AssertAccessibleAsync(head);

        // The officer's inbox on a phone: the two notices e-mailed to the ward (index publication, opening) and the head's
        // sending back, unread until opened.
        await officer.SetViewportSizeAsync(390, 844);
        await officer.ReloadAsync();
        await Expect(officer.Locator("#inbox-link .count")).ToHaveTextAsync("3");
        await officer.Locator("#inbox-link").ClickAsync();
        await Expect(officer.GetByRole(AriaRole.Heading, new() { Name = "Hộp thư", Level = 1 })).ToBeVisibleAsync();
        await Expect(officer.Locator("#inbox li.unread")).ToHaveCountAsync(3);
        await Expect(officer.Locator("#inbox li.unread", new() { HasTextString = "được thủ trưởng trả lại để sửa" })).ToHaveCountAsync(1);
        await officer.Locator("#inbox li a", new() { HasTextString = "mở kỳ" }).ClickAsync();
        await Expect(officer.Locator("#message-text")).ToContainTextAsync("UBND phường Ba Đình");
        // When it came, in the reader's words for the zone (not "Asia/Ho_Chi_Minh").
        await Expect(officer.Locator("#message p.muted").First).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d{2}/\d{2}/\d{4} \d{2}:\d{2} \(giờ Việt Nam\)$"));
        await Expect(officer.Locator("#inbox li.unread")).ToHaveCountAsync(2);
        await Expect(officer.Locator("#inbox-link .count")).ToHaveTextAsync("2");
        await checks.ScreenshotAsync(officer, "04-officer-inbox-phone");
        await checks.AssertAccessibleAsync(officer);
        await PageChecks.AssertFitsWidthAsync(officer); // the inbox on a 390-px phone
        Assert.Empty(checks.ConsoleErrors);
    }
}

public sealed class HeadApprovalPageTests_Postgres(PostgresBrowserApp app, Chromium chromium, ITestOutputHelper output)
    : HeadApprovalPageTests(app, chromium, output), IClassFixture<PostgresBrowserApp>, IClassFixture<Chromium>;

public sealed class HeadApprovalPageTests_Sqlite(SqliteBrowserApp app, Chromium chromium, ITestOutputHelper output)
    : HeadApprovalPageTests(app, chromium, output), IClassFixture<SqliteBrowserApp>, IClassFixture<Chromium>;
