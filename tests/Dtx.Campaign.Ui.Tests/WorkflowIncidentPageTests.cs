using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Notices;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Dtx.Campaign.Ui.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Dtx.Campaign.Ui.Tests;

/// <summary>
/// A step fails (the opening notice's template was edited in the database into one that cannot render): the
/// administrator sees the incident on the campaign's workflow page in Vietnamese, repairs the template and runs the
/// step again with a reason; the campaign is then in self-assessment and the page says so. A reminder round that fails
/// later is skipped instead, and the next round is armed.
/// </summary>
public abstract class WorkflowIncidentPageTests(CampaignApp app, Chromium chromium, ITestOutputHelper output)
{
    private const string Broken = "notices/self-assessment-opening.vi.html";
    private const string Reminder = "notices/deadline-reminder.vi.html";
    private readonly PageChecks checks = new(output, app.Provider);

    [Fact]
    public async Task An_administrator_sees_a_failed_step_and_runs_it_again_after_the_repair()
    {
        var admin = await app.LoginAsAdminAsync();
        await app.ImportHanoiUnitsAsync(admin);
        var set = await TestIndexSets.UploadAsync(admin, TestIndexSets.Small($"wi-{Guid.NewGuid():N}"[..16], "commune"));
        var campaign = await TestCampaigns.CreateAsync(admin, new() { ["commune"] = set });
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CampaignDbContext>();
            db.Add(new TemplateVersion { Id = Guid.NewGuid(), Name = Broken, Version = 2, Content = "{{ include 'not-a-template' }}", SavedAt = app.Clock.GetUtcNow(), SavedBy = "edited in the database" });
            await db.SaveChangesAsync();
        }

        // 1 November 08:00: self-assessment opens and its notice cannot be rendered.
        app.Clock.SetUtcNow(new DateTimeOffset(2025, 11, 1, 8, 0, 0, TimeSpan.FromHours(7)).ToUniversalTime());
        var failed = await Assert.ThrowsAsync<InvalidOperationException>(app.FireDueTimersAsync);
        output.WriteLine($"step failed: {failed.Message}");

        var page = await checks.NewPageAsync(chromium, admin.BaseAddress!.ToString(), width: 390, height: 844);
        try
        {
            await PageChecks.SignInAsync(page, app, CampaignApp.AdminEmail, CampaignApp.AdminPassword);
            await page.GotoAsync($"/admin/workflow/{campaign}", new() { WaitUntil = WaitUntilState.Commit });
            await Expect(page.Locator("#status")).ToContainTextAsync("có lỗi, đang chờ chạy lại");
            await Expect(page.Locator("#incident")).ToContainTextAsync("Một bước của quy trình bị lỗi lúc 01/11/2025 08:00");
            await checks.ScreenshotAsync(page, "workflow-incident-01-failed");
            await checks.AssertAccessibleAsync(page);

            // The template is repaired (its broken version removed), then the step runs again, with a reason.
            await using (var scope = app.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<CampaignDbContext>();
                await db.Set<TemplateVersion>().Where(t => t.Name == Broken).ExecuteDeleteAsync();
            }
            await page.Locator("#incident").GetByLabel("Lý do (ghi vào nhật ký)").FillAsync("Đã sửa mẫu thông báo mở kỳ tự đánh giá");
            await page.Locator("#incident").GetByRole(AriaRole.Checkbox).CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Chạy lại ngay" }).ClickAsync();
            await Expect(page.Locator(".alert.ok")).ToHaveTextAsync("Đã chạy lại bước bị lỗi.");
            await Expect(page.Locator("#incident")).ToHaveCountAsync(0);
            await Expect(page.Locator("#status")).ToContainTextAsync("Tự đánh giá");
            await Expect(page.Locator("main")).ToContainTextAsync("Quản trị viên yêu cầu chạy lại");
            await checks.ScreenshotAsync(page, "workflow-incident-02-retried");
            await checks.AssertAccessibleAsync(page);

            // 23 November, 7 days before the deadline: the reminder round fails on its template, and the administrator
            // skips that round instead; the next morning's round is armed.
            await using (var scope = app.Services.CreateAsyncScope())
            {
                var db = scope.ServiceProvider.GetRequiredService<CampaignDbContext>();
                db.Add(new TemplateVersion { Id = Guid.NewGuid(), Name = Reminder, Version = 2, Content = "{{ include 'not-a-template' }}", SavedAt = app.Clock.GetUtcNow(), SavedBy = "edited in the database" });
                await db.SaveChangesAsync();
            }
            app.Clock.SetUtcNow(new DateTimeOffset(2025, 11, 23, 8, 0, 0, TimeSpan.FromHours(7)).ToUniversalTime());
            await Assert.ThrowsAsync<InvalidOperationException>(app.FireDueTimersAsync);
            // Three weeks later the session has ended: the administrator signs in again.
            await PageChecks.SignInAsync(page, app, CampaignApp.AdminEmail, CampaignApp.AdminPassword);
            await page.GotoAsync($"/admin/workflow/{campaign}", new() { WaitUntil = WaitUntilState.Commit });
            await Expect(page.Locator("#incident")).ToContainTextAsync("Một bước của quy trình bị lỗi lúc 23/11/2025 08:00");
            await page.Locator("#incident").GetByLabel("Lý do (ghi vào nhật ký)").FillAsync("Bỏ lượt nhắc hôm nay; mẫu nhắc hạn đang được sửa");
            await page.Locator("#incident").GetByRole(AriaRole.Checkbox).CheckAsync();
            await page.GetByRole(AriaRole.Button, new() { Name = "Bỏ qua bước" }).ClickAsync();
            await Expect(page.Locator(".alert.ok")).ToHaveTextAsync("Đã bỏ qua bước bị lỗi.");
            await Expect(page.Locator("#incident")).ToHaveCountAsync(0);
            await Expect(page.Locator("main")).ToContainTextAsync("Quản trị viên bỏ qua bước lỗi");
            await Expect(page.Locator("main")).ToContainTextAsync("(lần tới: 24/11/2025 08:00)");
            await checks.ScreenshotAsync(page, "workflow-incident-03-skipped");
        }
        finally
        {
            checks.PrintConsole();
        }
    }
}

public sealed class WorkflowIncidentPageTests_Postgres(PostgresBrowserApp app, Chromium chromium, ITestOutputHelper output)
    : WorkflowIncidentPageTests(app, chromium, output), IClassFixture<PostgresBrowserApp>, IClassFixture<Chromium>;

public sealed class WorkflowIncidentPageTests_Sqlite(SqliteBrowserApp app, Chromium chromium, ITestOutputHelper output)
    : WorkflowIncidentPageTests(app, chromium, output), IClassFixture<SqliteBrowserApp>, IClassFixture<Chromium>;
