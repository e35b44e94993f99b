using Dtx.Campaign.Server.Tests.Infrastructure;
using Dtx.Campaign.Ui.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Dtx.Campaign.Ui.Tests;

/// <summary>The administrator edits a notice template in the browser: a broken draft is refused with its line, a preview is a PDF, a good one becomes a new version.</summary>
public abstract class TemplatePagesTests(CampaignApp app, Chromium chromium, ITestOutputHelper output)
{
    private readonly PageChecks checks = new(output, app.Provider);

    [Fact]
    public async Task An_administrator_previews_and_saves_a_new_version_of_a_reminder_subject_and_a_syntax_error_stores_nothing()
    {
        const string name = "notices/deadline-reminder.vi.subject";
        var baseUrl = (await app.LoginAsAdminAsync()).BaseAddress!.ToString();
        var page = await checks.NewPageAsync(chromium, baseUrl);
        try
        {
            await PageChecks.SignInAsync(page, app, CampaignApp.AdminEmail, CampaignApp.AdminPassword);
            await page.GetByRole(AriaRole.Link, new() { Name = "Mẫu văn bản" }).ClickAsync();
            await page.GetByRole(AriaRole.Link, new() { Name = name, Exact = true }).ClickAsync();
            var editor = page.GetByLabel("Nội dung mẫu (Scriban)");
            var original = await editor.InputValueAsync();
            Assert.Contains("{{", original, StringComparison.Ordinal);
            var versions = await page.Locator("#template-versions li").CountAsync();

            await editor.FillAsync("Nhắc hạn {{ if campaign.name }}");
            await page.GetByRole(AriaRole.Button, new() { Name = "Lưu thành phiên bản mới" }).ClickAsync();
            await Expect(page.Locator("#errors")).ToContainTextAsync("Mẫu có lỗi, chưa lưu gì:");
            await Expect(page.Locator("#errors li").First).ToContainTextAsync("Dòng 1, cột");
            await Expect(editor).ToHaveValueAsync("Nhắc hạn {{ if campaign.name }}"); // what was typed is kept
            await Expect(page.Locator("#template-versions li")).ToHaveCountAsync(versions);
            await checks.AssertAccessibleAsync(page);
            await checks.ScreenshotAsync(page, "30-admin-template-refused");

            // The preview opens the PDF a unit would receive, with the draft, before anything is saved.
            await editor.FillAsync("[Bản nháp] " + original);
            var previewed = new TaskCompletionSource<IResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
            page.Context.Response += (_, r) =>
            {
                if (r.Url.Contains("handler=Preview", StringComparison.Ordinal))
                    previewed.TrySetResult(r);
            };
            await page.GetByRole(AriaRole.Button, new() { Name = "Xem trước bản PDF" }).ClickAsync();
            var preview = await previewed.Task.WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(200, preview.Status);
            Assert.Equal("application/pdf", preview.Headers["content-type"]);
            await Expect(page.Locator("#template-versions li")).ToHaveCountAsync(versions); // a preview stores nothing

            await page.GetByRole(AriaRole.Button, new() { Name = "Lưu thành phiên bản mới" }).ClickAsync();
            await Expect(page.Locator("#flash")).ToContainTextAsync($"Đã lưu {name} phiên bản");
            await Expect(page.Locator("#template-versions li")).ToHaveCountAsync(versions + 1);
            await Expect(page.Locator("#template-versions li").Last).ToContainTextAsync(CampaignApp.AdminEmail);
            await Expect(editor).ToHaveValueAsync("[Bản nháp] " + original);
            await checks.ScreenshotAsync(page, "31-admin-template-saved");
        }
        finally
        {
            checks.PrintConsole();
        }
    }
}

public sealed class TemplatePagesTests_Postgres(PostgresBrowserApp app, Chromium chromium, ITestOutputHelper output)
    : TemplatePagesTests(app, chromium, output), IClassFixture<PostgresBrowserApp>, IClassFixture<Chromium>;

public sealed class TemplatePagesTests_Sqlite(SqliteBrowserApp app, Chromium chromium, ITestOutputHelper output)
    : TemplatePagesTests(app, chromium, output), IClassFixture<SqliteBrowserApp>, IClassFixture<Chromium>;
