using System.Net;
using System.Net.Http.Json;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Dtx.Campaign.Server.Tests.Identity;

/// <summary>Behind a TLS-terminating proxy on this host (X-Forwarded-Proto: https) every cookie the server sets is Secure (the language cookie sets it itself).</summary>
public abstract class SecureCookieTests(CampaignApp app)
{
    private HttpClient Client(string? scheme)
    {
        // Cookies are read from the answers, not kept: a client would not send a Secure cookie back over plain HTTP.
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        if (scheme is not null)
            client.DefaultRequestHeaders.Add("X-Forwarded-Proto", scheme);
        return client;
    }

    private static List<string> Cookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var values) ? [.. values] : [];

    [Fact]
    public async Task Every_cookie_is_secure_behind_https_the_antiforgery_cookie_included()
    {
        var https = Client("https");
        var page = await https.GetAsync("/account/login");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var set = Cookies(page);
        Assert.Contains(set, c => c.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal));

        var login = await https.PostAsJsonAsync("/api/auth/login", new { email = CampaignApp.AdminEmail, password = CampaignApp.AdminPassword });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode); // the administrator's code comes next: the two-factor step's cookie
        set.AddRange(Cookies(login));
        Assert.Contains(set, c => c.StartsWith("Identity.TwoFactorUserId=", StringComparison.Ordinal));

        var officer = $"cookie-{Guid.NewGuid():N}@test.local";
        await app.CreateUserAsync(officer, "Cookie-Password-1");
        var session = await https.PostAsJsonAsync("/api/auth/login", new { email = officer, password = "Cookie-Password-1" });
        Assert.Equal(HttpStatusCode.NoContent, session.StatusCode);
        set.AddRange(Cookies(session));
        Assert.Contains(set, c => c.StartsWith("dtx.auth=", StringComparison.Ordinal));

        Assert.All(set, c => Assert.Contains("; secure", c, StringComparison.OrdinalIgnoreCase));

        // Plain HTTP (a developer's machine): the same cookies, not marked Secure, so that they still work there.
        var plain = Cookies(await Client(null).GetAsync("/account/login"));
        Assert.Contains(plain, c => c.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal));
        Assert.All(plain, c => Assert.DoesNotContain("; secure", c, StringComparison.OrdinalIgnoreCase));
    }
}

public sealed class SecureCookieTests_Postgres(PostgresApp app) : SecureCookieTests(app), IClassFixture<PostgresApp>;

public sealed class SecureCookieTests_Sqlite(SqliteApp app) : SecureCookieTests(app), IClassFixture<SqliteApp>;
