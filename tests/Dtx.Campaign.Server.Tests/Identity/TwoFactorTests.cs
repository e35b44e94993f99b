using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dtx.Campaign.Server.Identity;
using Dtx.Campaign.Server.Tests.Infrastructure;

namespace Dtx.Campaign.Server.Tests.Identity;

public abstract class TwoFactorTests(CampaignApp app)
{
    private static async Task<JsonElement> Json(HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    [Fact]
    public async Task An_administrator_without_two_factor_reaches_only_enrolment_then_signs_in_with_a_code()
    {
        var email = $"admin-{Guid.NewGuid():N}@test.local";
        await app.CreateUserAsync(email, "Second-Admin-Password-1", Roles.CampaignAdmin);
        var client = app.CreateClient();
        var login = await client.PostAsJsonAsync("/api/auth/login", new { email, password = "Second-Admin-Password-1" });
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var enrol = await Json(login);
        Assert.Equal("enrol-two-factor", enrol.GetProperty("next").GetString());
        Assert.StartsWith("quản trị viên và Chủ tịch Hội đồng phải bật xác thực hai bước; trước khi bật", enrol.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var refused = await client.GetAsync("/api/units");
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("/api/auth/two-factor/enrol", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/audit")).StatusCode);
        Assert.True((await Json(await client.GetAsync("/api/auth/me"))).GetProperty("twoFactorRequired").GetBoolean());

        var enrolment = await Json(await client.PostAsync("/api/auth/two-factor/enrol", null));
        var key = enrolment.GetProperty("key").GetString()!;
        Assert.StartsWith("otpauth://totp/Dtx.Campaign:", enrolment.GetProperty("uri").GetString(), StringComparison.Ordinal);
        Assert.Contains($"secret={key}", enrolment.GetProperty("uri").GetString(), StringComparison.Ordinal);
        var png = Convert.FromBase64String(enrolment.GetProperty("qrCodePng").GetString()!["data:image/png;base64,".Length..]);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);

        var wrong = app.TotpCode(key) == "000000" ? "111111" : "000000";
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsJsonAsync("/api/auth/two-factor/confirm", new { code = wrong })).StatusCode);
        var confirmed = await client.PostAsJsonAsync("/api/auth/two-factor/confirm", new { code = app.TotpCode(key) });
        Assert.Equal(HttpStatusCode.OK, confirmed.StatusCode);
        var recovery = (await Json(confirmed)).GetProperty("codes").EnumerateArray().Select(c => c.GetString()!).ToList();
        Assert.Equal(10, recovery.Count);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/units")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsJsonAsync("/api/auth/two-factor/disable", new { code = app.TotpCode(key) })).StatusCode);

        // A new sign-in needs the code: the password alone is not enough, nor a wrong code.
        var next = app.CreateClient();
        var step = await next.PostAsJsonAsync("/api/auth/login", new { email, password = "Second-Admin-Password-1" });
        Assert.Equal("two-factor", (await Json(step)).GetProperty("next").GetString());
        var english = app.CreateClient();
        english.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
        var englishStep = await Json(await english.PostAsJsonAsync("/api/auth/login", new { email, password = "Second-Admin-Password-1" }));
        Assert.Equal("enter the code from your authenticator app: POST /api/auth/login/two-factor", englishStep.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await next.GetAsync("/api/units")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await next.PostAsJsonAsync("/api/auth/login/two-factor", new { code = wrong })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await next.PostAsJsonAsync("/api/auth/login/two-factor", new { code = app.TotpCode(key) })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await next.GetAsync("/api/audit")).StatusCode);

        // A code from an hour ago is no longer valid.
        var old = app.TotpCode(key);
        app.Clock.Advance(TimeSpan.FromHours(1));
        var later = app.CreateClient();
        await later.PostAsJsonAsync("/api/auth/login", new { email, password = "Second-Admin-Password-1" });
        Assert.Equal(HttpStatusCode.Unauthorized, (await later.PostAsJsonAsync("/api/auth/login/two-factor", new { code = old == app.TotpCode(key) ? wrong : old })).StatusCode);

