using System.Net;
using Dtx.Campaign.Server.Results;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Dtx.Campaign.Server.Tests.Web;

/// <summary>
/// The public pages over HTTP: nothing before publication (404, like the public API), then the published figures
/// in vi-VN formats. What a browser sees (charts, language switch, the certificate form) is in the UI tests.
/// A part of <see cref="Results.PublishedResultsTests"/>, which publishes the campaign once for it and two other parts.
/// </summary>
public sealed class PublicPages(CampaignApp app)
{
    private readonly HttpClient anonymous = app.CreateClient();

    /// <summary>Final results computed and awards confirmed, publication due tomorrow: still nothing to see.</summary>
    public async Task NotYetPublishedAsync(Guid campaign)
    {
        foreach (var path in new[] { $"/public/results/{campaign}", $"/public/results/{campaign}?category=commune", $"/public/results/{campaign}/units/SNV" })
        {
            var response = await anonymous.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            var page = await response.Content.ReadAsStringAsync();
            Assert.Contains(path.Contains("/units/", StringComparison.Ordinal) ? "Không tìm thấy kết quả" : "Chưa công bố kết quả", page, StringComparison.Ordinal);
            Assert.DoesNotContain("Sở Nội vụ", page, StringComparison.Ordinal);
            Assert.DoesNotContain("88%", page, StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/api/public/results/{campaign}")).StatusCode);
        var list = await anonymous.GetStringAsync("/public");
        Assert.Contains("Đánh giá chuyển đổi số năm 2025", list, StringComparison.Ordinal);
        Assert.DoesNotContain("Đánh giá chuyển đổi số năm 2026", list, StringComparison.Ordinal);
    }

    public async Task PublishedAsync(PublishedCampaign published)
    {
        // Published: newest first, the ranking in vi-VN formats, a unit page, and still 404 for what does not exist.
        var index = await anonymous.GetStringAsync("/public");
        Assert.True(index.IndexOf("năm 2026", StringComparison.Ordinal) < index.IndexOf("năm 2025", StringComparison.Ordinal), "newest first");
        var ranking = await anonymous.GetStringAsync($"/public/results/{published.Id}?category=department");
        Assert.Contains("62,26%", ranking, StringComparison.Ordinal);
        Assert.Contains("76,57%", ranking, StringComparison.Ordinal);
        Assert.Contains("BK-HN-2026-", ranking, StringComparison.Ordinal);
        Assert.DoesNotContain(published.Certificates[0].Code, ranking, StringComparison.Ordinal);
        var communes = await anonymous.GetStringAsync($"/public/results/{published.Id}?category=commune");
        Assert.Contains("P-BA-DINH", communes, StringComparison.Ordinal);
        var unit = await anonymous.GetAsync($"/public/results/{published.Id}/units/SNV");
        Assert.Equal(HttpStatusCode.OK, unit.StatusCode);
        Assert.Contains("88%", await unit.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/public/results/{published.Id}/units/NO-SUCH-UNIT")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/public/results/{Guid.NewGuid()}")).StatusCode);

        // A link carrying the serial and the code (as a certificate's QR code could) is checked on opening.
        var snv = published.Certificates.Single(c => c.UnitCode == "SNV");
        Assert.Contains("Sở Nội vụ", await anonymous.GetStringAsync($"/public/certificates?serial={snv.Serial}&code={snv.Code}"), StringComparison.Ordinal);
        var wrong = await anonymous.GetStringAsync($"/public/certificates?serial={snv.Serial}&code=AAAAAAAAAA");
        Assert.Contains("Không tìm thấy Bằng khen", wrong, StringComparison.Ordinal);
        Assert.DoesNotContain("Sở Nội vụ", wrong, StringComparison.Ordinal);

        // Publication day: an anonymous reader's page comes from the output cache (it has an Age), per language; a
        // signed-in person's page is rendered for them; a revoked certificate shows at once on the next page.
        var rankingPath = $"/public/results/{published.Id}?category=department";
        static async Task<(HttpResponseMessage Response, string Page)> ReadAsync(HttpClient client, string path, string? language = null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            if (language is not null)
                request.Headers.Add("Cookie", $"dtx.lang=c%3D{language}%7Cuic%3D{language}");
            var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            return (response, WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync()));
        }
        var (cached, cachedPage) = await ReadAsync(anonymous, rankingPath);
        Assert.NotNull(cached.Headers.Age);
        Assert.Contains("<html lang=\"vi\">", cachedPage, StringComparison.Ordinal);
        Assert.DoesNotContain("__RequestVerificationToken", cachedPage, StringComparison.Ordinal);
        var (_, englishPage) = await ReadAsync(app.CreateClient(), rankingPath, "en-GB");
        Assert.Contains("<html lang=\"en\">", englishPage, StringComparison.Ordinal);
        Assert.NotNull((await ReadAsync(app.CreateClient(), rankingPath, "en-GB")).Response.Headers.Age);
        (await anonymous.GetAsync($"/api/public/results/{published.Id}")).EnsureSuccessStatusCode();
        Assert.NotNull((await anonymous.GetAsync($"/api/public/results/{published.Id}")).Headers.Age);
        var admin = await app.LoginAsAdminAsync();
        Assert.Null((await ReadAsync(admin, rankingPath)).Response.Headers.Age);

