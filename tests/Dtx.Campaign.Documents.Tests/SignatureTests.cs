using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Dtx.Campaign.Documents.Tests;

/// <summary>
/// Issued PDFs signed with the authority's PKCS#12 certificate (a throwaway one made here) as PAdES B-B: poppler's pdfsig
/// validates the signature and names its type, <see cref="DocumentVerifier"/> names the signer and time and catches a byte flipped anywhere in the
/// signed bytes; a wrong password or an expired certificate is refused when loaded; unsigned documents say so on the page.
/// </summary>
public sealed class SignatureTests : IDisposable
{
    private const string Password = "mật-khẩu 2025";
    private readonly string _folder = TestOutput.Folder("signatures");

    private string Pkcs12(string name, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=Sở Khoa học và Công nghệ, O=UBND Thành phố Hà Nội, C=VN", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.NonRepudiation, true));
        using var certificate = request.CreateSelfSigned(notBefore, notAfter);
        var path = Path.Combine(_folder, name + ".p12");
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pkcs12, Password));
        return path;
    }

    private string ValidPkcs12() => Pkcs12("authority", DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));

    [Fact]
    public void A_signed_notice_validates_in_pdfsig_and_in_our_verifier_and_a_flipped_byte_is_caught()
    {
        using var signer = DocumentSigner.Load(ValidPkcs12(), Password);
        var notice = Samples.AwardDecision;
        var pdf = NoticePdfWriter.Write(notice, Shipped.Renderer().RenderNotice(notice), "vi", signer);
        var path = Tools.Save(pdf, "signatures", "award-decision.signed");

        var pdfsig = Tools.Run("pdfsig", path);
        Assert.Contains("Signature Validation: Signature is Valid.", pdfsig, StringComparison.Ordinal);
        Assert.Contains("SHA-256", pdfsig, StringComparison.Ordinal);
        Assert.Contains("Signature Type: ETSI.CAdES.detached", pdfsig, StringComparison.Ordinal);
        Assert.Contains("Sở Khoa học và Công nghệ", pdfsig, StringComparison.Ordinal);

        var report = DocumentVerifier.Verify(pdf);
        Assert.True(report.Signed && report.Intact, report.Detail);
        Assert.Contains("CN=Sở Khoa học và Công nghệ", report.Signer, StringComparison.Ordinal);
        Assert.NotNull(report.SignedAt);
        Assert.InRange(report.SignedAt!.Value, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.DoesNotContain("chưa được ký số", Tools.PdfToText(path), StringComparison.Ordinal);

        // A byte flipped in the text, in the middle of the file, and at its very end: each copy is reported as altered.
        foreach (var at in new[] { pdf.Length / 3, pdf.Length / 2, pdf.Length - 2 })
        {
            var copy = (byte[])pdf.Clone();
            copy[at] ^= 0x01;
            var altered = DocumentVerifier.Verify(copy);
            Assert.True(altered.Signed && !altered.Intact, $"flipping byte {at} went unnoticed: {altered.Detail}");
        }

        // Bytes added after signing (an incremental update) are not covered: not intact either.
        Assert.False(DocumentVerifier.Verify([.. pdf, .. "\n% added\n"u8.ToArray()]).Intact);
    }

    [Fact]
    public void A_signed_certificate_of_merit_validates_in_pdfsig()
    {
        using var signer = DocumentSigner.Load(ValidPkcs12(), Password);
        var path = Tools.Save(CertificatePdfWriter.Write(Samples.Certificate, "vi", signer), "signatures", "certificate.signed");
        var pdfsig = Tools.Run("pdfsig", path);
        Assert.Contains("Signature Validation: Signature is Valid.", pdfsig, StringComparison.Ordinal);
        Assert.Contains("Signature Type: ETSI.CAdES.detached", pdfsig, StringComparison.Ordinal);
        Assert.True(DocumentVerifier.Verify(File.ReadAllBytes(path)).Intact);
    }

    [Fact]
    public void A_certificate_swapped_into_the_signature_is_caught_by_the_signed_certificate_binding()
    {
        using var key = RSA.Create(2048);
        var issuer = new X500DistinguishedName("CN=Sở Khoa học và Công nghệ, O=UBND Thành phố Hà Nội, C=VN");
        byte[] serial = [0x11, 0x22, 0x33, 0x44];
        using var genuine = Issue(key, issuer, issuer, serial);
        var path = Path.Combine(_folder, "genuine.p12");
        File.WriteAllBytes(path, genuine.CopyWithPrivateKey(key).Export(X509ContentType.Pkcs12, Password));
        using var signer = DocumentSigner.Load(path, Password);
        var pdf = NoticePdfWriter.Write(Samples.AwardDecision, Shipped.Renderer().RenderNotice(Samples.AwardDecision), "vi", signer);
        Assert.True(DocumentVerifier.Verify(pdf).Intact);

        // Someone holding a certificate for the same key under another name (same issuer and serial, so the signer info
        // still finds it) puts it in place of the genuine one: the signature value still checks, the binding does not.
        using var impostor = Issue(key, new X500DistinguishedName("CN=Kẻ mạo danh, C=VN"), issuer, serial);
        var text = System.Text.Encoding.Latin1.GetString(pdf);
        var start = text.IndexOf("/Contents<", StringComparison.Ordinal) + "/Contents<".Length;
        var end = text.IndexOf('>', start);
        var cms = new System.Security.Cryptography.Pkcs.SignedCms();
        cms.Decode(new System.Formats.Asn1.AsnReader(Convert.FromHexString(text[start..end]), System.Formats.Asn1.AsnEncodingRules.BER).ReadEncodedValue().Span);
        cms.RemoveCertificate(cms.Certificates[0]);
        cms.AddCertificate(impostor);
        var swapped = Convert.ToHexString(cms.Encode()).PadRight(end - start, '0');
        var forged = System.Text.Encoding.Latin1.GetBytes(text[..start] + swapped + text[end..]);

        var report = DocumentVerifier.Verify(forged);
        Assert.False(report.Intact, report.Detail);
        Assert.Contains("không phải chứng thư đã ký", report.Detail, StringComparison.Ordinal);
    }

    private static X509Certificate2 Issue(RSA key, X500DistinguishedName subject, X500DistinguishedName issuer, byte[] serial)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return request.Create(issuer, X509SignatureGenerator.CreateForRSA(key, RSASignaturePadding.Pkcs1),
            DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1), serial);
    }

    [Fact]
    public void Unsigned_documents_say_so_on_the_page_and_to_the_verifier()
    {
        var notice = Samples.DeadlineReminder;
        var path = Tools.Save(NoticePdfWriter.Write(notice, Shipped.Renderer().RenderNotice(notice)), "signatures", "deadline-reminder.unsigned");
        Assert.Contains("Bản điện tử chưa được ký số", Tools.PdfToText(path), StringComparison.Ordinal);
        var certificate = Tools.Save(CertificatePdfWriter.Write(Samples.Certificate), "signatures", "certificate.unsigned");
        Assert.Contains("Bản điện tử chưa được ký số", Tools.PdfToText(certificate), StringComparison.Ordinal);
        var report = DocumentVerifier.Verify(File.ReadAllBytes(path));
        Assert.False(report.Signed);
    }

    [Fact]
    public void A_wrong_password_or_an_expired_certificate_is_refused_naming_the_file()
    {
        var valid = ValidPkcs12();
        var wrong = Assert.Throws<DocumentSignerException>(() => DocumentSigner.Load(valid, "not the password"));
        Assert.Contains(valid, wrong.Message, StringComparison.Ordinal);
        Assert.Contains("sai mật khẩu", wrong.Message, StringComparison.Ordinal);

        var expired = Pkcs12("expired", DateTimeOffset.UtcNow.AddYears(-2), DateTimeOffset.UtcNow.AddDays(-1));
        var refused = Assert.Throws<DocumentSignerException>(() => DocumentSigner.Load(expired, Password));
        Assert.Contains(expired, refused.Message, StringComparison.Ordinal);
        Assert.Contains("expired", refused.Message, StringComparison.Ordinal);

        Assert.Throws<DocumentSignerException>(() => DocumentSigner.Load(Path.Combine(_folder, "missing.p12"), Password));
    }

    public void Dispose()
    {
        foreach (var key in Directory.GetFiles(_folder, "*.p12"))
            File.Delete(key);
    }
}
