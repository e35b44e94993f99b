using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dtx.Campaign.Server.Tests.Hosting;

/// <summary>
/// A refusal carries its stable code and parameters, and its words follow the person's language: Vietnamese
/// by default, English with Accept-Language: en.
/// </summary>
public abstract class RefusalLanguageTests(CampaignApp app)
{
    [Fact]
    public async Task A_refusal_is_in_Vietnamese_by_default_and_in_English_when_asked_each_with_its_code()
    {
        var admin = await app.LoginAsAdminAsync();
        await app.ImportHanoiUnitsAsync(admin);
        var set = await TestIndexSets.UploadAsync(admin, TestIndexSets.Small($"lang-{Guid.NewGuid():N}"[..20], "department"));
        var campaign = await TestCampaigns.CreateAsync(admin, new() { ["department"] = set });
        var units = await TestCampaigns.UnitsAsync(admin, campaign);
        var answer = $"/api/campaigns/{campaign}/units/{units["SNV"]}/self-assessment/answers/1.1";

        // Before the opening date: a stage refusal.
        var vi = await ProblemAsync(admin, HttpMethod.Put, answer, new { yes = true, version = 0 }, null, HttpStatusCode.Conflict);
        Assert.Equal("self-assessment.not-open", vi.GetProperty("code").GetString());
        Assert.Equal("Chưa thể thực hiện", vi.GetProperty("title").GetString());
        Assert.Equal("tự đánh giá mở từ 01/11/2025 08:00 (giờ Việt Nam)", vi.GetProperty("detail").GetString());
        // The parameter keeps the zone's id, for programs.
        Assert.Equal("01/11/2025 08:00 (Asia/Ho_Chi_Minh)", vi.GetProperty("parameters").GetProperty("opensAt").GetString());

        var en = await ProblemAsync(admin, HttpMethod.Put, answer, new { yes = true, version = 0 }, "en-GB,en;q=0.9", HttpStatusCode.Conflict);
        Assert.Equal("self-assessment.not-open", en.GetProperty("code").GetString());
        Assert.Equal("Not possible now", en.GetProperty("title").GetString());
        Assert.Equal("self-assessment opens at 01/11/2025 08:00 (Vietnam time)", en.GetProperty("detail").GetString());

        // A language the server does not speak falls back to Vietnamese.
        var fr = await ProblemAsync(admin, HttpMethod.Put, answer, new { yes = true, version = 0 }, "fr", HttpStatusCode.Conflict);
        Assert.Equal("tự đánh giá mở từ 01/11/2025 08:00 (giờ Việt Nam)", fr.GetProperty("detail").GetString());

        // Input: the ratio rule, per field, in both languages.
        app.Clock.SetUtcNow(new DateTimeOffset(2025, 11, 3, 2, 0, 0, TimeSpan.Zero));
        admin = await app.LoginAsAdminAsync();
        var ratio = $"/api/campaigns/{campaign}/units/{units["SNV"]}/self-assessment/answers/1.2";
        var viRatio = await ProblemAsync(admin, HttpMethod.Put, ratio, new { numerator = 500, denominator = 100, version = 0 }, null, HttpStatusCode.BadRequest);
        Assert.Equal("input.numerator-exceeds", viRatio.GetProperty("code").GetString());
        Assert.Equal("tử số (500) không được lớn hơn mẫu số (100)", viRatio.GetProperty("errors").GetProperty("answers.1.2")[0].GetString());
        var enRatio = await ProblemAsync(admin, HttpMethod.Put, ratio, new { numerator = 500, denominator = 100, version = 0 }, "en", HttpStatusCode.BadRequest);
        Assert.Equal("the numerator (500) cannot exceed the denominator (100)", enRatio.GetProperty("errors").GetProperty("answers.1.2")[0].GetString());
        Assert.Equal("Invalid value", enRatio.GetProperty("title").GetString());

        // The council's refusals too (the stage names inside them: RefusalCatalogueTests).
        var verify = $"/api/campaigns/{campaign}/verification/units/{units["SNV"]}/indicators/1.1";
        var viStage = await ProblemAsync(admin, HttpMethod.Put, verify, new { accept = true }, null, HttpStatusCode.Forbidden);
        Assert.Equal("council.not-member", viStage.GetProperty("code").GetString());
        Assert.Contains("không phải thành viên Hội đồng thẩm định", viStage.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failure_nobody_refused_is_a_500_in_the_readers_language_with_a_reference_never_the_frameworks_english()
    {
        var admin = await app.LoginAsAdminAsync();
        await app.ImportHanoiUnitsAsync(admin);
        var set = await TestIndexSets.UploadAsync(admin, TestIndexSets.Small($"fail-{Guid.NewGuid():N}"[..20], "department"));
        var campaign = await TestCampaigns.CreateAsync(admin, new() { ["department"] = set });
        // A row edited in the database: a time zone no machine knows makes the workflow's views fail.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Data.CampaignDbContext>();
            var row = await db.Campaigns.SingleAsync(c => c.Id == campaign);
            row.TimeZone = "Mars/Olympus_Mons";
            await db.SaveChangesAsync();
        }

        var vi = await ProblemAsync(admin, HttpMethod.Get, $"/api/campaigns/{campaign}/workflow", null, null, HttpStatusCode.InternalServerError);
        Assert.Equal("server.error", vi.GetProperty("code").GetString());
        Assert.Equal("Hệ thống gặp lỗi", vi.GetProperty("title").GetString());
        var reference = vi.GetProperty("reference").GetString()!;
        Assert.Equal($"Hệ thống gặp lỗi khi xử lý yêu cầu. Vui lòng thử lại; nếu lỗi lặp lại, hãy báo quản trị viên kèm mã tra cứu {reference}.", vi.GetProperty("detail").GetString());
        Assert.DoesNotContain("Mars", vi.GetRawText(), StringComparison.Ordinal);   // nothing of the exception leaks
        var en = await ProblemAsync(admin, HttpMethod.Get, $"/api/campaigns/{campaign}/workflow", null, "en", HttpStatusCode.InternalServerError);
        Assert.Equal("The system failed", en.GetProperty("title").GetString());

        // A person at the page gets a page in the site's layout, in Vietnamese.
        var request = new HttpRequestMessage(HttpMethod.Get, $"/admin/workflow/{campaign}");
        request.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,*/*;q=0.8");
        var page = await admin.SendAsync(request);
        Assert.Equal(HttpStatusCode.InternalServerError, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("data-refusal=\"server.error\"", html, StringComparison.Ordinal);
        Assert.Contains("Hệ thống gặp lỗi khi xử lý yêu cầu.", System.Net.WebUtility.HtmlDecode(html), StringComparison.Ordinal);
        Assert.DoesNotContain("An error occurred", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_sign_in_speaks_the_callers_language_with_its_code()
    {
        var anonymous = app.CreateClient();
        var login = new { email = $"nobody-{Guid.NewGuid():N}@example.vn", password = "wrong-password-1" };
        var vi = await ProblemAsync(anonymous, HttpMethod.Post, "/api/auth/login", login, null, HttpStatusCode.Unauthorized);
        Assert.Equal("sign-in.failed", vi.GetProperty("code").GetString());
        Assert.Equal("Đăng nhập thất bại", vi.GetProperty("title").GetString());
        Assert.Equal("thư điện tử hoặc mật khẩu không đúng", vi.GetProperty("detail").GetString());
        var en = await ProblemAsync(anonymous, HttpMethod.Post, "/api/auth/login", login, "en", HttpStatusCode.Unauthorized);
        Assert.Equal("Sign-in failed", en.GetProperty("title").GetString());
        Assert.Equal("the e-mail address or the password is wrong", en.GetProperty("detail").GetString());

        var empty = await ProblemAsync(anonymous, HttpMethod.Post, "/api/auth/login", new { email = "", password = "x" }, null, HttpStatusCode.BadRequest);
        Assert.Equal("sign-in.email-password-required", empty.GetProperty("code").GetString());
        Assert.Equal("nhập thư điện tử và mật khẩu", empty.GetProperty("errors").GetProperty("email")[0].GetString());
    }

    [Fact]
    public async Task What_the_framework_refuses_by_status_alone_is_in_the_readers_language_too()
    {
        var stranger = app.CreateClient();
        // Not signed in: stopped by authorization, before the endpoint.
        var vi = await ProblemAsync(stranger, HttpMethod.Get, "/api/campaigns", null, null, HttpStatusCode.Unauthorized);
        Assert.Equal("http.401", vi.GetProperty("code").GetString());
        Assert.Equal("Chưa đăng nhập hoặc phiên đăng nhập đã hết hạn: hãy đăng nhập lại", vi.GetProperty("title").GetString());
        var en = await ProblemAsync(stranger, HttpMethod.Get, "/api/campaigns", null, "en", HttpStatusCode.Unauthorized);
        Assert.Equal("Not signed in, or the session has expired: sign in again", en.GetProperty("title").GetString());
        // No such route; a method or a content type the route does not take (refused by routing).
        Assert.Equal("Không tìm thấy địa chỉ hoặc mục được yêu cầu",
            (await ProblemAsync(stranger, HttpMethod.Get, "/api/no-such-thing", null, null, HttpStatusCode.NotFound)).GetProperty("title").GetString());
        Assert.Equal("Địa chỉ này không nhận yêu cầu DELETE",
            (await ProblemAsync(stranger, HttpMethod.Delete, "/api/public/results", null, null, HttpStatusCode.MethodNotAllowed)).GetProperty("title").GetString());
        var admin = await app.LoginAsAdminAsync();
        using var text = new HttpRequestMessage(HttpMethod.Post, "/api/index-sets") { Content = new StringContent("groups: []", System.Text.Encoding.UTF8, "text/plain") };
        var response = await admin.SendAsync(text);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        var unsupported = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("http.415", unsupported.GetProperty("code").GetString());
        Assert.Equal("Địa chỉ này không nhận kiểu nội dung 'text/plain; charset=utf-8'", unsupported.GetProperty("title").GetString());
    }

    [Fact]
    public async Task An_unreadable_or_hostile_body_is_refused_in_the_readers_language_naming_where()
    {
        var admin = await app.LoginAsAdminAsync();
        // A bidirectional override inside a name: refused before binding, at its line and offset.
        var vi = await RawProblemAsync(admin, "{\"email\": \"a@b.vn\",\n \"fullName\": \"Nguy\u202Een\"}", null, HttpStatusCode.BadRequest);
        Assert.Equal("request.hostile-character", vi.GetProperty("code").GetString());
        Assert.Equal("văn bản chứa ký tự NUL hoặc ký tự đảo chiều (bidi) ở dòng 2, vị trí 38: hãy xóa ký tự đó", vi.GetProperty("detail").GetString());
        var en = await RawProblemAsync(admin, "{\"email\": \"a@b.vn\",\n \"fullName\": \"Nguy\u202Een\"}", "en", HttpStatusCode.BadRequest);
        Assert.Equal("the body contains a NUL or bidirectional-override character at line 2, offset 38: remove it", en.GetProperty("detail").GetString());
        // Broken JSON: the framework's reason, under our words and the position.
        var broken = await RawProblemAsync(admin, "{\"email\": ", null, HttpStatusCode.BadRequest);
        Assert.Equal("request.json-invalid", broken.GetProperty("code").GetString());
        Assert.StartsWith("nội dung JSON không hợp lệ tại $.email (dòng 1, byte ", broken.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("Giá trị không hợp lệ", broken.GetProperty("title").GetString());
    }

    // A body written by hand (broken or hostile JSON), not serialised.
    private static Task<JsonElement> RawProblemAsync(HttpClient client, string json, string? language, HttpStatusCode expected) =>
        ProblemAsync(client, HttpMethod.Put, "/api/accounts", new StringContent(json, System.Text.Encoding.UTF8, "application/json"), language, expected);

    private static Task<JsonElement> ProblemAsync(HttpClient client, HttpMethod method, string path, object? body, string? language, HttpStatusCode expected) =>
        ProblemAsync(client, method, path, body is null ? null : JsonContent.Create(body), language, expected);

    private static async Task<JsonElement> ProblemAsync(HttpClient client, HttpMethod method, string path, HttpContent? content, string? language, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (language is not null)
            request.Headers.AcceptLanguage.ParseAdd(language);
        var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}

public sealed class RefusalLanguageTests_Postgres(PostgresApp app) : RefusalLanguageTests(app), IClassFixture<PostgresApp>;

public sealed class RefusalLanguageTests_Sqlite(SqliteApp app) : RefusalLanguageTests(app), IClassFixture<SqliteApp>;
