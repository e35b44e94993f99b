using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dtx.Campaign.Server.Audit;
using Dtx.Campaign.Server.Awards;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Hosting;
using Dtx.Campaign.Server.Signing;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Dtx.Campaign.Server.Tests.Notices;

/// <summary>
/// A server configured with the Hanoi authority's signing certificate (a throwaway PKCS#12 made here): every notice
/// and certificate it issues is signed and poppler's <c>pdfsig</c> validates it; the public page names the signer and
/// checks an uploaded file (ours, altered, signed by a stranger, not a PDF). The chair revokes a certificate with a
/// reason: audited, said by the public page and API, not printed again, and the campaign's batch is printed without
/// it. A wrong password or an expired certificate stops the start naming the authority.
/// </summary>
public abstract partial class SignedCertificateTests(SigningApp app)
{
    [Fact]
    public async Task Issued_notices_and_certificates_are_signed_by_the_authority_and_the_public_page_checks_a_file()
    {
        var admin = await app.LoginAsAdminAsync();
        var campaign = await CampaignWithAwardsAsync(admin, "sg");

        // A notice from the register (the publication notice launch issued), as a unit downloads it.
        var register = await admin.GetFromJsonAsync<JsonElement[]>($"/api/documents?campaignId={campaign}");
        var noticePdf = await admin.GetByteArrayAsync($"/api/documents/{register![0].GetProperty("id").GetGuid()}/pdf");
        var certificatePdf = await admin.GetByteArrayAsync($"/api/campaigns/{campaign}/certificates/BK-SG-2025-0001.pdf");
        foreach (var (name, pdf) in new[] { ("notice", noticePdf), ("certificate", certificatePdf) })
        {
            var path = Path.Combine(app.Folder, name + ".pdf");
            await File.WriteAllBytesAsync(path, pdf);
            var pdfsig = await ToolsAsync("pdfsig", path);
            Assert.Contains("Signature Validation: Signature is Valid.", pdfsig, StringComparison.Ordinal);
            Assert.Contains(SigningApp.SignerName, pdfsig, StringComparison.Ordinal);
            // No "not signed" note on a signed copy.
            Assert.DoesNotContain("chưa được ký số", NoticeDeliveryTests.PdfText(pdf), StringComparison.Ordinal);
        }

        // The public check of the certificate names who signs its electronic copy.
        var anyone = app.CreateClient();
        var page = await anyone.GetStringAsync("/public/certificates?serial=BK-SG-2025-0001&code=ABCDEFGHJK");
        Assert.Contains("data-genuine=\"true\"", page, StringComparison.Ordinal);
        Assert.Contains("được ký số bởi CN=" + SigningApp.SignerName, WebUtility.HtmlDecode(page), StringComparison.Ordinal);

        // A file checked on the page: ours and intact; the same with one byte flipped; signed by a stranger with the same name; not a PDF.
        var ours = await CheckFileAsync(anyone, certificatePdf);
        Assert.Equal("intact", ours.Verdict);
        Assert.Contains("Chứng thư số của cơ quan ban hành HN trên hệ thống này", ours.Text, StringComparison.Ordinal);
        Assert.Contains("01/10/2025", ours.Text, StringComparison.Ordinal);   // signed on the app's clock, shown in Hanoi time
        var flipped = (byte[])certificatePdf.Clone();
        flipped[flipped.Length / 3] ^= 0x01;
        Assert.Equal("altered", (await CheckFileAsync(anyone, flipped)).Verdict);
        using (var stranger = SigningApp.Pkcs12(Path.Combine(app.Folder, "stranger.p12"), DateTimeOffset.UtcNow.AddYears(1)))
        {
            using var signer = Documents.DocumentSigner.Load(Path.Combine(app.Folder, "stranger.p12"), SigningApp.Password, app.Clock);
            var forged = Documents.CertificatePdfWriter.Write(new Documents.CertificateOfMerit
            {
                Authority = Documents.Samples.Authority, Awardee = "Sở Nội vụ", Class = Documents.AwardClass.First, CampaignName = "Đánh giá chuyển đổi số", Year = 2025,
                Serial = "BK-SG-2025-0001", VerificationCode = "ABCDEFGHJK", VerificationUrl = new Uri("https://dtx.example/public/certificates"),
                DecisionNumber = "7/QĐ-UBND", Category = "khối Sở, ban, ngành", IssuedAt = app.Clock.GetUtcNow(), TimeZoneId = "Asia/Ho_Chi_Minh", Signer = Documents.Samples.Signer,
            }, signer: signer);
            var foreign = await CheckFileAsync(anyone, forged);
            Assert.Equal("intact", foreign.Verdict);   // a valid signature …
            Assert.Contains("không phải của cơ quan ban hành nào trên hệ thống này", foreign.Text, StringComparison.Ordinal);   // … by nobody we know
        }
        Assert.Equal("problem", (await CheckFileAsync(anyone, "<html>not a pdf</html>"u8.ToArray())).Verdict);
        Assert.Equal("unsigned", (await CheckFileAsync(anyone, "%PDF-1.7\n%%EOF\n"u8.ToArray())).Verdict);
        // A forged byte range with offsets beyond any number gets an answer, not an error.
        Assert.Equal("altered", (await CheckFileAsync(anyone, "%PDF-1.7\n/ByteRange [0 99999999999999999999999 1 2]\n%%EOF"u8.ToArray())).Verdict);
    }

