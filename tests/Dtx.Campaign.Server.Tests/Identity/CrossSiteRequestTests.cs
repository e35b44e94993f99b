using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dtx.Campaign.Server.Tests.Infrastructure;

namespace Dtx.Campaign.Server.Tests.Identity;

/// <summary>
/// A page on another site (a sibling subdomain, another port) makes the browser send our session cookie with
/// its POST: the server must refuse it before anything is stored, and go on serving its own pages and tokens.
/// </summary>
public abstract class CrossSiteRequestTests(CampaignApp app)
{
    private static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n");

    [Fact]
    public async Task Another_origin_with_the_session_cookie_is_refused_on_upload_prefill_and_submit_and_nothing_is_stored()
    {
        var admin = await app.LoginAsAdminAsync();
        await app.ImportHanoiUnitsAsync(admin);
        var set = await TestIndexSets.UploadAsync(admin, TestIndexSets.Small($"xs-{Guid.NewGuid():N}"[..16], "department"));
        var campaign = await TestCampaigns.CreateAsync(admin, new() { ["department"] = set });
        var units = await TestCampaigns.UnitsAsync(admin, campaign);
        var unit = $"/api/campaigns/{campaign}/units/{units["SKHCN"]}/self-assessment";
        app.Clock.SetUtcNow(new DateTimeOffset(2025, 11, 3, 2, 0, 0, TimeSpan.Zero));
        admin = await app.LoginAsAdminAsync();
        (await admin.PutAsJsonAsync($"{unit}/answers/1.1", new { yes = true, version = 0 })).EnsureSuccessStatusCode();
        var auditBefore = await AuditCountAsync(admin, campaign);

        async Task Refused(HttpRequestMessage request, string origin)
        {
            var response = await admin.SendAsync(request);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Equal("Không có quyền", problem.GetProperty("title").GetString());
            Assert.Equal("cross-site.refused", problem.GetProperty("code").GetString());
            Assert.StartsWith("Yêu cầu thay đổi dữ liệu kèm phiên đăng nhập chỉ được gửi từ chính trang này: ", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
            Assert.Contains(origin, problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        HttpRequestMessage Post(string path, HttpContent? content, string origin)
        {
            var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
            request.Headers.Add("Origin", origin);
            return request;
        }
        foreach (var origin in new[] { "http://evil.example", "http://localhost:8080", "null" })
        {
            await Refused(Post($"{unit}/evidence/files", Upload("cross-site.pdf"), origin), origin);
            await Refused(Post($"{unit}/prefill", null, origin), origin);
            await Refused(Post($"{unit}/submit", null, origin), origin);
        }
        // In the caller's language: an English reader is refused in English.
        var english = Post($"{unit}/prefill", null, "http://evil.example");
        english.Headers.AcceptLanguage.ParseAdd("en");
        var inEnglish = await (await admin.SendAsync(english)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Not allowed", inEnglish.GetProperty("title").GetString());
        Assert.Equal("A change made with the session cookie must come from this site itself: the request comes from http://evil.example, not "
            + admin.BaseAddress!.GetLeftPart(UriPartial.Authority), inEnglish.GetProperty("detail").GetString());
        // A browser that names the site instead: only same-origin passes.
        var sibling = new HttpRequestMessage(HttpMethod.Post, $"{unit}/submit");
        sibling.Headers.Remove("Origin");
        sibling.Headers.Add("Sec-Fetch-Site", "same-site");
        await Refused(sibling, "same-site");

        var view = await admin.GetFromJsonAsync<JsonElement>(unit);
        Assert.NotEqual("submitted", view.GetProperty("status").GetString());
        Assert.DoesNotContain("cross-site.pdf", view.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(auditBefore, await AuditCountAsync(admin, campaign));

        // From the site itself (the client names its own origin, as a browser does) the same requests work.
        var uploaded = await admin.PostAsync($"{unit}/evidence/files", Upload("same-site.pdf"));
        Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
        var sameOrigin = new HttpRequestMessage(HttpMethod.Post, $"{unit}/prefill");
        sameOrigin.Headers.Remove("Origin");
        sameOrigin.Headers.Add("Sec-Fetch-Site", "same-origin");
        Assert.Equal(HttpStatusCode.OK, (await admin.SendAsync(sameOrigin)).StatusCode);
        Assert.Contains("same-site.pdf", (await admin.GetFromJsonAsync<JsonElement>(unit)).GetRawText(), StringComparison.Ordinal);

        // A client that names no origin at all: with the cookie it is refused (no antiforgery token) …
        var token = (await (await admin.PostAsJsonAsync("/api/tokens", new { name = "script", scope = "admin" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        admin.DefaultRequestHeaders.Remove("Origin");
        var bare = new HttpRequestMessage(HttpMethod.Post, $"{unit}/prefill");
        var noOrigin = await admin.SendAsync(bare);
        Assert.Equal(HttpStatusCode.Forbidden, noOrigin.StatusCode);
        Assert.Contains("hãy dùng token API (Authorization: Bearer)", await noOrigin.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // … and an API token is not a cookie: scripts send it from anywhere.
        var script = app.CreateClient();
        script.DefaultRequestHeaders.Remove("Origin");
        script.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        var fromScript = new HttpRequestMessage(HttpMethod.Post, $"{unit}/prefill");
        fromScript.Headers.Add("Origin", "http://evil.example");
        Assert.Equal(HttpStatusCode.OK, (await script.SendAsync(fromScript)).StatusCode);
    }

    private static async Task<int> AuditCountAsync(HttpClient admin, Guid campaign) =>
        (await admin.GetFromJsonAsync<JsonElement[]>($"/api/audit?campaign={campaign}&limit=1000"))!.Length;

    private static MultipartFormDataContent Upload(string name)
    {
        var content = Multipart.File(name, Pdf);
        content.Add(new StringContent("1.1"), "code");
        return content;
    }
}

public sealed class CrossSiteRequestTests_Postgres(PostgresApp app) : CrossSiteRequestTests(app), IClassFixture<PostgresApp>;

public sealed class CrossSiteRequestTests_Sqlite(SqliteApp app) : CrossSiteRequestTests(app), IClassFixture<SqliteApp>;
