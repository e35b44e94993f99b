using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Dtx.Campaign.Ui.Tests;

/// <summary>Who may open which page, without a browser: pages redirect to the login page, the API keeps its status codes.</summary>
public abstract partial class PageAccessTests(CampaignApp app)
{
    private HttpClient Anonymous() => app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    [Fact]
    public async Task Pages_send_strangers_to_the_login_page_while_the_api_answers_401()
    {
        var client = Anonymous();
        foreach (var path in new[] { "/admin", "/admin/imports", "/unit" })
        {
            var page = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
            Assert.Equal($"/account/login?ReturnUrl={Uri.EscapeDataString(path)}", page.Headers.Location!.PathAndQuery);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/campaigns")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account/login")).StatusCode);
    }

    [Fact]
    public async Task A_sign_in_without_the_antiforgery_token_is_refused_and_a_wrong_password_says_so_in_vietnamese()
    {
        var client = Anonymous();
        var forged = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = CampaignApp.AdminEmail, ["Password"] = CampaignApp.AdminPassword,
        }));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.DoesNotContain(forged.Headers, h => h.Key == "Set-Cookie" && h.Value.Any(v => v.StartsWith("dtx.auth", StringComparison.Ordinal)));

        var form = await client.GetStringAsync("/account/login");
        var token = Token().Match(form).Groups[1].Value;
        var wrong = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["Email"] = CampaignApp.AdminEmail, ["Password"] = "not-the-password",
        }));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Contains("Thư điện tử hoặc mật khẩu không đúng.", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_focal_officer_is_turned_away_from_the_administrators_pages_and_from_other_units()
    {
        var admin = await app.LoginAsAdminAsync();
        await app.ImportHanoiUnitsAsync(admin);
        var set = await TestIndexSets.UploadAsync(admin, TestIndexSets.Small($"pa-{Guid.NewGuid():N}"[..16], "commune"));
        var campaign = await TestCampaigns.CreateAsync(admin, new() { ["commune"] = set });
        var units = await TestCampaigns.UnitsAsync(admin, campaign);
        var email = $"focal-{Guid.NewGuid():N}@test.invalid";
        await app.CreateUserAsync(email, "Focal-Password-1");
        (await admin.PostAsJsonAsync($"/api/units/{units["X-DONG-ANH"]}/members", new { email, role = "focal-officer" })).EnsureSuccessStatusCode();

        var focal = await app.LoginAsync(email, "Focal-Password-1");
        Assert.Equal(HttpStatusCode.OK, (await focal.GetAsync($"/unit/assessment/{campaign}/{units["X-DONG-ANH"]}")).StatusCode);
        var other = await focal.GetAsync($"/unit/assessment/{campaign}/{units["P-HOAN-KIEM"]}");
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode); // the client follows the redirect to the "access denied" page
        Assert.EndsWith("/account/denied", other.RequestMessage!.RequestUri!.AbsolutePath, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await focal.GetAsync("/admin")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await focal.GetAsync($"/api/campaigns/{campaign}/progress")).StatusCode);
    }

    [Fact]
    public async Task The_menu_offers_only_the_places_where_a_person_has_work_and_the_front_door_opens_the_first()
    {
        var admin = await app.LoginAsAdminAsync();
        await app.ImportHanoiUnitsAsync(admin);
        var set = await TestIndexSets.UploadAsync(admin, TestIndexSets.Small($"wa-{Guid.NewGuid():N}"[..16], "commune"));
        var secretary = $"thuky-{Guid.NewGuid():N}@test.invalid";
        var campaign = await TestCampaigns.CreateAsync(admin, new() { ["commune"] = set },
            council: [new { fullName = "Phó Chủ tịch UBND TP", email = TestCampaigns.ChairEmail, role = "chair" }, new { fullName = "Thư ký", email = secretary, role = "secretary" }]);
        var units = await TestCampaigns.UnitsAsync(admin, campaign);
        var focal = $"focal-{Guid.NewGuid():N}@test.invalid";
        await app.CreateUserAsync(focal, "Focal-Password-1");
        (await admin.PostAsJsonAsync($"/api/units/{units["X-DONG-ANH"]}/members", new { email = focal, role = "focal-officer" })).EnsureSuccessStatusCode();
        // The council's secretary has an account but no unit; the address is typed in capitals on the council list's other side.
        await app.CreateUserAsync(secretary.ToUpperInvariant(), "Secretary-Password-1");

        async Task<(string Home, string Menu)> Sees(HttpClient client)
        {
            var door = await client.GetAsync("/");
            var page = await door.Content.ReadAsStringAsync();
            var menu = Menu().Match(page);
            Assert.True(menu.Success, "the page has its main navigation: " + door.RequestMessage!.RequestUri);
            return (door.RequestMessage!.RequestUri!.AbsolutePath, menu.Value);
        }

        var (officerHome, officerMenu) = await Sees(await app.LoginAsync(focal, "Focal-Password-1"));
        Assert.Equal("/unit", officerHome);
        Assert.Contains("href=\"/unit\"", officerMenu, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/council\"", officerMenu, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/admin\"", officerMenu, StringComparison.Ordinal);

        var (secretaryHome, secretaryMenu) = await Sees(await app.LoginAsync(secretary.ToUpperInvariant(), "Secretary-Password-1"));
        Assert.Equal("/council", secretaryHome);
        Assert.Contains("href=\"/council\"", secretaryMenu, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/unit\"", secretaryMenu, StringComparison.Ordinal);

        var (adminHome, adminMenu) = await Sees(admin);
        Assert.Equal("/admin", adminHome);
        Assert.Contains("href=\"/council\"", adminMenu, StringComparison.Ordinal);
        Assert.DoesNotContain("href=\"/unit\"", adminMenu, StringComparison.Ordinal);
    }

    [GeneratedRegex("<nav aria-label=\"[^\"]*\">.*?</nav>", RegexOptions.Singleline)]
    private static partial Regex Menu();

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex Token();
}

public sealed class PageAccessTests_Postgres(PostgresApp app) : PageAccessTests(app), IClassFixture<PostgresApp>;

public sealed class PageAccessTests_Sqlite(SqliteApp app) : PageAccessTests(app), IClassFixture<SqliteApp>;
