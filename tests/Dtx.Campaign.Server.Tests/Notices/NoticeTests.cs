using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Email;
using Dtx.Campaign.Server.Notices;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using UglyToad.PdfPig;

namespace Dtx.Campaign.Server.Tests.Notices;

/// <summary>
/// Official notices from the Scriban templates: numbered in the authority's register without gaps, sent by
/// e-mail with their PDF, rendered again exactly as issued; templates versioned, refused with line and column.
/// </summary>
[LongRunning]
public abstract class NoticeTests(CampaignApp app)
{
    private async Task<OutboxDelivery.Report> DeliverAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<OutboxDelivery>().DeliverDueAsync(1000, CancellationToken.None);
    }

    /// <summary>A PDF's text without white space (PdfPig joins words as laid out), to look for phrases with <see cref="Squeeze"/>.</summary>
    private static string PdfText(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return Squeeze(string.Concat(document.GetPages().Select(p => p.Text)));
    }

    private static string Squeeze(string text) => string.Concat(text.Where(c => !char.IsWhiteSpace(c)));

    [Fact]
    public async Task Notices_are_numbered_sent_with_their_pdf_and_rendered_again_with_the_template_versions_they_used()
    {
        var admin = await app.LoginAsAdminAsync();
        await app.ImportHanoiUnitsAsync(admin);
        (await admin.PutAsJsonAsync("/api/authorities/HN/letterhead", new
        {
            parentName = "", issuerName = "ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI", place = "Hà Nội", symbol = "UBND",
            signerCapacity = "KT. CHỦ TỊCH", signerTitle = "PHÓ CHỦ TỊCH", signerName = "Nguyễn Văn Phong",
        })).EnsureSuccessStatusCode();
        var refused = await admin.PutAsJsonAsync("/api/authorities/HN/letterhead", new { issuerName = "", place = "Hà Nội", symbol = "UB ND", signerCapacity = "x", signerTitle = "y", signerName = "z" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("symbol", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // A signer's name the document font cannot draw would print as a box under the signature: refused, naming the character.
        var unprintable = await admin.PutAsJsonAsync("/api/authorities/HN/letterhead", new
        {
            parentName = "", issuerName = "ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI", place = "Hà Nội", symbol = "UBND",
            signerCapacity = "KT. CHỦ TỊCH", signerTitle = "PHÓ CHỦ TỊCH", signerName = "Nguyễn Văn 😀",
        });
        Assert.Equal(HttpStatusCode.BadRequest, unprintable.StatusCode);
        var unprintableText = await unprintable.Content.ReadAsStringAsync();
        Assert.Contains("signerName", unprintableText, StringComparison.Ordinal);
        Assert.Contains("U+1F600", unprintableText, StringComparison.Ordinal);
        Assert.Contains("không in được", unprintableText, StringComparison.Ordinal);
        Assert.Equal("Nguyễn Văn Phong", (await admin.GetFromJsonAsync<JsonElement>("/api/authorities/HN/letterhead")).GetProperty("signerName").GetString());

        // A template with a syntax error is refused with line and column; nothing is stored.
        const string opening = "notices/self-assessment-opening.vi.text";
        var broken = await admin.PutAsJsonAsync($"/api/templates/{opening}", new { content = "Kính gửi {{ unit.name \n{{ end }}" });
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        var problem = await broken.Content.ReadFromJsonAsync<JsonElement>();
        var error = problem.GetProperty("errors")[0];
        Assert.True(error.GetProperty("line").GetInt32() >= 1 && error.GetProperty("column").GetInt32() >= 1, problem.ToString());
        Assert.Equal(1, (await admin.GetFromJsonAsync<JsonElement>($"/api/templates/{opening}")).GetProperty("versions").GetArrayLength());
        // A new version is used from now on and recorded on the documents issued with it.
        var current = (await admin.GetFromJsonAsync<JsonElement>($"/api/templates/{opening}")).GetProperty("content").GetString()!;
        var saved = await admin.PutAsJsonAsync($"/api/templates/{opening}", new { content = "Xin chào đơn vị mới (mẫu v2).\n" + current });
        Assert.Equal(2, (await saved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32());
        var preview = await admin.PostAsJsonAsync("/api/template-previews", new { notice = "self-assessment-opening", drafts = new Dictionary<string, string> { [opening] = "Bản nháp {{ unit.code }}" } });
        Assert.Equal("Bản nháp SYT", (await preview.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("text").GetString()!.Trim());

        var departments = await TestIndexSets.UploadAsync(admin, TestIndexSets.Small($"nt-{Guid.NewGuid():N}"[..18], "department"));
        var communes = await TestIndexSets.UploadAsync(admin, TestIndexSets.Small($"ntc-{Guid.NewGuid():N}"[..18], "commune"));
        var campaign = await TestCampaigns.CreateAsync(admin, new() { ["department"] = departments, ["commune"] = communes });
        app.Clock.SetUtcNow(new DateTimeOffset(2025, 11, 1, 1, 0, 0, TimeSpan.Zero));
        await app.FireDueTimersAsync();
        admin = await app.LoginAsAdminAsync();
        // Saved after the notices were issued and before their e-mails go: each e-mail is rendered when it is sent, with the
        // versions its document recorded, so it reads as issued.
        (await admin.PutAsJsonAsync($"/api/templates/{opening}", new { content = "Mẫu v3 {{ unit.name }}" })).EnsureSuccessStatusCode();
        Assert.Equal(new OutboxDelivery.Report(286, 0), await DeliverAsync());

        // Two documents: the publication notice (1/TB-UBND) and the opening (2/TB-UBND), each sent to every unit.
        var register = await admin.GetFromJsonAsync<JsonElement[]>($"/api/documents?campaignId={campaign}");
        Assert.Equal(["1/TB-UBND", "2/TB-UBND"], register!.Select(d => d.GetProperty("number").GetString()).Order().ToList());
        var openingDocument = register!.Single(d => d.GetProperty("template").GetString() == "self-assessment-opening");
        Assert.Equal(2, openingDocument.GetProperty("templateVersions").GetProperty(opening).GetInt32());

        var snv = app.Smtp!.Messages().Single(m => m.To.Mailboxes.Single().Address == "daumoi.snv@demo.hanoi.invalid" && m.Subject?.Contains("mở kỳ", StringComparison.Ordinal) == true);
        Assert.Contains("Xin chào đơn vị mới (mẫu v2).", snv.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("Mẫu v3", snv.TextBody + snv.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("Sở Nội vụ", snv.TextBody, StringComparison.Ordinal);
        Assert.Contains("2/TB-UBND", snv.HtmlBody, StringComparison.Ordinal);
        Assert.Contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", snv.HtmlBody, StringComparison.Ordinal);
        var attachment = (MimeKit.MimePart)snv.Attachments.Single();
        Assert.Equal("2-TB-UBND.pdf", attachment.FileName);
        using var content = new MemoryStream();
        await attachment.Content!.DecodeToAsync(content);
        var pdfText = PdfText(content.ToArray());
        Assert.Contains(Squeeze("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), pdfText, StringComparison.Ordinal);
        Assert.Contains(Squeeze("Sở Nội vụ"), pdfText, StringComparison.Ordinal);
        Assert.Contains(Squeeze("Nguyễn Văn Phong"), pdfText, StringComparison.Ordinal);

        // The filed document renders again as HTML, PDF and DOCX; a version saved later changes nothing in it.
        (await admin.PutAsJsonAsync($"/api/templates/{opening}", new { content = "Mẫu v4 {{ unit.name }}" })).EnsureSuccessStatusCode();
        var id = openingDocument.GetProperty("id").GetGuid();
        var html = await admin.GetStringAsync($"/api/documents/{id}/html");
        Assert.Contains("2/TB-UBND", html, StringComparison.Ordinal);
        var text = await admin.GetFromJsonAsync<JsonElement>($"/api/documents?campaignId={campaign}");
        Assert.Equal(2, text.GetArrayLength());
        var pdf = await admin.GetAsync($"/api/documents/{id}/pdf");
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType!.MediaType);
        Assert.Contains(Squeeze("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), PdfText(await pdf.Content.ReadAsByteArrayAsync()), StringComparison.Ordinal);
        var docx = await admin.GetAsync($"/api/documents/{id}/docx");
        Assert.Equal(HttpStatusCode.OK, docx.StatusCode);
        Assert.Equal((byte)'P', (await docx.Content.ReadAsByteArrayAsync())[0]);   // a zip package

        // Only administrators and the units addressed read a document: someone with no unit gets 404.
        await app.CreateUserAsync("outsider@demo.hanoi.invalid", "Reader-Password-1");
        var outsider = await app.LoginAsync("outsider@demo.hanoi.invalid", "Reader-Password-1");
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync($"/api/documents/{id}/pdf")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await outsider.GetAsync("/api/templates")).StatusCode);

        // A campaign launched before launch required a letterhead has none: its documents are refused in Vietnamese, naming
        // the authority and where to set it, instead of printed without a signer; no number is taken. Set, they are issued.
        Guid snvId;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CampaignDbContext>();
            await db.Set<Letterhead>().ExecuteDeleteAsync();
            snvId = await db.Units.Where(u => u.Code == "SNV").Select(u => u.Id).SingleAsync();
        }
        var unsigned = await admin.PostAsJsonAsync($"/api/campaigns/{campaign}/reminders", new { units = new[] { snvId } });
        Assert.Equal(HttpStatusCode.Conflict, unsigned.StatusCode);
        var why = await unsigned.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("letterhead.not-set", why.GetProperty("code").GetString());
        Assert.StartsWith("chưa khai báo tiêu đề văn bản và người ký của UBND Thành phố Hà Nội", why.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("/admin/letterheads", why.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(2, (await admin.GetFromJsonAsync<JsonElement>($"/api/documents?campaignId={campaign}")).GetArrayLength());
        await TestCampaigns.EnsureLetterheadAsync(admin);
        var reminded = await admin.PostAsJsonAsync($"/api/campaigns/{campaign}/reminders", new { units = new[] { snvId } });
        Assert.Equal(HttpStatusCode.OK, reminded.StatusCode);
        Assert.Equal("3/TB-UBND", (await reminded.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("document").GetString());
    }

    [Fact]
    public async Task The_register_gives_every_number_once_and_none_is_lost_under_concurrent_issuing()
    {
        var admin = await app.LoginAsAdminAsync();
        await app.ImportHanoiUnitsAsync(admin);
        Guid authority;
        await using (var scope = app.Services.CreateAsyncScope())
            authority = await scope.ServiceProvider.GetRequiredService<CampaignDbContext>().Authorities.Where(a => a.Code == "HN").Select(a => a.Id).SingleAsync();

        // Twenty issuers at once; every fourth gives up (rolls back) after taking its number.
        var taken = await Task.WhenAll(Enumerable.Range(0, 20).Select(async i =>
        {
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CampaignDbContext>();
            var register = scope.ServiceProvider.GetRequiredService<DocumentRegister>();
            await using var transaction = await db.Database.BeginTransactionAsync();
            var number = await register.NextNumberAsync(authority, 2031, CancellationToken.None);
            if (i % 4 == 0)
            {
                await transaction.RollbackAsync();
                return (int?)null;
            }
            await transaction.CommitAsync();
            return number;
        }));
        var committed = taken.OfType<int>().Order().ToList();
        Assert.Equal(Enumerable.Range(1, 15).ToList(), committed);
    }
}

public sealed class NoticeTests_Postgres(PostgresMailApp app) : NoticeTests(app), IClassFixture<PostgresMailApp>;

public sealed class NoticeTests_Sqlite(SqliteMailApp app) : NoticeTests(app), IClassFixture<SqliteMailApp>;
