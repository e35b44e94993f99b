using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Dtx.Campaign.Ui.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Dtx.Campaign.Ui.Tests;

/// <summary>
/// A department's focal officer who reads English does the whole self-assessment in Chromium, once at a desk and once
/// (another department's officer) on a 390-px phone: English chosen in the page header, sign-in, "My tasks", the form
/// answered (a ratio refused when out of range, then shown as typed), a program refused as evidence and a PDF attached,
/// each group's completeness, the confirmation, the submitted state. Every page checked on the way speaks English
/// (only data such as unit names may stay Vietnamese, marked lang="vi"), passes axe, and fits the phone's width.
/// </summary>
[LongRunning]
public abstract class EnglishFocalOfficerTests(CampaignApp app, Chromium chromium, ITestOutputHelper output)
{
    private const string Password = "English-Focal-Password-1";

    private readonly PageChecks checks = new(output, app.Provider);

    [Fact]
    public async Task A_department_focal_officer_self_assesses_with_evidence_and_submits_in_english_at_a_desk_and_on_a_phone()
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
        // A department campaign launched through the API, self-assessment open since 1 November; each department's focal
        // contact (of the demo units) has an account.
        var api = await app.LoginAsAdminAsync();
        await app.ImportHanoiUnitsAsync(api);
        var set = await TestIndexSets.UploadAsync(api, TestIndexSets.Small($"en-{Guid.NewGuid():N}"[..16], "department"));
        var campaign = await TestCampaigns.CreateAsync(api, new() { ["department"] = set });
        var units = await TestCampaigns.UnitsAsync(api, campaign);
        foreach (var (code, email) in new[] { ("SNV", "daumoi.snv@demo.hanoi.invalid"), ("STP", "daumoi.stp@demo.hanoi.invalid") })
        {
            await app.CreateUserAsync(email, Password);
            (await api.PostAsJsonAsync($"/api/units/{units[code]}/members", new { email, role = "focal-officer" })).EnsureSuccessStatusCode();
        }
        app.Clock.SetUtcNow(new DateTimeOffset(2025, 11, 3, 9, 0, 0, TimeSpan.FromHours(7)).ToUniversalTime());
        await app.FireDueTimersAsync();
        var baseUrl = api.BaseAddress!.ToString();
        output.WriteLine($"server: {baseUrl}, screenshots: {checks.ScreenshotFolder}");

        await OfficerAsync(baseUrl, "daumoi.snv@demo.hanoi.invalid", "Sở Nội vụ", "en-desk", 1280, 900);
        await OfficerAsync(baseUrl, "daumoi.stp@demo.hanoi.invalid", "Sở Tư pháp", "en-phone", 390, 844);