        // A recovery code signs in once.
        Assert.Equal(HttpStatusCode.NoContent, (await later.PostAsJsonAsync("/api/auth/login/two-factor", new { recoveryCode = recovery[0] })).StatusCode);
        var reuse = app.CreateClient();
        await reuse.PostAsJsonAsync("/api/auth/login", new { email, password = "Second-Admin-Password-1" });
        Assert.Equal(HttpStatusCode.Unauthorized, (await reuse.PostAsJsonAsync("/api/auth/login/two-factor", new { recoveryCode = recovery[0] })).StatusCode);

        // Device and recovery codes lost: an operator resets two-factor on the server, and the next sign-in enrols again.
        Assert.Equal(1, (await app.RunCliAsync("account", "reset-two-factor", "nobody@test.local")).ExitCode);
        var (exit, output, _) = await app.RunCliAsync("account", "reset-two-factor", email);
        Assert.Equal(0, exit);
        Assert.Contains("off", output, StringComparison.Ordinal);
        var fresh = app.CreateClient();
        Assert.Equal("enrol-two-factor", (await Json(await fresh.PostAsJsonAsync("/api/auth/login", new { email, password = "Second-Admin-Password-1" }))).GetProperty("next").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await fresh.GetAsync("/api/units")).StatusCode);

        var admin = await app.LoginAsAdminAsync();
        var audit = await admin.GetFromJsonAsync<JsonElement[]>($"/api/audit?person={email}&limit=1000");
        Assert.Contains(audit!, e => e.GetProperty("action").GetString() == "two-factor.enabled");
        Assert.Contains(audit!, e => e.GetProperty("action").GetString() == "login.two-factor-failed");
        Assert.Contains(audit!, e => e.GetProperty("action").GetString() == "two-factor.reset" && e.GetProperty("actor").GetString() == "cli");
    }

    [Fact]
    public async Task Each_code_signs_in_once_and_the_code_that_confirmed_enrolment_never()
    {
        var email = $"once-{Guid.NewGuid():N}@test.local";
        await app.CreateUserAsync(email, "Once-Password-1");
        var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync("/api/auth/login", new { email, password = "Once-Password-1" })).StatusCode);
        var key = (await Json(await client.PostAsync("/api/auth/two-factor/enrol", null))).GetProperty("key").GetString()!;
        var now = app.Clock.GetUtcNow().UtcDateTime;
        var enrolment = TwoFactorSignIn.Code(key, now);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/auth/two-factor/confirm", new { code = enrolment })).StatusCode);

        async Task<HttpStatusCode> SignIn(string code)
        {
            var next = app.CreateClient();
            Assert.Equal("two-factor", (await Json(await next.PostAsJsonAsync("/api/auth/login", new { email, password = "Once-Password-1" }))).GetProperty("next").GetString());
            return (await next.PostAsJsonAsync("/api/auth/login/two-factor", new { code })).StatusCode;
        }
        // Still inside the same 30 seconds: the enrolment code is spent.
        Assert.Equal(HttpStatusCode.Unauthorized, await SignIn(enrolment));
        // The next step's code (the phone a little ahead) signs in once; the same code again does not, nor an older one.
        var ahead = TwoFactorSignIn.Code(key, now.AddSeconds(30));
        Assert.Equal(HttpStatusCode.NoContent, await SignIn(ahead));
        Assert.Equal(HttpStatusCode.Unauthorized, await SignIn(ahead));
        app.Clock.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(HttpStatusCode.Unauthorized, await SignIn(ahead));
        Assert.Equal(HttpStatusCode.Unauthorized, await SignIn(enrolment));
        // The step after is a new code.
        Assert.Equal(HttpStatusCode.NoContent, await SignIn(TwoFactorSignIn.Code(key, app.Clock.GetUtcNow().UtcDateTime.AddSeconds(30))));

        // Two sign-ins racing with one fresh code: one of them gets in.
        app.Clock.Advance(TimeSpan.FromSeconds(90));
        var fresh = TwoFactorSignIn.Code(key, app.Clock.GetUtcNow().UtcDateTime);
        var racers = new[] { app.CreateClient(), app.CreateClient() };
        foreach (var racer in racers)
            Assert.Equal("two-factor", (await Json(await racer.PostAsJsonAsync("/api/auth/login", new { email, password = "Once-Password-1" }))).GetProperty("next").GetString());
        var raced = await Task.WhenAll(racers.Select(r => r.PostAsJsonAsync("/api/auth/login/two-factor", new { code = fresh })));
        Assert.Equal(1, raced.Count(r => r.StatusCode == HttpStatusCode.NoContent));
        Assert.All(raced.Where(r => r.StatusCode != HttpStatusCode.NoContent), r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
    }

    [Fact]
    public async Task The_chair_of_a_council_must_enrol_too()
    {
        var chair = $"chair-{Guid.NewGuid():N}@test.local";
        await app.CreateUserAsync(chair, "Chair-Password-1");
        Assert.Equal(HttpStatusCode.NoContent, (await app.CreateClient().PostAsJsonAsync("/api/auth/login", new { email = chair, password = "Chair-Password-1" })).StatusCode);
        var admin = await app.LoginAsAdminAsync();
        await app.ImportHanoiUnitsAsync(admin);
        var set = await TestIndexSets.UploadAsync(admin, TestIndexSets.Small($"ch-{Guid.NewGuid():N}"[..16], "commune"));
        await TestCampaigns.CreateAsync(admin, new() { ["commune"] = set }, launch: false,
            council: [new { fullName = "Chủ tịch hội đồng", email = chair.ToUpperInvariant(), role = "chair" }]);

        var client = app.CreateClient();
        var login = await client.PostAsJsonAsync("/api/auth/login", new { email = chair, password = "Chair-Password-1" });
        Assert.Equal("enrol-two-factor", (await Json(login)).GetProperty("next").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await client.GetAsync("/api/campaigns")).StatusCode);
        Assert.True((await Json(await client.GetAsync("/api/auth/two-factor"))).GetProperty("required").GetBoolean());
    }

    [Fact]
    public async Task Two_factor_is_optional_for_others_and_then_asked_at_every_sign_in()
    {
        var email = $"officer-{Guid.NewGuid():N}@test.local";
        await app.CreateUserAsync(email, "Officer-Password-1");
        var client = app.CreateClient();
        Assert.Equal(HttpStatusCode.NoContent, (await client.PostAsJsonAsync("/api/auth/login", new { email, password = "Officer-Password-1" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/units")).StatusCode);
        var key = (await Json(await client.PostAsync("/api/auth/two-factor/enrol", null))).GetProperty("key").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/api/auth/two-factor/confirm", new { code = app.TotpCode(key) })).StatusCode);

        var again = app.CreateClient();
        Assert.Equal("two-factor", (await Json(await again.PostAsJsonAsync("/api/auth/login", new { email, password = "Officer-Password-1" }))).GetProperty("next").GetString());
        Assert.Equal(HttpStatusCode.NoContent, (await again.PostAsJsonAsync("/api/auth/login/two-factor", new { code = app.TotpCode(key) })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await again.PostAsJsonAsync("/api/auth/two-factor/disable", new { code = app.TotpCode(key) })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await app.CreateClient().PostAsJsonAsync("/api/auth/login", new { email, password = "Officer-Password-1" })).StatusCode);
    }
}

public sealed class TwoFactorTests_Postgres(PostgresApp app) : TwoFactorTests(app), IClassFixture<PostgresApp>;

public sealed class TwoFactorTests_Sqlite(SqliteApp app) : TwoFactorTests(app), IClassFixture<SqliteApp>;
