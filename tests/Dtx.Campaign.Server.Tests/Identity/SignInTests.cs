using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dtx.Campaign.Server.Identity;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Dtx.Campaign.Server.Tests.Identity;

public abstract class LockoutTests(CampaignApp app)
{
    /// <summary>A client behind a given address, as the trusted reverse proxy on this host reports it.</summary>
    private HttpClient From(string address, CampaignApp? host = null)
    {
        var client = (host ?? app).CreateClient();
        client.DefaultRequestHeaders.Add("X-Forwarded-For", address);
        return client;
    }

    private static Task<HttpResponseMessage> Login(HttpClient client, string email, string password) =>
        client.PostAsJsonAsync("/api/auth/login", new { email, password });

    [Fact]
    public async Task Five_wrong_passwords_lock_out_that_address_only_and_an_unknown_account_answers_the_same()
    {
        var email = $"lock-{Guid.NewGuid():N}@test.local";
        var ghost = $"ghost-{Guid.NewGuid():N}@test.local";
        await app.CreateUserAsync(email, "Right-Password-1");
        var stranger = From("203.0.113.5");
        var answers = new Dictionary<string, List<(HttpStatusCode Status, string Title, string Detail)>>();
        foreach (var account in new[] { email, ghost })
        {
            answers[account] = [];
            for (var i = 0; i < 6; i++)
            {
                var response = await Login(stranger, account, $"wrong-{i}");
                var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
                answers[account].Add((response.StatusCode, problem.GetProperty("title").GetString()!, problem.GetProperty("detail").GetString()!));
            }
        }
        // Four refusals, then locked from the fifth on: word for word the same for a real and an unknown account.
        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Unauthorized, 4), HttpStatusCode.Locked, HttpStatusCode.Locked], answers[email].Select(a => a.Status));
        Assert.Equal(answers[email], answers[ghost]);
        Assert.Equal(HttpStatusCode.Locked, (await Login(stranger, email, "Right-Password-1")).StatusCode);

        // The owner, elsewhere, is not locked out by the stranger.
        Assert.Equal(HttpStatusCode.NoContent, (await Login(From("198.51.100.7"), email, "Right-Password-1")).StatusCode);

        // On the application's clock: still locked for that address at 14 minutes, released after 15.
        app.Clock.Advance(TimeSpan.FromMinutes(14));
        Assert.Equal(HttpStatusCode.Locked, (await Login(stranger, email, "Right-Password-1")).StatusCode);
        app.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(HttpStatusCode.NoContent, (await Login(stranger, email, "Right-Password-1")).StatusCode);

        // Administrators see every attempt with its address.
        var admin = await app.LoginAsAdminAsync();
        var audit = await admin.GetFromJsonAsync<JsonElement[]>($"/api/audit?person={email}&action=login&limit=1000");
        var failed = audit!.Where(e => e.GetProperty("action").GetString() == "login.failed").ToList();
        Assert.Equal(5, failed.Count);
        Assert.All(failed, e => Assert.Equal("203.0.113.5", e.GetProperty("actorAddress").GetString()));
        Assert.Equal(3, audit!.Count(e => e.GetProperty("action").GetString() == "login.locked-out")); // the sixth try, the right password, and again at 14 minutes
        Assert.Contains(audit!, e => e.GetProperty("action").GetString() == "login.succeeded" && e.GetProperty("actorAddress").GetString() == "198.51.100.7");
        Assert.Equal(5, (await admin.GetFromJsonAsync<JsonElement[]>($"/api/audit?person={ghost}&action=login.failed&limit=1000"))!.Length);
    }

    [Fact]
    public async Task An_unknown_account_costs_the_same_password_hashing_and_many_addresses_meet_a_ceiling()
    {
        var email = $"hash-{Guid.NewGuid():N}@test.local";
        await app.CreateUserAsync(email, "Right-Password-1");
        var hasher = new CountingHasher();
        await using var counted = app.WithWebHostBuilder(b =>
        {
            b.UseSetting("Security:SignIn:FailuresPerAccount", "8");
            b.ConfigureServices(s => s.AddSingleton<IPasswordHasher<AppUser>>(hasher));
        });
        var client = counted.CreateClient();
        client.DefaultRequestHeaders.Add("X-Forwarded-For", "192.0.2.10");

        Assert.Equal(HttpStatusCode.Unauthorized, (await Login(client, email, "wrong")).StatusCode);
        Assert.Equal(1, hasher.Verified);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Login(client, $"nobody-{Guid.NewGuid():N}@test.local", "wrong")).StatusCode);
        Assert.Equal(2, hasher.Verified); // the unknown account's password was hashed and compared too

        // Guessing from many addresses: each stays under its own limit, the account's ceiling (8 here) stops them all.
        for (var i = 0; i < 7; i++)
        {
            var guesser = counted.CreateClient();
            guesser.DefaultRequestHeaders.Add("X-Forwarded-For", $"192.0.2.{20 + i}");
            Assert.Equal(i < 6 ? HttpStatusCode.Unauthorized : HttpStatusCode.Locked, (await Login(guesser, email, "wrong")).StatusCode);
        }
        var owner = counted.CreateClient();
        owner.DefaultRequestHeaders.Add("X-Forwarded-For", "192.0.2.99");
        Assert.Equal(HttpStatusCode.Locked, (await Login(owner, email, "Right-Password-1")).StatusCode);
        Assert.Equal(9, hasher.Verified); // refused without hashing once the limit is reached
    }

    [Fact]
    public async Task Overlong_sign_in_inputs_are_refused_before_they_are_looked_up_or_logged()
    {
        var client = app.CreateClient();
        var longEmail = new string('a', 120) + "@test.local";
        var response = await Login(client, longEmail, "x");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(problem.GetProperty("errors").TryGetProperty("email", out _), "the field at fault is named, as in every other refusal of input");
        Assert.Equal("“email” dài quá 100 ký tự", problem.GetProperty("detail").GetString());
        Assert.Contains("100", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await Login(client, "a@test.local", new string('p', 5000))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync("/api/auth/password-reset", new { email = longEmail })).StatusCode);

        var admin = await app.LoginAsAdminAsync();
        var audit = await admin.GetFromJsonAsync<JsonElement[]>("/api/audit?limit=1000");
        Assert.DoesNotContain(audit!, e => e.GetProperty("entityId").GetString() is { Length: > 100 });
    }

    private sealed class CountingHasher : IPasswordHasher<AppUser>
    {
        private readonly PasswordHasher<AppUser> real = new();
        private int verified;

        public int Verified => Volatile.Read(ref verified);

        public string HashPassword(AppUser user, string password) => real.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(AppUser user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref verified);
            return real.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}

