using Dtx.Campaign.Server.Tests.Infrastructure;
using Dtx.Campaign.Ui.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Dtx.Campaign.Ui.Tests;

/// <summary>
/// An administrator moves a campaign launched on annual-campaign v3 to v4 from its workflow page, on a phone: the form
/// says what will happen in Vietnamese, asks for a reason and a confirmation, and the page then shows v4's reminders.
/// </summary>
public abstract class WorkflowVersionPageTests(CampaignApp app, Chromium chromium, ITestOutputHelper output)
{
    private readonly PageChecks checks = new(output, app.Provider);

    [Fact]
    public async Task An_administrator_moves_a_campaign_to_the_newer_version_with_a_reason_on_a_phone()
    {
        var admin = await app.LoginAsAdminAsync();
        await app.ImportHanoiUnitsAsync(admin);
        var set = await TestIndexSets.UploadAsync(admin, TestIndexSets.Small($"wv-{Guid.NewGuid():N}"[..16], "commune"));
        var campaign = await TestCampaigns.CreateAsync(admin, new() { ["commune"] = set }, launch: false);
        await TestCampaigns.LaunchOnVersionAsync(app, campaign, 3);
        var page = await checks.NewPageAsync(chromium, admin.BaseAddress!.ToString(), width: 390, height: 844);
        try
        {
            await PageChecks.SignInAsync(page, app, CampaignApp.AdminEmail, CampaignApp.AdminPassword);
            await page.GotoAsync($"/admin/workflow/{campaign}", new() { WaitUntil = WaitUntilState.Commit });
            var section = page.Locator("#version");
            await Expect(section).ToContainTextAsync("Đợt đánh giá chạy phiên bản 3.");
            await checks.ScreenshotAsync(page, "workflow-version-01-offer");
            await checks.AssertAccessibleAsync(page);

            // Without the confirmation the browser keeps the form; with it and a reason, the move is done and said.
            await page.GetByLabel("Lý do (ghi vào nhật ký)").Last.FillAsync("Nhắc Hội đồng và các đơn vị theo lịch nhắc của đợt");
            await page.GetByText("Tôi hiểu: không thể quay lại phiên bản cũ.").ClickAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Chuyển phiên bản" }).ClickAsync();
            // Still in set-up (launched on 1 October, before publication): one timer, publication on its date.
            await Expect(page.Locator(".alert.ok")).ToHaveTextAsync("Đã chuyển quy trình từ phiên bản 3 sang phiên bản 4; 1 hẹn giờ theo phiên bản mới.");
            await Expect(page.Locator("#version")).ToHaveCountAsync(0);
            await Expect(page.Locator("#status")).ToContainTextAsync("Thiết lập");
            await Expect(page.Locator("main")).ToContainTextAsync("Quản trị viên chuyển sang phiên bản mới của quy trình");
            // The journal on a phone: one block per entry, each value after its column's name, nothing to scroll sideways.
            Assert.True(await page.EvaluateAsync<bool>("(() => { const t = document.querySelector('#journal'); return t.scrollWidth <= t.parentElement.clientWidth; })()"),
                "the journal fits a 390-px phone");
            Assert.Equal("block", await page.Locator("#journal tbody tr").First.EvaluateAsync<string>("row => getComputedStyle(row).display"));
            await checks.ScreenshotAsync(page, "workflow-version-02-moved");
            await checks.AssertAccessibleAsync(page);
        }
        finally
        {
            checks.PrintConsole();
        }
    }
}

public sealed class WorkflowVersionPageTests_Postgres(PostgresBrowserApp app, Chromium chromium, ITestOutputHelper output)
    : WorkflowVersionPageTests(app, chromium, output), IClassFixture<PostgresBrowserApp>, IClassFixture<Chromium>;

public sealed class WorkflowVersionPageTests_Sqlite(SqliteBrowserApp app, Chromium chromium, ITestOutputHelper output)
    : WorkflowVersionPageTests(app, chromium, output), IClassFixture<SqliteBrowserApp>, IClassFixture<Chromium>;
