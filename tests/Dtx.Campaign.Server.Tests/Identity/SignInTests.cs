using System.Net;
using System.Net.Http.Json;
using Dtx.Campaign.Server.Tests.Infrastructure;

namespace Dtx.Campaign.Server.Tests.Identity;

public abstract class LockoutTests(CampaignApp app)
{
    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_even_against_the_right_one()
    {
        await app.CreateUserAsync("lock@test.local", "Right-Password-1");
        var client = app.CreateClient();
        for (var i = 0; i < 4; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsJsonAsync("/api/auth/login", new { email = "lock@test.local", password = $"wrong-{i}" })).StatusCode);
        Assert.Equal(HttpStatusCode.Locked, (await client.PostAsJsonAsync("/api/auth/login", new { email = "lock@test.local", password = "wrong-5" })).StatusCode);
        Assert.Equal(HttpStatusCode.Locked, (await client.PostAsJsonAsync("/api/auth/login", new { email = "lock@test.local", password = "Right-Password-1" })).StatusCode);

        // The lockout runs on the application's clock: still locked at 14 minutes, released after 15.
        app.Clock.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(HttpStatusCode.Locked, (await client.PostAsJsonAsync("/api/auth/login", new { email = "lock@test.local", password = "Right-Password-1" })).StatusCode);
        app.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync("/api/auth/login", new { email = "lock@test.local", password = "Right-Password-1" })).StatusCode);

        var admin = await app.LoginAsAdminAsync();
        var audit = await admin.GetFromJsonAsync<System.Text.Json.JsonElement[]>("/api/audit?person=lock@test.local&limit=1000");
        Assert.Equal(4, audit!.Count(e => e.GetProperty("action").GetString() == "login.failed"));
        Assert.Equal(3, audit!.Count(e => e.GetProperty("action").GetString() == "login.locked-out"));
    }
}

public sealed class LockoutTests_Postgres(PostgresApp app) : LockoutTests(app), IClassFixture<PostgresApp>;

public sealed class LockoutTests_Sqlite(SqliteApp app) : LockoutTests(app), IClassFixture<SqliteApp>;

public sealed class SignInLimitTests(SignInLimitedApp app) : IClassFixture<SignInLimitedApp>
{
    [Fact]
    public async Task Sign_in_attempts_are_rate_limited_and_every_response_carries_the_security_headers()
    {
        var client = app.CreateClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
            statuses.Add((await client.PostAsJsonAsync("/api/auth/login", new { email = $"guess{i}@test.local", password = "x" })).StatusCode);
        Assert.Equal(10, statuses.Count(s => s == HttpStatusCode.Unauthorized));
        Assert.Equal(2, statuses.Count(s => s == HttpStatusCode.TooManyRequests));

        var health = await client.GetAsync("/healthz");
        Assert.Equal("DENY", health.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("nosniff", health.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("frame-ancestors 'none'", health.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.False(health.Headers.Contains("Strict-Transport-Security"));

        // Over HTTPS (a real host name: HSTS is never sent to localhost) browsers are told to stay on HTTPS.
        var secure = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://dtx.example.vn/") });
        var overTls = await secure.GetAsync("/healthz");
        Assert.StartsWith("max-age=", overTls.Headers.GetValues("Strict-Transport-Security").Single(), StringComparison.Ordinal);
        Assert.Equal("DENY", overTls.Headers.GetValues("X-Frame-Options").Single());
    }
}
