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
    }
}
