using Microsoft.Playwright;

namespace Dtx.Campaign.Ui.Tests.Infrastructure;

/// <summary>
/// A test class's windows in Debian's Chromium, driven by Playwright: each class opens its own browser contexts
/// (own cookies, storage and cache) and closes them when it ends, in one browser process shared by the whole test
/// assembly. Launching Playwright's driver and Chromium for every class cost seconds of CPU each, twenty-odd times a run.
/// The path is fixed: Playwright's own browser download is never used (test.sh installs the Debian package and fails when it cannot).
/// </summary>
public sealed class Chromium : IAsyncLifetime
{
    public const string ExecutablePath = "/usr/bin/chromium";

    private readonly List<IBrowserContext> contexts = [];

    private IBrowser browser = null!;

    public async Task InitializeAsync() => browser = await SharedBrowser.Value;

    /// <summary>A new browser context (a fresh profile) of this test class, closed when the class ends.</summary>
    public async Task<IBrowserContext> NewContextAsync(BrowserNewContextOptions options)
    {
        var context = await browser.NewContextAsync(options);
        lock (contexts)
            contexts.Add(context);
        return context;
    }

    public async Task DisposeAsync()
    {
        IBrowserContext[] opened;
        lock (contexts)
            opened = [.. contexts];
        foreach (var context in opened)
            await context.CloseAsync();
    }

    // xunit v2 has no assembly fixture: the browser starts with the first class that needs it and ends with the process.
    private static readonly Lazy<Task<IBrowser>> SharedBrowser = new(LaunchAsync);

    private static async Task<IBrowser> LaunchAsync()
    {
        if (!File.Exists(ExecutablePath))
            throw new InvalidOperationException($"{ExecutablePath} is missing: run ./test.sh, which installs Debian's chromium package.");
        // Expectations poll until met: 5 s (the default) is too short when the machine is busy, 60 s costs a passing test nothing.
        Assertions.SetDefaultExpectTimeout(60_000);
        var playwright = await Playwright.CreateAsync();
        var launched = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
        });
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            launched.CloseAsync().Wait(TimeSpan.FromSeconds(10));
            playwright.Dispose();
        };
        return launched;
    }
}