        // Nothing was refused by the content security policy, no script failed, no request answered with an error.
        Assert.Empty(checks.ConsoleErrors);
    }

    /// <summary>One officer's job, on a screen of the given size; screenshots are named after <paramref name="prefix"/>.</summary>
    private async Task OfficerAsync(string baseUrl, string email, string unitName, string prefix, int width, int height)
    {
        // An English browser: the pages still open in Vietnamese (they follow only the reader's own choice), so the
        // officer chooses English in the header of the sign-in page.
        var page = await checks.NewPageAsync(chromium, baseUrl, width, height, locale: "en-GB");
        await page.GotoAsync("/account/login");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Đăng nhập", Level = 1 })).ToBeVisibleAsync();
        // The check for Vietnamese on English pages does see it where it is.
        await Assert.ThrowsAsync<Xunit.Sdk.TrueException>(() => PageChecks.AssertNoVietnameseAsync(page));
        await page.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Sign in", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await CheckAsync(page, $"{prefix}-01-sign-in");
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(Password);
        await page.GetByRole(AriaRole.Main).GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        // My tasks: the campaign in English, its deadline counting down in English.
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "My tasks", Level = 1 })).ToBeVisibleAsync();
        Assert.EndsWith("/unit", page.Url, StringComparison.Ordinal);
        var task = page.Locator("article.card", new() { HasTextString = unitName });
        await Expect(task.GetByRole(AriaRole.Heading)).ToContainTextAsync("Digital transformation assessment 2025");
        await Expect(task).ToContainTextAsync("Not started");
        await Expect(task.Locator(".countdown")).ToHaveTextAsync(new Regex(@"^\d+ d \d+ h$"));
        await CheckAsync(page, $"{prefix}-02-my-tasks");

        // The inbox holds the authority's notices (index published, self-assessment open): the page speaks English, the
        // notices are the authority's official letters, in Vietnamese, marked as such.
        await Expect(page.Locator("#inbox-link .count")).ToHaveTextAsync("2");
        await page.Locator("#inbox-link").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Inbox", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.Locator("#inbox-unread")).ToHaveTextAsync("2 unread");
        await page.Locator("#inbox li a").First.ClickAsync();
        await Expect(page.Locator("#message-text")).ToContainTextAsync(unitName);
        await Expect(page.Locator("#message-text")).ToHaveAttributeAsync("lang", "vi");
        await Expect(page.Locator("#inbox-unread")).ToHaveTextAsync("1 unread");
        await CheckAsync(page, $"{prefix}-03-inbox-notice");
        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "My tasks" }).ClickAsync();
        await task.GetByRole(AriaRole.Link, new() { Name = "Self-assess" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Group 1: Digital awareness" })).ToBeVisibleAsync();
        await Expect(page.Locator("#assessment-status")).ToHaveTextAsync("Not started");

        // A yes: saved and scored, but short of its evidence; the contents count what is answered per group.
        await page.Locator("#ind-1-1").GetByLabel("Yes", new() { Exact = true }).CheckAsync();
        await Expect(page.Locator("#ind-1-1-status")).ToContainTextAsync("Saved at");
        await Expect(page.Locator("#ind-1-1-score")).ToContainTextAsync("evidence missing");
        await Expect(page.Locator("#contents li[data-group='1']")).ToContainTextAsync("1 of 3 answered");
        await Expect(page.Locator("#contents li[data-group='2']")).ToContainTextAsync("0 of 1 answered");

        // A ratio above 100 % is shown as typed, then refused in English in its card; corrected, it is saved and scored.
        await page.GetByLabel("Numerator (a)").FillAsync("50");
        await page.GetByLabel("Denominator (b)").FillAsync("40");
        await Expect(page.Locator("#ind-1-2-ratio")).ToHaveTextAsync("125.00%");
        await page.GetByLabel("Denominator (b)").PressAsync("Tab");
        await Expect(page.Locator("#ind-1-2-status .error")).ToHaveTextAsync("Not saved: the numerator (50) cannot exceed the denominator (40)");
        await Expect(page.Locator("#ind-1-2-score strong")).ToHaveTextAsync("0.00");
        await CheckAsync(page, $"{prefix}-04-ratio-refused");
        await page.GetByLabel("Numerator (a)").FillAsync("30");
        await Expect(page.Locator("#ind-1-2-ratio")).ToHaveTextAsync("75.00%");
        await page.GetByLabel("Numerator (a)").PressAsync("Tab");
        await Expect(page.Locator("#ind-1-2-status")).ToContainTextAsync("Saved at");
        await Expect(page.Locator("#ind-1-2-score strong")).ToHaveTextAsync("15.00");

        await page.Locator("#ind-1-3-number").FillAsync("3");
        await page.Locator("#ind-1-3-number").PressAsync("Tab");
        await Expect(page.Locator("#ind-1-3-score strong")).ToHaveTextAsync("15.00");
        await page.Locator("#ind-2-1-number").FillAsync("2");
        await page.Locator("#ind-2-1-explanation").FillAsync("Two digital models recognised in 2025");
        await page.Locator("#ind-2-1-explanation").PressAsync("Tab");
        await Expect(page.Locator("#ind-2-1-score strong")).ToHaveTextAsync("20.00");
        await Expect(page.Locator("#self-total")).ToHaveTextAsync("50.00");
        await Expect(page.Locator("#checklist li[data-code='1.1']")).ToContainTextAsync("evidence needed for the points claimed");

        // A program is not evidence: the picker offers only what the server takes, and one picked anyway is refused in
        // English in the card, nothing attached.
        await Expect(page.Locator("#ind-1-1-file")).ToHaveAttributeAsync("accept", ".pdf,.png,.jpg,.jpeg,.docx,.xlsx,.pptx");
        await Expect(page.Locator("#ind-1-1 .file-button")).ToHaveTextAsync("Choose file");
        await page.Locator("#ind-1-1-file").SetInputFilesAsync(new FilePayload { Name = "setup.exe", MimeType = "application/octet-stream", Buffer = [0x4D, 0x5A, 0x90, 0, 3, 0, 0, 0] });
        await page.Locator("#ind-1-1").GetByRole(AriaRole.Button, new() { Name = "Attach file" }).ClickAsync();
        await Expect(page.Locator("#ind-1-1-status .error"))
            .ToHaveTextAsync("1.1: The file was refused: files of type '.exe' are not accepted (accepted: .pdf, .png, .jpg, .jpeg, .docx, .xlsx, .pptx)");
        await Expect(page.Locator("#ind-1-1")).ToContainTextAsync("No evidence yet.");
        await CheckAsync(page, $"{prefix}-05-evidence-refused");

        // The decision as a PDF completes 1.1: full points, every group answered, nothing left on the checklist.
        await page.Locator("#ind-1-1-file").SetInputFilesAsync(new FilePayload
        {
            Name = "quyet-dinh-ban-chi-dao.pdf", MimeType = "application/pdf", Buffer = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"),
        });
        await page.Locator("#ind-1-1").GetByRole(AriaRole.Button, new() { Name = "Attach file" }).ClickAsync();
        await Expect(page.Locator("#ind-1-1-status")).ToContainTextAsync("quyet-dinh-ban-chi-dao.pdf was attached.");
        await Expect(page.Locator("#ind-1-1").GetByRole(AriaRole.Link, new() { Name = "quyet-dinh-ban-chi-dao.pdf" })).ToBeVisibleAsync();
        await Expect(page.Locator("#self-total")).ToHaveTextAsync("60.00");
        await Expect(page.Locator("#contents li[data-group='1']")).ToContainTextAsync("3 of 3 answered");
        await Expect(page.Locator("#contents li[data-group='2']")).ToContainTextAsync("1 of 1 answered");
        await Expect(page.Locator("#checklist")).ToContainTextAsync("Everything needed is there.");
        await Expect(page.Locator("#assessment-status")).ToHaveTextAsync("In progress");
        await Expect(page.Locator("#score-summary")).ToContainTextAsync("of 100 applicable points (60.0%)");
        await CheckAsync(page, $"{prefix}-06-self-assessment-complete");

        // The confirmation says what submitting does before it is done; then the page says it is submitted and locked.
        await page.Locator("#submit-confirm summary").ClickAsync();
        await Expect(page.Locator("#submit-confirm")).ToContainTextAsync("the self-score of 60.00/100, with 4 of 4 indicators answered, goes to the Appraisal Council;");
        await Expect(page.Locator("#submit-confirm")).ToContainTextAsync("after that it cannot be undone.");
        await CheckAsync(page, $"{prefix}-07-submit-confirmation");
        await page.Locator("#submit-assessment").ClickAsync();
        await Expect(page.Locator("#flash")).ToHaveTextAsync("The self-assessment was submitted.");
        await Expect(page.Locator("#assessment-status")).ToHaveTextAsync("Submitted");
        await Expect(page.Locator("#stage-note")).ToContainTextAsync("it is locked");
        await Expect(page.Locator(".alert.error")).ToHaveCountAsync(0);
        await Expect(page.Locator("#countdown-stopped")).ToHaveTextAsync("submitted, no countdown");
        await Expect(page.Locator("#ind-1-1-file")).ToHaveCountAsync(0); // nothing can be attached any more
        await CheckAsync(page, $"{prefix}-08-submitted");

        // Back on My tasks the card says when it was submitted, in English.
        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "My tasks" }).ClickAsync();
        await Expect(task).ToContainTextAsync("Submitted at: 03/11/2025 09:00");
        await Expect(task).ToContainTextAsync("Answered: 4/4 (100.0%)");
        await Expect(task.Locator(".badge").First).ToHaveTextAsync("Submitted");
        await CheckAsync(page, $"{prefix}-09-my-tasks-submitted");
        await page.Context.CloseAsync();
    }

    /// <summary>What each important page must pass: English only, axe, and on a narrow screen no sideways scrolling.</summary>
    private async Task CheckAsync(IPage page, string name)
    {
        await checks.ScreenshotAsync(page, name);
        await PageChecks.AssertNoVietnameseAsync(page);
        await checks.AssertAccessibleAsync(page);
        if (page.ViewportSize is { Width: < 600 })
            await PageChecks.AssertFitsWidthAsync(page);
    }
}

public sealed class EnglishFocalOfficerTests_Postgres(PostgresBrowserApp app, Chromium chromium, ITestOutputHelper output)
    : EnglishFocalOfficerTests(app, chromium, output), IClassFixture<PostgresBrowserApp>, IClassFixture<Chromium>;

public sealed class EnglishFocalOfficerTests_Sqlite(SqliteBrowserApp app, Chromium chromium, ITestOutputHelper output)
    : EnglishFocalOfficerTests(app, chromium, output), IClassFixture<SqliteBrowserApp>, IClassFixture<Chromium>;