    [Fact]
    public async Task The_chair_revokes_a_certificate_with_a_reason_and_the_public_check_says_so()
    {
        var admin = await app.LoginAsAdminAsync();
        var campaign = await CampaignWithAwardsAsync(admin, "rv");
        var url = $"/api/campaigns/{campaign}/certificates/BK-RV-2025-0002/revocation";
        await EnsureChairAsync();
        var chair = await app.LoginAsync(TestCampaigns.ChairEmail, PublishedCampaign.ChairPassword);

        // Only the chair, only with a reason, only a certificate of this campaign; every refusal in Vietnamese.
        var byAdmin = await admin.PostAsJsonAsync(url, new { reason = "Sai minh chứng" });
        Assert.Equal(HttpStatusCode.Forbidden, byAdmin.StatusCode);
        Assert.Contains("chỉ Chủ tịch Hội đồng thẩm định mới được thu hồi bằng khen", await byAdmin.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var noReason = await chair.PostAsJsonAsync(url, new { reason = "  " });
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Contains("nêu lý do thu hồi", await noReason.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var unknown = await chair.PostAsJsonAsync($"/api/campaigns/{campaign}/certificates/BK-RV-2025-0999/revocation", new { reason = "Sai minh chứng" });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("không có bằng khen số BK-RV-2025-0999", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        const string reason = "Kết luận thanh tra số 12/KL-TTr: minh chứng chỉ tiêu 3.1 không đúng sự thật";
        var revoked = await chair.PostAsJsonAsync(url, new { reason });
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        var again = await chair.PostAsJsonAsync(url, new { reason });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("đã bị thu hồi ngày 01/10/2025", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Audited once, with who, what and why.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CampaignDbContext>();
            var entries = await db.Set<AuditEntry>().AsNoTracking().Where(e => e.Action == "certificate.revoked" && e.CampaignId == campaign).ToListAsync();
            var entry = Assert.Single(entries);
            Assert.Equal(TestCampaigns.ChairEmail, entry.Actor);
            Assert.Equal(reason, entry.Detail);
            Assert.Contains("BK-RV-2025-0002", entry.After, StringComparison.Ordinal);
        }

        // The public page and API say it was revoked, when and why; the other certificates stay valid.
        var anyone = app.CreateClient();
        var page = WebUtility.HtmlDecode(await anyone.GetStringAsync("/public/certificates?serial=BK-RV-2025-0002&code=MNPQRSTUVW"));
        Assert.Contains("data-revoked=\"true\"", page, StringComparison.Ordinal);
        Assert.Contains("Bằng khen này đã bị thu hồi, không còn giá trị.", page, StringComparison.Ordinal);
        Assert.Contains(reason, page, StringComparison.Ordinal);
        Assert.Contains("01/10/2025", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Bằng khen hợp lệ.", page, StringComparison.Ordinal);
        var json = await anyone.GetFromJsonAsync<JsonElement>("/api/public/certificates/BK-RV-2025-0002?code=MNPQRSTUVW");
        Assert.True(json.GetProperty("revoked").GetBoolean());
        Assert.Equal(reason, json.GetProperty("revocationReason").GetString());
        Assert.Contains("Bằng khen hợp lệ.", await anyone.GetStringAsync("/public/certificates?serial=BK-RV-2025-0001&code=ABCDEFGHJK"), StringComparison.Ordinal);

        // It is not printed again; the awards list shows the revocation.
        var print = await admin.GetAsync($"/api/campaigns/{campaign}/certificates/BK-RV-2025-0002.pdf");
        Assert.Equal(HttpStatusCode.Conflict, print.StatusCode);
        Assert.Contains("đã bị thu hồi; không in lại", await print.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        // The campaign's "every certificate" PDF is printed again without it.
        var all = $"/api/campaigns/{campaign}/certificates/all.pdf";
        Assert.Equal(HttpStatusCode.Conflict, (await admin.GetAsync(all)).StatusCode);
        await using (var scope = app.Services.CreateAsyncScope())
            Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<Certificates.CertificatePrinter>().RunPendingAsync(CancellationToken.None));
        using (var reprinted = UglyToad.PdfPig.PdfDocument.Open(await admin.GetByteArrayAsync(all)))
        {
            Assert.Equal(2, reprinted.NumberOfPages);
            var text = string.Concat(reprinted.GetPages().Select(p => p.Text));
            Assert.Contains("BK-RV-2025-0001", text, StringComparison.Ordinal);
            Assert.DoesNotContain("BK-RV-2025-0002", text, StringComparison.Ordinal);
        }
        var awards = await admin.GetFromJsonAsync<JsonElement[]>($"/api/campaigns/{campaign}/awards");
        Assert.Equal(reason, awards!.Single(a => a.GetProperty("serial").GetString() == "BK-RV-2025-0002").GetProperty("revocationReason").GetString());
    }

    [Fact]
    public void A_wrong_password_or_an_expired_certificate_stops_the_start_naming_the_authority()
    {
        var expired = Path.Combine(app.Folder, "expired.p12");
        SigningApp.Pkcs12(expired, DateTimeOffset.UtcNow.AddYears(-1)).Dispose();
        var environment = new TestEnvironment(app.Folder);
        AuthoritySigners Open(string path, string password) => new(Options.Create(new SigningOptions
        {
            Authorities = { ["HN"] = new AuthorityCertificate { Certificate = path, Password = password } },
        }), environment, TimeProvider.System);

        var wrong = Assert.Throws<StartupRefusedException>(() => Open(app.CertificatePath, "not the password"));
        Assert.StartsWith("Signing:Authorities:HN: ", wrong.Message, StringComparison.Ordinal);
        Assert.Contains("sai mật khẩu", wrong.Message, StringComparison.Ordinal);
        var old = Assert.Throws<StartupRefusedException>(() => Open("expired.p12", SigningApp.Password));   // relative to the server's folder
        Assert.Contains("đã hết hạn", old.Message, StringComparison.Ordinal);
        Assert.Contains(expired, old.Message, StringComparison.Ordinal);
        Assert.Contains("không có tệp chứng thư số", Assert.Throws<StartupRefusedException>(() => Open(Path.Combine(app.Folder, "none.p12"), "x")).Message,
            StringComparison.Ordinal);
        using var fine = Open(app.CertificatePath, SigningApp.Password);
        Assert.NotNull(fine.For("hn"));
        Assert.Null(fine.For("DT"));
    }

    private sealed class TestEnvironment(string root) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = "Testing";
        public string ApplicationName { get; set; } = "test";
        public string ContentRootPath { get; set; } = root;
        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
    }

    private async Task EnsureChairAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Dtx.Campaign.Server.Identity.AppUser>>();
        if (await users.FindByEmailAsync(TestCampaigns.ChairEmail) is null)
            await app.CreateUserAsync(TestCampaigns.ChairEmail, PublishedCampaign.ChairPassword);
    }

    /// <summary>A launched campaign (its publication notice issued) with three confirmed awards of the Hanoi authority.</summary>
    private async Task<Guid> CampaignWithAwardsAsync(HttpClient admin, string prefix)
    {
        await app.ImportHanoiUnitsAsync(admin);
        var set = await TestIndexSets.UploadAsync(admin, TestIndexSets.Small($"{prefix}-{Guid.NewGuid():N}"[..18], "department"));
        var campaign = await TestCampaigns.CreateAsync(admin, new() { ["department"] = set });
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CampaignDbContext>();
        var units = await db.Units.Where(u => u.Code == "SNV" || u.Code == "SYT" || u.Code == "STC").ToDictionaryAsync(u => u.Code);
        // Serials are unique across campaigns: each test's campaign has its own series (BK-SG-…, BK-RV-…).
        var series = prefix.ToUpperInvariant();
        Award Award(string code, AwardClass awardClass, int serial, string verification) => new()
        {
            Id = Guid.CreateVersion7(), CampaignId = campaign, UnitId = units[code].Id, UnitCode = code, UnitName = units[code].NameVi, Category = "department",
            Class = awardClass, Rank = serial, Percentage = 90 - serial, ConfirmedBy = TestCampaigns.ChairEmail, ConfirmedAt = app.Clock.GetUtcNow(),
            Serial = $"BK-{series}-2025-{serial:D4}", VerificationCode = verification, DecisionNumber = "7/QĐ-UBND",
        };
        db.AddRange(Award("SNV", AwardClass.First, 1, "ABCDEFGHJK"), Award("SYT", AwardClass.Second, 2, "MNPQRSTUVW"), Award("STC", AwardClass.Third, 3, "XYZ2345678"));
        await db.SaveChangesAsync();
        var printer = scope.ServiceProvider.GetRequiredService<Certificates.CertificatePrinter>();
        await printer.QueueAsync(campaign, 3, CancellationToken.None);
        Assert.Equal(1, await printer.RunPendingAsync(CancellationToken.None));
        return campaign;
    }

    private sealed record FileCheck(string Verdict, string Text);

    /// <summary>Uploads a file to the public page's check as a browser does: the page's antiforgery token with the form.</summary>
    private static async Task<FileCheck> CheckFileAsync(HttpClient client, byte[] pdf)
    {
        var form = await client.GetStringAsync("/public/certificates");
        var token = Token().Match(form).Groups[1].Value;
        using var content = new MultipartFormDataContent();
        content.Add(new StringContent(token), "__RequestVerificationToken");
        var file = new ByteArrayContent(pdf);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/pdf");
        content.Add(file, "file", "bang-khen.pdf");
        var response = await client.PostAsync("/public/certificates?handler=File", content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = WebUtility.HtmlDecode(await response.Content.ReadAsStringAsync());
        var verdict = Verdict().Match(page);
        Assert.True(verdict.Success, "the page shows no verdict on the file");
        return new(verdict.Groups[1].Value, page[verdict.Index..]);
    }

    private static async Task<string> ToolsAsync(string tool, string path)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(tool, [path]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return output + error;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex Token();

    [GeneratedRegex("id=\"file-verdict\" data-file=\"([a-z]+)\"")]
    private static partial Regex Verdict();
}

/// <summary>An app whose Hanoi authority (code HN) signs with a throwaway certificate valid around the app's clock.</summary>
public abstract class SigningApp(ITestDatabase database) : CampaignApp(database)
{
    public const string Password = "mật-khẩu ký số";
    public const string SignerName = "Sở Khoa học và Công nghệ Hà Nội";

    public string Folder { get; } = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "dtx-tests", "signing-" + Guid.NewGuid().ToString("N"))).FullName;

    public string CertificatePath => Path.Combine(Folder, "hn.p12");

    /// <summary>A self-signed signing certificate from 2020 until <paramref name="notAfter"/>, written as PKCS#12.</summary>
    public static X509Certificate2 Pkcs12(string path, DateTimeOffset notAfter)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={SignerName}, O=UBND Thành phố Hà Nội, C=VN", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation, true));
        var certificate = request.CreateSelfSigned(new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero), notAfter);
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, Password));
        return certificate;
    }

    protected override ValueTask AfterStopAsync()
    {
        // The folder holds private keys: it does not outlive the run.
        try { Directory.Delete(Folder, recursive: true); } catch (IOException) { }
        return ValueTask.CompletedTask;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        if (!File.Exists(CertificatePath))
            Pkcs12(CertificatePath, DateTimeOffset.UtcNow.AddYears(2)).Dispose();
        builder.UseSetting("Signing:Authorities:HN:Certificate", CertificatePath);
        builder.UseSetting("Signing:Authorities:HN:Password", Password);
    }
}

public sealed class PostgresSigningApp() : SigningApp(new PostgresTestDatabase());

public sealed class SqliteSigningApp() : SigningApp(new SqliteTestDatabase());

public sealed class SignedCertificateTests_Postgres(PostgresSigningApp app) : SignedCertificateTests(app), IClassFixture<PostgresSigningApp>;

public sealed class SignedCertificateTests_Sqlite(SqliteSigningApp app) : SignedCertificateTests(app), IClassFixture<SqliteSigningApp>;