/// <summary>A person's language follows their account: chosen in one browser, it is theirs in the next one and in their e-mails.</summary>
public abstract class AccountLanguageTests(CampaignApp app)
{
    private const string Password = "Language-Password-1";

    private async Task<string> LanguageOfAsync(string email)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>().FindByEmailAsync(email))!.Language;
    }

    private static Task<HttpResponseMessage> ChooseAsync(HttpClient browser, string language) =>
        browser.PostAsync("/account/language", new FormUrlEncodedContent(new Dictionary<string, string> { ["language"] = language, ["returnUrl"] = "/inbox" }));

    [Fact]
    public async Task English_chosen_before_signing_in_is_saved_to_the_account_and_a_new_browser_opens_in_it()
    {
        var email = $"officer.{Guid.NewGuid():N}"[..20] + "@test.local";
        await app.CreateUserAsync(email, Password);
        Assert.Equal("vi", await LanguageOfAsync(email));

        // On the sign-in page of one browser the officer switches to English, then signs in: the account keeps it.
        var first = app.CreateClient();
        (await ChooseAsync(first, "en")).EnsureSuccessStatusCode();
        await TwoFactorSignIn.SignInAsync(first, email, Password, app.AuthenticatorKeys, () => app.Clock.GetUtcNow().UtcDateTime);
        Assert.Equal("en", await LanguageOfAsync(email));

        // Another browser, which never chose: signed in, its pages are in English.
        var second = await app.LoginAsync(email, Password);
        Assert.Contains("<html lang=\"en\">", await second.GetStringAsync("/inbox"), StringComparison.Ordinal);

        // Switched back while signed in: the account follows, and a third browser opens in Vietnamese.
        (await ChooseAsync(second, "vi")).EnsureSuccessStatusCode();
        Assert.Equal("vi", await LanguageOfAsync(email));
        var third = await app.LoginAsync(email, Password);
        Assert.Contains("<html lang=\"vi\">", await third.GetStringAsync("/inbox"), StringComparison.Ordinal);
    }
}

public sealed class AccountLanguageTests_Postgres(PostgresApp app) : AccountLanguageTests(app), IClassFixture<PostgresApp>;

public sealed class AccountLanguageTests_Sqlite(SqliteApp app) : AccountLanguageTests(app), IClassFixture<SqliteApp>;

public sealed class LockoutTests_Postgres(PostgresApp app) : LockoutTests(app), IClassFixture<PostgresApp>;

public sealed class LockoutTests_Sqlite(SqliteApp app) : LockoutTests(app), IClassFixture<SqliteApp>;

public sealed class SignInLimitTests(SignInLimitedApp app) : IClassFixture<SignInLimitedApp>
{
    [Fact]
    public async Task Sign_ins_are_limited_per_account_and_address_so_an_office_behind_one_address_signs_in_together()
    {
        // Opening the sign-in page is never limited.
        var browser = app.CreateClient();
        for (var i = 0; i < 40; i++)
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account/login")).StatusCode);

        // 37 people of one office, one address (NAT), within the minute: all signed in.
        var office = Enumerable.Range(1, 37).Select(i => $"office-{i}-{Guid.NewGuid():N}@test.local").ToList();
        foreach (var email in office)
            await app.CreateUserAsync(email, "Office-Password-1");
        foreach (var email in office)
        {
            var person = app.CreateClient();
            person.DefaultRequestHeaders.Add("X-Forwarded-For", "192.0.2.1");
            Assert.Equal(HttpStatusCode.NoContent, (await person.PostAsJsonAsync("/api/auth/login", new { email, password = "Office-Password-1" })).StatusCode);
        }

        // One account from one address: ten a minute, then 429 saying so; the same account elsewhere goes on.
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 11; i++)
        {
            var client = app.CreateClient();
            client.DefaultRequestHeaders.Add("X-Forwarded-For", "192.0.2.1");
            last = await client.PostAsJsonAsync("/api/auth/login", new { email = office[0], password = "Office-Password-1" });
            statuses.Add(last.StatusCode);
        }
        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.NoContent, 9), HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        Assert.Contains("quá nhiều lần đăng nhập vào tài khoản này từ địa chỉ này", await last!.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var elsewhere = app.CreateClient();
        elsewhere.DefaultRequestHeaders.Add("X-Forwarded-For", "192.0.2.2");
        Assert.Equal(HttpStatusCode.NoContent, (await elsewhere.PostAsJsonAsync("/api/auth/login", new { email = office[0], password = "Office-Password-1" })).StatusCode);

        var health = await browser.GetAsync("/healthz");
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
