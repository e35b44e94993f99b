using Dtx.Campaign.Server.Tests.Infrastructure;

namespace Dtx.Campaign.Server.Tests.Hosting;

/// <summary>
/// Every link in documents and e-mails (certificate QR codes, portal links) is built from Email:PublicBaseUrl. In
/// Production the real server stops with exit 1 and a message naming the setting while it points to localhost.
/// </summary>
public sealed class PublicBaseUrlTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "dtx-tests", "base-url-" + Guid.NewGuid().ToString("N"));

    [Theory]
    [InlineData("http://localhost:5080")]
    [InlineData("http://127.0.0.1:5080/")]
    [InlineData("dtx.hanoi.gov.vn")]
    public async Task Production_refuses_to_start_while_links_would_point_nowhere(string baseUrl)
    {
        Directory.CreateDirectory(directory);
        var (exitCode, output) = await ServerProcess.RunAsync(new Dictionary<string, string>
        {
            ["Storage:DataDirectory"] = directory,
            ["Email:DeliverInBackground"] = "false",
            ["Email:PublicBaseUrl"] = baseUrl,
            ["Urls"] = $"http://127.0.0.1:{ServerProcess.FreePort()}",
        });

        Assert.True(exitCode == 1, $"exit {exitCode}: {output}");
        Assert.Contains("Email:PublicBaseUrl", output, StringComparison.Ordinal);
        Assert.Contains(baseUrl, output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        try { Directory.Delete(directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
