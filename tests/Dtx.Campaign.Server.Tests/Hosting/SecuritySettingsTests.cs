using Dtx.Campaign.Server.Tests.Infrastructure;

namespace Dtx.Campaign.Server.Tests.Hosting;

/// <summary>
/// The Security settings are bound once and checked at start-up (SecurityOptions): a limit of 0, a negative one or a word
/// where a number belongs stops the real server with exit 1 and one line naming the setting — before, a zero silently
/// refused every sign-in and a misspelt number fell back to the default.
/// </summary>
public sealed class SecuritySettingsTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "dtx-tests", "security-" + Guid.NewGuid().ToString("N"));

    [Theory]
    [InlineData("Security:SignInsPerMinute", "0")]
    [InlineData("Security:TokenRequestsPerMinute", "-5")]
    [InlineData("Security:VerificationsPerMinute", "ba mươi")]
    public async Task A_bad_limit_stops_the_start_naming_the_setting(string setting, string value)
    {
        Directory.CreateDirectory(directory);
        var (exitCode, output) = await ServerProcess.RunAsync(new Dictionary<string, string>
        {
            ["Storage:DataDirectory"] = directory,
            ["Email:DeliverInBackground"] = "false",
            ["Email:PublicBaseUrl"] = "https://dtx.hanoi.gov.vn",
            [setting] = value,
            ["Urls"] = $"http://127.0.0.1:{ServerProcess.FreePort()}",
        });

        Assert.True(exitCode == 1, $"exit {exitCode}: {output}");
        Assert.Contains(setting.Split(':')[1], output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try { Directory.Delete(directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
