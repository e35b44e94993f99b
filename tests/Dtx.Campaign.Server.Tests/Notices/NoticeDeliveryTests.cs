using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Email;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using UglyToad.PdfPig;

namespace Dtx.Campaign.Server.Tests.Notices;

/// <summary>
/// The publication notice as units receive it (national title, register number, PDF with diacritics), a
/// preview from the campaign's own data that issues nothing, and downloads refused to units not addressed.
/// </summary>
public abstract class NoticeDeliveryTests(CampaignApp app)
{
    internal static string PdfText(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return Squeeze(string.Concat(document.GetPages().Select(p => p.Text)));
    }

    internal static string Squeeze(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c)));

    private static async Task<byte[]> BytesAsync(MimeKit.MimeEntity entity)
    {
        using var content = new MemoryStream();
        await ((MimeKit.MimePart)entity).Content!.DecodeToAsync(content);
        return content.ToArray();
    }

    internal static async Task<Guid> UnitIdAsync(CampaignApp app, string code)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CampaignDbContext>().Units.Where(u => u.Code == code).Select(u => u.Id).SingleAsync();
    }

    /// <summary>A signed-in person of one unit (focal officer).</summary>
    internal static async Task<HttpClient> UnitUserAsync(CampaignApp app, HttpClient admin, string unitCode)
    {
        var email = $"nguoidung.{unitCode.ToLowerInvariant()}@demo.hanoi.invalid";
        await app.CreateUserAsync(email, "Unit-Password-1");
        (await admin.PostAsJsonAsync($"/api/units/{await UnitIdAsync(app, unitCode)}/members", new { email, role = "focal-officer" })).EnsureSuccessStatusCode();
        return await app.LoginAsync(email, "Unit-Password-1");
    }

    [Fact]
    public async Task Launching_sends_the_numbered_publication_notice_with_its_pdf_a_preview_issues_nothing_and_other_units_cannot_download()
    {
        var admin = await app.LoginAsAdminAsync();
        await app.ImportHanoiUnitsAsync(admin);
        var departments = await TestIndexSets.UploadAsync(admin, TestIndexSets.Small($"nd-{Guid.NewGuid():N}"[..18], "department"));
        var campaign = await TestCampaigns.CreateAsync(admin, new() { ["department"] = departments });
        app.Clock.SetUtcNow(new DateTimeOffset(2025, 11, 1, 1, 0, 0, TimeSpan.Zero));
        await app.FireDueTimersAsync();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var report = await scope.ServiceProvider.GetRequiredService<OutboxDelivery>().DeliverDueAsync(1000, CancellationToken.None);
            Assert.True(report.Sent > 0 && report.Failed == 0, report.ToString());
        }
        admin = await app.LoginAsAdminAsync();

        var register = (await admin.GetFromJsonAsync<JsonElement[]>($"/api/documents?campaignId={campaign}"))!;
        var publication = register.Single(d => d.GetProperty("template").GetString() == "index-publication");
        var number = publication.GetProperty("number").GetString()!;
        Assert.Matches("^\\d+/TB-UBND$", number);

        var mail = app.Smtp!.Messages().Single(m => m.To.Mailboxes.Single().Address == "daumoi.snv@demo.hanoi.invalid"
            && m.Subject == "Về việc công bố Bộ chỉ số đánh giá chuyển đổi số năm 2025");
        Assert.Contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", mail.HtmlBody, StringComparison.Ordinal);
        Assert.Contains(number, mail.HtmlBody, StringComparison.Ordinal);
        // Without a letterhead the authority's own name is printed in full ("UBND" written out).
        Assert.Contains("ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI", mail.HtmlBody, StringComparison.Ordinal);
        var pdf = PdfText(await BytesAsync(mail.Attachments.Single(a => a.ContentType.MimeType == "application/pdf")));
        Assert.Contains(Squeeze("Độc lập - Tự do - Hạnh phúc"), pdf, StringComparison.Ordinal);
        Assert.Contains(Squeeze(number), pdf, StringComparison.Ordinal);
        Assert.Contains(Squeeze("Bộ chỉ số"), pdf, StringComparison.Ordinal);
        // The opening is one numbered document too; each unit's PDF carries its own name.
        var opening = app.Smtp.Messages().Single(m => m.To.Mailboxes.Single().Address == "daumoi.snv@demo.hanoi.invalid" && m.Subject!.Contains("mở kỳ", StringComparison.Ordinal));
        Assert.Contains(Squeeze("Sở Nội vụ"), PdfText(await BytesAsync(opening.Attachments.Single())), StringComparison.Ordinal);

        // A preview with the campaign's own data: the unit's copy as it would be issued, with nothing numbered or filed.
        var snv = await UnitIdAsync(app, "SNV");
        var preview = await admin.PostAsJsonAsync("/api/template-previews", new { notice = "self-assessment-opening", campaignId = campaign, unitId = snv });
        Assert.Equal(HttpStatusCode.OK, preview.StatusCode);
        var rendered = await preview.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains("Sở Nội vụ", rendered.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Contains("Đánh giá chuyển đổi số năm 2025", rendered.GetProperty("html").GetString(), StringComparison.Ordinal);
        var filed = await admin.PostAsJsonAsync("/api/template-previews", new { notice = "deadline-closed", campaignId = campaign });
        Assert.Equal(HttpStatusCode.OK, filed.StatusCode);
        Assert.Equal(register.Length, (await admin.GetFromJsonAsync<JsonElement[]>($"/api/documents?campaignId={campaign}"))!.Length);
        // Refused with what and where: a notice without a builder, one whose data does not exist yet, a unit outside the campaign, an unknown campaign.
        var noBuilder = await admin.PostAsJsonAsync("/api/template-previews", new { notice = "clarification-request", campaignId = campaign });
        Assert.Equal(HttpStatusCode.BadRequest, noBuilder.StatusCode);
        Assert.Contains("clarification-request", await noBuilder.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var notYet = await admin.PostAsJsonAsync("/api/template-previews", new { notice = "award-decision", campaignId = campaign });
        Assert.Equal(HttpStatusCode.Conflict, notYet.StatusCode);
        Assert.Contains("Đợt đánh giá chưa có số liệu cho thông báo “award-decision” (ví dụ: chưa xác nhận khen thưởng)", await notYet.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var commune = await UnitIdAsync(app, "P-BA-DINH");
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsJsonAsync("/api/template-previews", new { notice = "self-assessment-opening", campaignId = campaign, unitId = commune })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsJsonAsync("/api/template-previews", new { notice = "deadline-closed", campaignId = Guid.NewGuid() })).StatusCode);

        // Downloads: a unit addressed reads the document; a unit outside the campaign gets 404, as for a document that does not exist.
        var id = publication.GetProperty("id").GetGuid();
        var own = await UnitUserAsync(app, admin, "SNV");
        var download = await own.GetAsync($"/api/documents/{id}/pdf");
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Contains(Squeeze(number), PdfText(await download.Content.ReadAsByteArrayAsync()), StringComparison.Ordinal);
        var other = await UnitUserAsync(app, admin, "P-BA-DINH");
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/documents/{id}/pdf")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"/api/documents/{id}/html")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await own.PostAsJsonAsync("/api/template-previews", new { notice = "deadline-closed", campaignId = campaign })).StatusCode);
    }
}

public sealed class NoticeDeliveryTests_Postgres(PostgresMailApp app) : NoticeDeliveryTests(app), IClassFixture<PostgresMailApp>;

public sealed class NoticeDeliveryTests_Sqlite(SqliteMailApp app) : NoticeDeliveryTests(app), IClassFixture<SqliteMailApp>;
