using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dtx.Campaign.Server.Email;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Dtx.Campaign.Server.Tests.Identity;

/// <summary>Invitations and password resets, end to end: the e-mail goes through the real SMTP server and the link is read from it.</summary>
public abstract partial class AccountLinkTests(CampaignApp app)
{
    private const string Officer = "daumoi.p-ba-dinh@demo.hanoi.invalid";
    private const string Head = "chutich.p-ba-dinh@demo.hanoi.invalid";

    private async Task DeliverAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var report = await scope.ServiceProvider.GetRequiredService<OutboxDelivery>().DeliverDueAsync(1000, CancellationToken.None);
        Assert.Equal(0, report.Failed);
    }

    private readonly HashSet<string> seenTokens = [];

    /// <summary>The user id and token of the one link e-mailed to this address that the test has not read yet, from the delivered message.</summary>
    private (string User, string Token, string Subject) LatestLink(string to)
    {
        var links = app.Smtp!.Messages().Where(m => m.To.Mailboxes.Any(b => b.Address == to))
            .Select(m => (Match: LinkPattern().Match(m.TextBody ?? ""), Subject: m.Subject ?? "")).ToList();
        Assert.All(links, l => Assert.True(l.Match.Success, "a message without a set-password link"));
        var fresh = links.Where(l => !seenTokens.Contains(l.Match.Groups["token"].Value)).ToList();
        Assert.Single(fresh);
        seenTokens.Add(fresh[0].Match.Groups["token"].Value);
        return (Uri.UnescapeDataString(fresh[0].Match.Groups["user"].Value), Uri.UnescapeDataString(fresh[0].Match.Groups["token"].Value), fresh[0].Subject);
    }

    private int MessagesTo(string to) => app.Smtp!.Messages().Count(m => m.To.Mailboxes.Any(b => b.Address == to));

    private async Task<Guid> BaDinhAsync(HttpClient admin)
    {
        var units = await admin.GetFromJsonAsync<JsonElement[]>("/api/units?category=commune");
        if (units!.Length == 0)
        {
            await app.ImportHanoiUnitsAsync(admin);
            units = await admin.GetFromJsonAsync<JsonElement[]>("/api/units?category=commune");
        }
        return units!.Single(u => u.GetProperty("code").GetString() == "P-BA-DINH").GetProperty("id").GetGuid();
    }

    [Fact]
    public async Task An_invited_focal_officer_sets_a_password_once_and_signs_in_to_their_unit()
    {
        var admin = await app.LoginAsAdminAsync();
        var unit = await BaDinhAsync(admin);

        var invited = await admin.PostAsync($"/api/units/{unit}/invitations", null);
        Assert.Equal(HttpStatusCode.OK, invited.StatusCode);
        var rows = await invited.Content.ReadFromJsonAsync<JsonElement[]>();
        Assert.Equal(["head:invited", "focal-officer:invited"], rows!.Select(r => $"{r.GetProperty("role").GetString()}:{r.GetProperty("status").GetString()}").Order().Reverse());
        await DeliverAsync();
        var (user, token, subject) = LatestLink(Officer);
        Assert.Contains("Mời tham gia", subject, StringComparison.Ordinal);
        Assert.Equal(1, MessagesTo(Head));

        // Not signed in yet: there is no password.
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().PostAsJsonAsync("/api/auth/login", new { email = Officer, password = "Officer-Password-1" })).StatusCode);
        var anonymous = app.CreateClient();
        var common = await anonymous.PostAsJsonAsync("/api/auth/set-password", new { user, token, password = "Password-123!" });
        Assert.Equal(HttpStatusCode.BadRequest, common.StatusCode);
        Assert.Contains("mật khẩu này quá phổ biến, dễ bị đoán", await common.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var ownEmail = await anonymous.PostAsJsonAsync("/api/auth/set-password", new { user, token, password = "Daumoi.P-Ba-Dinh-9" });
        Assert.Contains("mật khẩu không được chứa địa chỉ thư điện tử", await ownEmail.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // Identity's own rules, in the reader's language: an English reader gets English only.
        using var shortInEnglish = new HttpRequestMessage(HttpMethod.Post, "/api/auth/set-password") { Content = JsonContent.Create(new { user, token, password = "short" }) };
        shortInEnglish.Headers.AcceptLanguage.ParseAdd("en");
        var tooShort = await (await anonymous.SendAsync(shortInEnglish)).Content.ReadAsStringAsync();
        Assert.Contains("the password needs at least 10 characters", tooShort, StringComparison.Ordinal);
        Assert.Contains("the password needs at least one digit (0–9)", tooShort, StringComparison.Ordinal);
        Assert.DoesNotContain("mật khẩu", tooShort, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, (await anonymous.PostAsJsonAsync("/api/auth/set-password", new { user, token, password = "Officer-Password-1" })).StatusCode);
        // The link works once.
        Assert.Equal(HttpStatusCode.BadRequest, (await anonymous.PostAsJsonAsync("/api/auth/set-password", new { user, token, password = "Another-Password-2" })).StatusCode);

        var officer = await app.LoginAsync(Officer, "Officer-Password-1");
        var me = await officer.GetFromJsonAsync<JsonElement>("/api/auth/me");
        Assert.Equal(Officer, me.GetProperty("email").GetString());
        var members = await admin.GetFromJsonAsync<JsonElement[]>($"/api/units/{unit}/members");
        Assert.Contains(members!, m => m.GetProperty("email").GetString() == Officer && m.GetProperty("role").GetString() == "focal-officer");
        Assert.Contains(members!, m => m.GetProperty("email").GetString() == Head && m.GetProperty("role").GetString() == "head");

        // Inviting again writes only to those who have not set a password.
        var again = await (await admin.PostAsync($"/api/units/{unit}/invitations", null)).Content.ReadFromJsonAsync<JsonElement[]>();
        Assert.Contains(again!, r => r.GetProperty("email").GetString() == Officer && r.GetProperty("status").GetString() == "active");
        await DeliverAsync();
        Assert.Equal(1, MessagesTo(Officer));
        Assert.Equal(2, MessagesTo(Head));

        var audit = await admin.GetFromJsonAsync<JsonElement[]>($"/api/audit?unit={unit}&limit=1000");
        Assert.Contains(audit!, e => e.GetProperty("action").GetString() == "account.invited" && e.GetProperty("entityId").GetString() == Officer);
        Assert.Contains(audit!, e => e.GetProperty("action").GetString() == "unit.role-granted" && e.GetProperty("entityId").GetString() == Head);
        var activated = await admin.GetFromJsonAsync<JsonElement[]>($"/api/audit?person={Officer}&action=account.activated");
        Assert.Single(activated!);
    }

    [Fact]
    public async Task A_password_reset_answers_alike_for_unknown_addresses_works_once_and_expires()
    {
        var email = $"reset-{Guid.NewGuid():N}@test.local";
        await app.CreateUserAsync(email, "First-Password-1");
        var anonymous = app.CreateClient();
        var before = MessagesTo(email);

        var known = await anonymous.PostAsJsonAsync("/api/auth/password-reset", new { email });
        var unknown = await anonymous.PostAsJsonAsync("/api/auth/password-reset", new { email = "nobody-" + email });
        Assert.Equal(HttpStatusCode.Accepted, known.StatusCode);
        Assert.Equal(known.StatusCode, unknown.StatusCode);
        Assert.Equal(await known.Content.ReadAsStringAsync(), await unknown.Content.ReadAsStringAsync());
        await DeliverAsync();
        Assert.Equal(before + 1, MessagesTo(email));
        Assert.Equal(0, MessagesTo("nobody-" + email));

        var (user, token, subject) = LatestLink(email);
        Assert.Contains("Đặt lại mật khẩu", subject, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await anonymous.PostAsJsonAsync("/api/auth/set-password", new { user, token = token[..^2] + "xx", password = "Second-Password-2" })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await anonymous.PostAsJsonAsync("/api/auth/set-password", new { user, token, password = "Second-Password-2" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await anonymous.PostAsJsonAsync("/api/auth/set-password", new { user, token, password = "Third-Password-3" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().PostAsJsonAsync("/api/auth/login", new { email, password = "First-Password-1" })).StatusCode);
        await app.LoginAsync(email, "Second-Password-2");

        // A link past its two hours is refused.
        await anonymous.PostAsJsonAsync("/api/auth/password-reset", new { email });
        await DeliverAsync();
        var (user2, token2, _) = LatestLink(email);
        Assert.NotEqual(token, token2);
        app.Clock.Advance(TimeSpan.FromHours(2) + TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.BadRequest, (await anonymous.PostAsJsonAsync("/api/auth/set-password", new { user = user2, token = token2, password = "Fourth-Password-4" })).StatusCode);
        await app.LoginAsync(email, "Second-Password-2");
    }

    [Fact]
    public async Task A_campaign_invites_every_unit_and_an_unused_invitation_expires_but_can_be_asked_for_again()
    {
        var admin = await app.LoginAsAdminAsync();
        await BaDinhAsync(admin);
        var set = await TestIndexSets.UploadAsync(admin, TestIndexSets.Small($"in-{Guid.NewGuid():N}"[..16], "department"));
        var campaign = await TestCampaigns.CreateAsync(admin, new() { ["department"] = set }, launch: false);
        var rows = await (await admin.PostAsync($"/api/campaigns/{campaign}/invitations", null)).Content.ReadFromJsonAsync<JsonElement[]>();
        Assert.Equal(34, rows!.Length); // 17 departments, a head and a focal officer each
        Assert.All(rows, r => Assert.Equal("invited", r.GetProperty("status").GetString()));
        await DeliverAsync();
        const string officer = "daumoi.snv@demo.hanoi.invalid";
        var (user, token, _) = LatestLink(officer);

        app.Clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMinutes(1));
        var anonymous = app.CreateClient();
        Assert.Equal(HttpStatusCode.BadRequest, (await anonymous.PostAsJsonAsync("/api/auth/set-password", new { user, token, password = "Department-Password-1" })).StatusCode);

        // Asking for a reset without ever having set a password brings a fresh invitation.
        Assert.Equal(HttpStatusCode.Accepted, (await anonymous.PostAsJsonAsync("/api/auth/password-reset", new { email = officer })).StatusCode);
        await DeliverAsync();
        var (_, fresh, subject) = LatestLink(officer);
        Assert.Contains("Mời tham gia", subject, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, (await anonymous.PostAsJsonAsync("/api/auth/set-password", new { user, token = fresh, password = "Department-Password-1" })).StatusCode);
        await app.LoginAsync(officer, "Department-Password-1");
    }

    [Fact]
    public async Task A_system_administrator_grants_system_roles_and_invites_people_who_have_no_account()
    {
        var admin = await app.LoginAsAdminAsync();
        var email = $"observer-{Guid.NewGuid():N}@test.local";
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.PutAsJsonAsync("/api/accounts", new { email, fullName = "Người theo dõi", roles = new[] { "chair" } })).StatusCode);
        var saved = await admin.PutAsJsonAsync("/api/accounts", new { email, fullName = "Người theo dõi", roles = new[] { "observer" } });
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        await DeliverAsync();
        var (user, token, _) = LatestLink(email);
        var anonymous = app.CreateClient();
        Assert.Equal(HttpStatusCode.NoContent, (await anonymous.PostAsJsonAsync("/api/auth/set-password", new { user, token, password = "Observer-Password-1" })).StatusCode);
        var observer = await app.LoginAsync(email, "Observer-Password-1");
        Assert.Equal(["observer"], (await observer.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(HttpStatusCode.Forbidden, (await observer.GetAsync("/api/accounts")).StatusCode);

        // Promoted to campaign administrator: the next sign-in must enrol in two-factor first.
        (await admin.PutAsJsonAsync("/api/accounts", new { email, roles = new[] { "observer", "campaign-admin" } })).EnsureSuccessStatusCode();
        var promoted = app.CreateClient();
        var login = await promoted.PostAsJsonAsync("/api/auth/login", new { email, password = "Observer-Password-1" });
        Assert.Equal("enrol-two-factor", (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("next").GetString());

        var accounts = await admin.GetFromJsonAsync<JsonElement[]>("/api/accounts");
        var row = accounts!.Single(a => a.GetProperty("email").GetString() == email);
        Assert.Equal(["campaign-admin", "observer"], row.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.True(row.GetProperty("hasPassword").GetBoolean());
        var changes = await admin.GetFromJsonAsync<JsonElement[]>($"/api/audit?person={email}&action=role.changed");
        Assert.Equal(2, changes!.Length);
        Assert.Contains("campaign-admin", changes[0].GetProperty("after").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PutAsJsonAsync("/api/accounts", new { email = CampaignApp.AdminEmail, roles = new[] { "campaign-admin" } })).StatusCode);
    }

    [GeneratedRegex(@"/account/set-password\?user=(?<user>[^&\s]+)&token=(?<token>[^\s]+)")]
    private static partial Regex LinkPattern();
}

public sealed class AccountLinkTests_Postgres(PostgresMailApp app) : AccountLinkTests(app), IClassFixture<PostgresMailApp>;

public sealed class AccountLinkTests_Sqlite(SqliteMailApp app) : AccountLinkTests(app), IClassFixture<SqliteMailApp>;