        // Compressed as the reader accepts, and cached compressed: a Brotli page is never served to a gzip-only reader nor
        // to one who accepts neither; the bytes unpack to the same page. A signed-in person's page is never compressed.
        Assert.Empty(cached.Content.Headers.ContentEncoding);
        async Task<(HttpResponseMessage Response, string Body)> EncodedAsync(HttpClient client, string path, string accept)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("Accept-Encoding", accept);
            var response = await client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var bytes = await response.Content.ReadAsStreamAsync();
            Stream unpacked = response.Content.Headers.ContentEncoding.SingleOrDefault() switch
            {
                "br" => new System.IO.Compression.BrotliStream(bytes, System.IO.Compression.CompressionMode.Decompress),
                "gzip" => new System.IO.Compression.GZipStream(bytes, System.IO.Compression.CompressionMode.Decompress),
                _ => bytes,
            };
            using var reader = new StreamReader(unpacked);
            return (response, await reader.ReadToEndAsync());
        }
        foreach (var (accept, expected) in new[] { ("br, gzip", "br"), ("gzip", "gzip"), ("br, gzip", "br"), ("identity", null), ("gzip", "gzip") })
        {
            var (response, body) = await EncodedAsync(anonymous, rankingPath, accept);
            Assert.Equal(expected, response.Content.Headers.ContentEncoding.SingleOrDefault());
            Assert.Equal(cachedPage, WebUtility.HtmlDecode(body));
        }
        Assert.NotNull((await EncodedAsync(anonymous, rankingPath, "gzip")).Response.Headers.Age);
        var (api, apiBody) = await EncodedAsync(anonymous, $"/api/public/results/{published.Id}", "gzip");
        Assert.Equal("gzip", api.Content.Headers.ContentEncoding.Single());
        Assert.Equal(await anonymous.GetStringAsync($"/api/public/results/{published.Id}"), apiBody);
        var (signedIn, _) = await EncodedAsync(admin, rankingPath, "br, gzip");
        Assert.Empty(signedIn.Content.Headers.ContentEncoding);
        Assert.DoesNotContain("data-revoked=\"true\"", cachedPage, StringComparison.Ordinal);

        var chair = await app.LoginAsync(TestCampaigns.ChairEmail, PublishedCampaign.ChairPassword);
        (await chair.PostAsync($"/api/campaigns/{published.Id}/certificates/{snv.Serial}/revocation",
            System.Net.Http.Json.JsonContent.Create(new { reason = "Kết luận thanh tra số 3/KL-TTr" }))).EnsureSuccessStatusCode();
        var (afterRevocation, revokedPage) = await ReadAsync(anonymous, rankingPath);
        Assert.Null(afterRevocation.Headers.Age);
        Assert.Contains("<tr data-unit=\"SNV\" data-revoked=\"true\">", revokedPage, StringComparison.Ordinal);
        Assert.Contains("Đã thu hồi", revokedPage, StringComparison.Ordinal);

        // The unit page's category averages are the reference the calculator measured strengths and weaknesses against.
        await using var scope = app.Services.CreateAsyncScope();
        var (_, document) = (await scope.ServiceProvider.GetRequiredService<PublicResults>().GetAsync(published.Id, CancellationToken.None))!.Value;
        foreach (var category in document.Categories)
        {
            var averages = PublicResults.GroupAverages(category);
            foreach (var u in category.Units.Where(u => u.Status == ResultCalculator.Assessed))
                foreach (var delta in u.Strengths.Concat(u.Weaknesses))
                    Assert.Equal(delta.Change, u.Groups.Single(g => g.Code == delta.Code).Percentage - averages[delta.Code]);
        }
        Assert.Equal(78.06m, PublicResults.GroupAverages(document.Categories.Single(c => c.Category == "department"))["1"]);
    }
}

/// <summary>
/// In a class of its own: the limit is per address for the whole app and would refuse the other tests' checks. On SQLite
/// only: the limit never reaches the database.
/// </summary>
public sealed class CertificatePageLimitTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    [Fact]
    public async Task The_certificate_page_shares_the_rate_limit_of_the_certificate_api()
    {
        // 30 checks a minute per address (Security:VerificationsPerMinute), whether asked through the API or the page:
        // once the API refuses, so does the page.
        var anonymous = app.CreateClient();
        var calls = 0;
        while ((await anonymous.GetAsync("/api/public/certificates/BK-HN-2026-9999?code=AAAAAAAAAA")).StatusCode == HttpStatusCode.OK)
            Assert.True(++calls <= 30, "more than 30 checks allowed in a minute");
        Assert.Equal(HttpStatusCode.TooManyRequests, (await anonymous.GetAsync("/public/certificates")).StatusCode);
    }
}
