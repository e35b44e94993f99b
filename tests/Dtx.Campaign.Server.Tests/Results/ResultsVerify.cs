using System.Text.RegularExpressions;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Results;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dtx.Campaign.Server.Tests.Results;

/// <summary>
/// <c>results verify</c> hashes the stored document, so an edit that leaves the checksum column alone is found and named;
/// the server refuses to serve such a document (in this process, where the genuine one was already read, too).
/// A part of <see cref="PublishedResultsTests"/>; it leaves the forged document in place.
/// </summary>
public sealed partial class ResultsVerify(CampaignApp app)
{
    [GeneratedRegex("(\"unitCode\":\"SNV\".*?\"total\":)([0-9.]+)")]
    private static partial Regex SnvTotal();

    public async Task EditedDocumentAsync(PublishedCampaign published)
    {
        var anyone = app.CreateClient();
        Assert.Contains("\"total\":88", await anyone.GetStringAsync($"/api/public/results/{published.Id}"), StringComparison.Ordinal);
        var clean = await app.RunCliAsync("results", "verify");
        Assert.True(clean.ExitCode == 0, clean.Output + clean.Error);

        string checksum;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CampaignDbContext>();
            var set = await db.Set<ResultSet>().SingleAsync(r => r.CampaignId == published.Id && r.Kind == ResultKinds.Final);
            checksum = set.Checksum;
            var match = SnvTotal().Match(set.Document);
            Assert.Equal("88", match.Groups[2].Value);
            // The forger changes one figure and leaves the checksum column as it was.
            var forged = SnvTotal().Replace(set.Document, m => m.Groups[1].Value + "98", 1);
            await db.Set<ResultSet>().Where(r => r.Id == set.Id).ExecuteUpdateAsync(s => s.SetProperty(r => r.Document, forged));
        }

        // The public pages rendered from the genuine document are cached for a minute; once that has passed
        // (evicted here rather than waited for), nobody is served the forged figure: the public API, the pages and
        // the home page say what happened instead.
        await app.Services.GetRequiredService<PublishedPages>().ChangedAsync(CancellationToken.None);
        var api = await anyone.GetAsync($"/api/public/results/{published.Id}");
        Assert.Equal(System.Net.HttpStatusCode.Conflict, api.StatusCode);
        var problem = await api.Content.ReadAsStringAsync();
        Assert.Contains("\"code\":\"results.tampered\"", problem, StringComparison.Ordinal);
        Assert.Contains("không khớp mã kiểm tra", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("\"total\":98", problem, StringComparison.Ordinal);
        // A person at the page, as a browser asks for it, reads why in Vietnamese, in the site's layout.
        using var pageRequest = new HttpRequestMessage(HttpMethod.Get, $"/public/results/{published.Id}");
        pageRequest.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,*/*;q=0.8");
        var page = await anyone.SendAsync(pageRequest);
        Assert.Equal(System.Net.HttpStatusCode.Conflict, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = System.Net.WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync());
        Assert.Contains("<html lang=\"vi\">", html, StringComparison.Ordinal);
        Assert.Contains("data-refusal=\"results.tampered\"", html, StringComparison.Ordinal);
        Assert.Contains("dữ liệu đã bị sửa ngoài hệ thống nên không được hiển thị", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Sở Nội vụ", html, StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await anyone.GetAsync("/")).StatusCode);

        var (exit, output, error) = await app.RunCliAsync("results", "verify");
        Assert.Equal(1, exit);
        Assert.Contains($"campaign {published.Id} final: DIFFERENT (checksum {checksum}, stored document ", error, StringComparison.Ordinal);
        Assert.Contains($"recomputed {checksum})", error, StringComparison.Ordinal);
        Assert.Contains("SNV total: stored 98, recomputed 88", error, StringComparison.Ordinal);
        Assert.Contains("1 different.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("SYT", error, StringComparison.Ordinal);

        // Last year's final results edited as well: this year's, whose year-over-year change reads them, cannot be recomputed.
        // The check says so for each of this year's sets and still checks the rest, instead of stopping at the first.
        string previousDocument;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CampaignDbContext>();
            previousDocument = (await db.Set<ResultSet>().SingleAsync(r => r.CampaignId == published.PreviousId && r.Kind == ResultKinds.Final)).Document;
            var forged = SnvTotal().Replace(previousDocument, m => m.Groups[1].Value + "1" + m.Groups[2].Value, 1);
            await db.Set<ResultSet>().Where(r => r.CampaignId == published.PreviousId && r.Kind == ResultKinds.Final).ExecuteUpdateAsync(s => s.SetProperty(r => r.Document, forged));
        }
        (exit, output, error) = await app.RunCliAsync("results", "verify");
        Assert.Equal(1, exit);
        Assert.Contains($"campaign {published.Id} final: NOT RECOMPUTED (Refusal): the stored final results do not match their checksum", error, StringComparison.Ordinal);
        Assert.Contains($"campaign {published.Id} preliminary: NOT RECOMPUTED (Refusal): ", error, StringComparison.Ordinal);
        Assert.Contains($"campaign {published.PreviousId} final: DIFFERENT", error, StringComparison.Ordinal);
        // Figures as the document writes them: the recomputed 80.0 is shown as 80.
        Assert.Contains("SNV total: stored 180, recomputed 80\n", error.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains($"campaign {published.PreviousId} preliminary: identical", output, StringComparison.Ordinal);
        Assert.Contains("4 result set(s) checked, 3 different.", output, StringComparison.Ordinal);
        await using (var scope = app.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<CampaignDbContext>().Set<ResultSet>()
                .Where(r => r.CampaignId == published.PreviousId && r.Kind == ResultKinds.Final).ExecuteUpdateAsync(s => s.SetProperty(r => r.Document, previousDocument));
    }
}
