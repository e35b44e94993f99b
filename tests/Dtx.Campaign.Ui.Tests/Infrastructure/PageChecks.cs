using System.Text.Json;
using System.Text.RegularExpressions;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;
using Xunit.Abstractions;

namespace Dtx.Campaign.Ui.Tests.Infrastructure;

/// <summary>What every browser test does on the main pages: sign in, take a screenshot, run axe-core, watch the console.</summary>
public sealed class PageChecks(ITestOutputHelper output, string provider)
{
    private static readonly Lazy<string> AxeSource = new(() => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "axe", "axe.min.js")));

    /// <summary>Screenshots land here (printed in the test log).</summary>
    public string ScreenshotFolder { get; } = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots", ScreenshotProvider.ToLowerInvariant())).FullName;

    /// <summary>
    /// The run whose pages are saved as pictures: every browser walk runs once per database, and the pages a person sees are
    /// the same in both, so they are drawn once, on the production database. The SQLite run makes every assertion and
    /// accessibility check of the same steps; a full-page screenshot was about a third of the browser's CPU in the run.
    /// </summary>
    public const string ScreenshotProvider = "Postgres";

    private readonly bool drawsScreenshots = provider == ScreenshotProvider;

    public List<string> ConsoleErrors { get; } = [];

    public void PrintConsole()
    {
        foreach (var error in ConsoleErrors)
            output.WriteLine("console: " + error);
    }

    /// <summary>
    /// A new browser context (its own cookies) of the test class on a page of the given size; <paramref name="locale"/> is the browser's own language,
    /// Vietnamese unless the reader is someone else (the pages follow only the reader's choice, never the browser's).
    /// </summary>
    public async Task<IPage> NewPageAsync(Chromium chromium, string baseUrl, int width = 1280, int height = 900, string locale = "vi-VN")
    {
        var context = await chromium.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl, ViewportSize = new ViewportSize { Width = width, Height = height },
            // A Vietnamese reader's browser by default: date inputs and the file picker speak Vietnamese too.
            Locale = locale, TimezoneId = "Asia/Ho_Chi_Minh",
        });
        // A busy CI machine (another build beside the tests) can take longer than Playwright's 30 s to load a page:
        // waits are generous, they cost nothing when the page is there (no assertion is about speed).
        context.SetDefaultTimeout(120_000);
        context.SetDefaultNavigationTimeout(120_000);
        var page = await context.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
                ConsoleErrors.Add($"{page.Url}: {message.Text}");
        };
        page.PageError += (_, error) => ConsoleErrors.Add($"{page.Url}: {error}");
        // htmx requests fail silently in the page: log them so that a failing step says why.
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
                output.WriteLine($"HTTP {response.Status} {response.Request.Method} {response.Url}");
            // Redirects too: a step that lands on an unexpected page then says which answer sent it there.
            else if (response.Status >= 300)
                output.WriteLine($"HTTP {response.Status} {response.Request.Method} {response.Url} -> {response.Headers.GetValueOrDefault("location")}");
            else if (response.Request.IsNavigationRequest)
                output.WriteLine($"HTTP {response.Status} {response.Request.Method} {response.Url}");
        };
        // The story of each navigation, so that a step that times out (CI: a link clicked and /admin never reached)
        // says whether the request left, failed, was answered or the page never finished loading.
        page.Request += (_, request) =>
        {
            if (request.IsNavigationRequest)
                output.WriteLine($"{Stamp()} navigation requested: {request.Method} {request.Url}");
        };
        page.RequestFailed += (_, request) => output.WriteLine($"{Stamp()} request failed: {request.Method} {request.Url}: {request.Failure}");
        page.FrameNavigated += (_, frame) =>
        {
            if (frame == page.MainFrame)
                output.WriteLine($"{Stamp()} navigated: {frame.Url}");
        };
        page.Load += (_, _) => output.WriteLine($"{Stamp()} load: {page.Url}");
        return page;
    }

    /// <summary>
    /// Signs in through the login page as the person would: the code from their authenticator (on the app's
    /// fake clock) when two-factor is on, and enrolling from the page's key when the server asks.
    /// </summary>
    public static async Task SignInAsync(IPage page, CampaignApp app, string email, string password)
    {
        await page.GotoAsync("/account/login");
        await page.GetByLabel("Thư điện tử").FillAsync(email);
        await page.GetByLabel("Mật khẩu").FillAsync(password);
        await page.GetByRole(AriaRole.Main).GetByRole(AriaRole.Button, new() { Name = "Đăng nhập" }).ClickAsync();
        // Waits on the address, not on the "load" event: after a chain of redirects that event was sometimes never
        // reported to the waiter (120 s, with the network idle), which failed sign-ins at random on a busy machine.
        await Expect(page).Not.ToHaveURLAsync(new Regex("/account/login"));
        if (page.Url.Contains("/account/two-factor", StringComparison.Ordinal))
        {
            Assert.True(app.AuthenticatorKeys.TryGetValue(email, out var key), $"{email} is asked for a code and the test knows no key");
            await page.GetByLabel("Mã xác thực (6 chữ số)").FillAsync(app.TotpCode(key!));
            await page.GetByRole(AriaRole.Main).GetByRole(AriaRole.Button, new() { Name = "Tiếp tục" }).ClickAsync();
            await Expect(page).Not.ToHaveURLAsync(new Regex("/account/"));
        }
        else if (page.Url.Contains("/account/enrol", StringComparison.Ordinal))
        {
            var key = (await page.Locator("#authenticator-key").GetAttributeAsync("data-key"))!;
            await page.GetByLabel("Mã xác thực (6 chữ số)").FillAsync(app.TotpCode(key));
            await page.GetByRole(AriaRole.Button, new() { Name = "Xác nhận và bật" }).ClickAsync();
            await Expect(page.Locator("#recovery-codes li")).ToHaveCountAsync(10);
            app.AuthenticatorKeys[email] = key;
            await page.GetByRole(AriaRole.Link, new() { Name = "Tiếp tục" }).ClickAsync();
            await Expect(page).Not.ToHaveURLAsync(new Regex("/account/"));
        }
        Assert.DoesNotContain("/account/", page.Url, StringComparison.Ordinal);
    }

    /// <summary>The whole page as a person scrolling it sees it (the PostgreSQL run only: see <see cref="ScreenshotProvider"/>).</summary>
    public Task ScreenshotAsync(IPage page, string name) => ScreenshotAsync(page, name, fullPage: true);

    /// <summary>What the window shows first, without scrolling (the PostgreSQL run only).</summary>
    public Task FirstScreenAsync(IPage page, string name) => ScreenshotAsync(page, name, fullPage: false);

    private async Task ScreenshotAsync(IPage page, string name, bool fullPage)
    {
        var path = Path.Combine(ScreenshotFolder, name + ".png");
        if (!drawsScreenshots)
        {
            output.WriteLine($"screenshot: {path} (drawn in the {ScreenshotProvider} run of this walk)");
            return;
        }
        // The caret as it is: Playwright hides it by writing an inline style on every field for the time of the picture, and
        // an htmx answer landing in that time copied the style onto the field it replaced, which the CSP refuses (a console
        // error failed the English officer's walk once in four walks at a time, 2026-12-07).
        await LeavingNoStyleAsync(page, () => page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = fullPage, Caret = ScreenshotCaret.Initial }));
        output.WriteLine($"screenshot: {path}");
    }

    /// <summary>
    /// Runs a check that touches the page, then takes away the style attributes it left. A screenshot that hides the caret
    /// leaves an empty style attribute on the form fields (and axe may leave some); when htmx then replaces such a field it
    /// copies the old element's attributes onto the new one (same id), which the CSP refuses as an inline style and the
    /// console reports as an error the person would never see. The page goes on as it was.
    /// </summary>
    private static async Task LeavingNoStyleAsync(IPage page, Func<Task> check)
    {
        await page.EvaluateAsync("() => { window.pageChecksStyled = new Set(document.querySelectorAll('[style]')); }");
        try
        {
            await check();
        }
        finally
        {
            await page.EvaluateAsync("() => document.querySelectorAll('[style]').forEach(e => { if (!window.pageChecksStyled.has(e)) e.removeAttribute('style'); })");
        }
    }

    /// <summary>Runs axe-core on the page and fails on any serious or critical violation, naming the rule and the elements.</summary>
    public async Task AssertAccessibleAsync(IPage page)
    {
        // Evaluated through the DevTools protocol: the page's CSP forbids inline scripts, and stays as strict as it is in production.
        // Loaded once per document: a page checked again after an htmx change still has it.
        if (await page.EvaluateAsync<bool>("() => typeof window.axe === 'undefined'"))
            await page.EvaluateAsync(AxeSource.Value);
        var violations = default(JsonElement);
        await LeavingNoStyleAsync(page, async () => violations = await page.EvaluateAsync<JsonElement>("""
            async () => (await axe.run(document, { resultTypes: ['violations'] })).violations
                .map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5) }))
            """));
        var serious = violations.EnumerateArray()
            .Where(v => v.GetProperty("impact").GetString() is "serious" or "critical")
            .Select(v => $"{v.GetProperty("id").GetString()} ({v.GetProperty("impact").GetString()}): {v.GetProperty("help").GetString()} at {string.Join(", ", v.GetProperty("nodes").EnumerateArray().Select(n => n.GetString()))}")
            .ToList();
        foreach (var v in violations.EnumerateArray().Where(v => v.GetProperty("impact").GetString() is not ("serious" or "critical")))
            output.WriteLine($"axe ({v.GetProperty("impact").GetString()}) on {page.Url}: {v.GetProperty("id").GetString()}");
        Assert.True(serious.Count == 0, $"Accessibility violations on {page.Url}:\n" + string.Join("\n", serious));
    }

    /// <summary>
    /// Fails when a page in English shows Vietnamese words, naming each text and where it is. A text is Vietnamese when it
    /// has a letter only Vietnamese writes (ạ, ư, đ …); data in Vietnamese (a unit's or authority's name) is allowed only
    /// inside an element marked lang="vi", which also tells a screen reader how to pronounce it. What people read or hear
    /// counts: text, hidden or not (a closed confirmation, a message script shows later), labels for screen readers,
    /// tooltips, the texts site.js writes (countdown, unsaved), and the window title. What the person typed is theirs.
    /// </summary>
    public static async Task AssertNoVietnameseAsync(IPage page)
    {
        var found = await page.EvaluateAsync<string[]>("""
            () => {
                const vietnamese = /[ạảấầẩẫậắằẳẵặăẹẻẽếềểễệỉịĩọỏốồổỗộớờởỡợơụủũứừửữựưỳỵỷỹđ]/iu;
                const isData = el => { const marked = el.closest('[lang]'); return !!marked && marked.lang.toLowerCase().startsWith('vi'); };
                const where = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
                    + (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\s+/).join('.') : '');
                const found = [];
                const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
                for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                    const el = node.parentElement;
                    if (!el || el.closest('script, style, template, textarea') || isData(el)) continue;
                    if (vietnamese.test(node.nodeValue)) found.push(where(el) + ': "' + node.nodeValue.trim() + '"');
                }
                const attributes = ['aria-label', 'title', 'placeholder', 'alt', 'data-format', 'data-passed', 'data-unsaved'];
                for (const el of document.body.querySelectorAll(attributes.map(a => '[' + a + ']').join(', ') + ', input[type=submit], input[type=button]')) {
                    if (isData(el)) continue;
                    for (const name of [...attributes, ...(el.matches('input') ? ['value'] : [])]) {
                        const value = el.getAttribute(name);
                        if (value && vietnamese.test(value)) found.push(where(el) + ' ' + name + '="' + value + '"');
                    }
                }
                // The title has no markup: the Vietnamese data the page marks is taken out of it before the check.
                let title = document.title;
                for (const el of document.body.querySelectorAll('[lang]'))
                    if (el.lang.toLowerCase().startsWith('vi') && el.textContent.trim()) title = title.split(el.textContent.trim()).join('');
                if (vietnamese.test(title)) found.push('title: "' + document.title + '"');
                return found;
            }
            """);
        Assert.True(found.Length == 0, $"Vietnamese text on the English page {page.Url}:\n" + string.Join("\n", found));
    }

    /// <summary>
    /// Fails when something is cut off or pushed sideways on a narrow screen, naming the elements: the page wider than
    /// its window (the phone scrolls sideways), or anything in the main content sticking out past the content's edge
    /// (a field or button over a card's border). A wide table may scroll inside its own box (.table-wrap).
    /// </summary>
    public static async Task AssertFitsWidthAsync(IPage page)
    {
        var overflowing = await page.EvaluateAsync<string?>("""
            () => {
                const main = document.querySelector('main');
                const edge = main.getBoundingClientRect().right - parseFloat(getComputedStyle(main).paddingRight);
                const outside = [...main.querySelectorAll('*')].filter(e => {
                    const r = e.getBoundingClientRect();
                    return r.width > 1 && r.right > edge + 1 && !(e.parentElement && e.parentElement.closest('.table-wrap'));
                });
                if (document.documentElement.scrollWidth <= window.innerWidth && outside.length === 0) return null;
                return 'page ' + document.documentElement.scrollWidth + ' px wide in a ' + window.innerWidth + '-px window, content edge at ' + Math.round(edge) + ': '
                    + outside.slice(0, 8).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : '')
                        + ' right ' + Math.round(e.getBoundingClientRect().right)).join(', ');
            }
            """);
        Assert.True(overflowing is null, $"{page.Url} does not fit its width: {overflowing}");
    }

    // Wall-clock time of day: these lines are read beside the server's log to see where the time went.
    private static string Stamp() => DateTime.UtcNow.ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture);
}
