using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dtx.Campaign.Server.Tests.Infrastructure;

namespace Dtx.Campaign.Server.Tests.Demo;

/// <summary>
/// What a new user gets from the README's run command, run as written (with the tests' build reused and a free
/// port): its launch profile puts the server in Development, which on an empty SQLite database builds the demo,
/// then serves last year's campaign published with results and certificates and
/// this year's in self-assessment, to demo accounts that sign in with the printed passwords. SQLite only:
/// the run command's default; the services the demo drives are tested on both databases elsewhere.
/// </summary>
[LongRunning]
public sealed class DemoStartTests : IAsyncLifetime
{
    private const string AdminEmail = "quantri@demo.hanoi.invalid";
    private readonly string directory = Path.Combine(Path.GetTempPath(), "dtx-demo-" + Guid.NewGuid().ToString("N"));
    private Deployment.Shell? server;
    private Uri address = new("http://127.0.0.1");

    private Dictionary<string, string> Settings(string environment) => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = environment,
        ["DOTNET_ENVIRONMENT"] = environment,
        ["Database:Provider"] = "Sqlite",
        ["ConnectionStrings:Campaign"] = $"Data Source={Path.Combine(directory, "campaign.db")}",
        ["Storage:DataDirectory"] = directory,
        ["Email:DeliverInBackground"] = "false",
        ["Logging:LogLevel:Default"] = "Warning",
    };

    [Fact]
    public async Task The_development_server_starts_with_a_demo_campaign_in_every_stage()
    {
        Directory.CreateDirectory(directory);
        var port = ServerProcess.FreePort();
        address = new Uri($"http://127.0.0.1:{port}");
        var run = Deployment.MarkdownBlocks.Replace(Deployment.MarkdownBlocks.Under("README.md", "Run it")[0],
            ("dotnet run --project src/Dtx.Campaign.Server", $"dotnet run --project src/Dtx.Campaign.Server -c {Deployment.PublishedServer.Configuration} --no-build -- --urls {address}"));
        // Only where the demo keeps its files is set; the environment comes from the launch profile.
        var environment = Settings("Development").Where(s => !s.Key.EndsWith("_ENVIRONMENT", StringComparison.Ordinal))
            .ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), string? (s) => s.Value);
        server = await Deployment.Shell.StartServerAsync(run, environment, RepositoryFiles.Root, new Uri(address, "/healthz"), TimeSpan.FromMinutes(8));
        Assert.Contains("Demo accounts", server.Log, StringComparison.Ordinal);
        Assert.Contains("daumoi.p-ba-dinh@demo.hanoi.invalid", server.Log, StringComparison.Ordinal);

        // The demo administrator signs in with the printed password alone (two-factor is off in Development).
        var admin = await SignInAsync(AdminEmail, "Demo-Admin-2026");
        var campaigns = await admin.GetFromJsonAsync<JsonElement[]>("/api/campaigns");
        Assert.NotNull(campaigns);
        Assert.Equal(2, campaigns.Length);
        var current = campaigns[0];
        var previous = campaigns[1];
        Assert.Equal(previous.GetProperty("year").GetInt32() + 1, current.GetProperty("year").GetInt32());
        Assert.Equal("self-assessment", current.GetProperty("stage").GetString());
        Assert.Equal(143, current.GetProperty("participants").GetInt32());

        // This year: units at every step of self-assessment, one with an extension.
        var progress = await admin.GetFromJsonAsync<JsonElement[]>($"/api/campaigns/{current.GetProperty("id").GetGuid()}/progress");
        var statuses = progress!.GroupBy(r => r.GetProperty("status").GetString()).ToDictionary(g => g.Key!, g => g.Count());
        Assert.True(statuses.GetValueOrDefault("not-started") > 0 && statuses.GetValueOrDefault("in-progress") > 0 && statuses.GetValueOrDefault("submitted") > 0,
            string.Join(", ", statuses));
        Assert.Single(progress!, r => r.GetProperty("extended").GetBoolean());

        // Last year: published, ranked publicly, with Certificates of Merit a visitor can check.
        var previousId = previous.GetProperty("id").GetGuid();
        Assert.NotEqual("self-assessment", previous.GetProperty("stage").GetString());
        using var visitor = new HttpClient { BaseAddress = address };
        var ranking = await visitor.GetStringAsync($"/public/results/{previousId}");
        Assert.True(ranking.Split("data-unit=").Length > 100, "the public ranking lists the units");
        var disputes = await admin.GetFromJsonAsync<JsonElement[]>($"/api/campaigns/{previousId}/disputes");
        Assert.Equal(2, disputes!.Length);
        var awards = await admin.GetFromJsonAsync<JsonElement[]>($"/api/campaigns/{previousId}/awards");
        Assert.NotEmpty(awards!);
        var award = awards![0];
        var check = await visitor.GetFromJsonAsync<JsonElement>($"/api/public/certificates/{award.GetProperty("serial").GetString()}?code={award.GetProperty("verificationCode").GetString()}");
        Assert.True(check.GetProperty("genuine").GetBoolean());

        // The chair and a focal officer sign in too, and the officer sees their own unit's work.
        await SignInAsync("chutich.hoidong@demo.hanoi.invalid", "Demo-Hanoi-2026");
        var officer = await SignInAsync("daumoi.p-ba-dinh@demo.hanoi.invalid", "Demo-Hanoi-2026");
        var unitPage = await officer.GetStringAsync("/unit");
        Assert.Contains("Ba Đình", unitPage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Outside_development_the_demo_is_refused_and_the_server_does_not_start()
    {
        Directory.CreateDirectory(directory);
        var settings = Settings("Production");
        settings["Demo:Enabled"] = "true";
        settings["Demo:Password"] = "Demo-Hanoi-2026";
        var (exitCode, output) = await ServerProcess.RunAsync(settings);
        Assert.NotEqual(0, exitCode);
        Assert.Contains("the demo runs only in Development", output, StringComparison.Ordinal);
    }

    private async Task<HttpClient> SignInAsync(string email, string password)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = address };
        client.DefaultRequestHeaders.Add("Origin", address.GetLeftPart(UriPartial.Authority)); // as a browser: the server refuses cross-site changes
        var response = await client.PostAsJsonAsync("/api/auth/login", new { email, password });
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        return client;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (server is not null)
            await server.DisposeAsync();
        try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
    }
}
