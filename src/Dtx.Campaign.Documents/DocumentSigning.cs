using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.Pkcs;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.RegularExpressions;
using PdfSharp.Pdf;
using PdfSharp.Pdf.Signatures;

namespace Dtx.Campaign.Documents;

/// <summary>An authority's certificate or PKCS#12 file that cannot sign: wrong password, expired, no private key.</summary>
public sealed class DocumentSignerException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Signs issued PDFs (ký số) with the issuing authority's certificate: a PDF signature (adbe.pkcs7.detached CMS,
/// SHA-256, the signer's certificate included) written by PDFsharp's signature support, the CMS built by .NET's
/// <see cref="SignedCms"/>. Loaded once at start-up, so that a wrong password or an expired certificate stops the server.
/// </summary>
public sealed class DocumentSigner : IDisposable
{
    private readonly X509Certificate2 _certificate;
    private readonly TimeProvider _clock;

    private DocumentSigner(X509Certificate2 certificate, TimeProvider clock) => (_certificate, _clock) = (certificate, clock);

    /// <summary>The certificate's subject (e.g. "CN=Sở Khoa học và Công nghệ, O=UBND Thành phố Hà Nội").</summary>
    public string Subject => _certificate.Subject;

    public DateTimeOffset NotAfter => _certificate.NotAfter.ToUniversalTime();

    /// <summary>The certificate's SHA-256 thumbprint, as <see cref="SignatureReport.Thumbprint"/> reports a file's signer.</summary>
    public string Thumbprint => _certificate.GetCertHashString(HashAlgorithmName.SHA256);

    /// <summary>Opens a PKCS#12 (.p12/.pfx) file; refuses, naming the file, one it cannot open or that cannot sign now.</summary>
    public static DocumentSigner Load(string pkcs12Path, string? password, TimeProvider? clock = null)
    {
        clock ??= TimeProvider.System;
        // Checked first: the loader reports a missing file as a wrong password.
        if (!File.Exists(pkcs12Path))
            throw new DocumentSignerException($"không có tệp chứng thư số {pkcs12Path} / no such signing certificate file {pkcs12Path}");
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(pkcs12Path, password, X509KeyStorageFlags.EphemeralKeySet);
        }
        catch (CryptographicException ex)
        {
            throw new DocumentSignerException(
                $"Không mở được chứng thư số {pkcs12Path} (sai mật khẩu hoặc tệp hỏng) / cannot open the signing certificate {pkcs12Path}: wrong password or not a PKCS#12 file ({ex.Message})", ex);
        }
        catch (IOException ex)
        {
            throw new DocumentSignerException($"Không đọc được chứng thư số {pkcs12Path} / cannot read the signing certificate {pkcs12Path}: {ex.Message}", ex);
        }

        var now = clock.GetUtcNow();
        if (!certificate.HasPrivateKey)
            throw Refuse(certificate, $"chứng thư số {pkcs12Path} không có khóa bí mật / the signing certificate {pkcs12Path} holds no private key");
        if (now.UtcDateTime > certificate.NotAfter.ToUniversalTime())
            throw Refuse(certificate, $"chứng thư số {pkcs12Path} đã hết hạn ngày {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd} / the signing certificate {pkcs12Path} ({certificate.Subject}) expired on {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd}");
        if (now.UtcDateTime < certificate.NotBefore.ToUniversalTime())
            throw Refuse(certificate, $"chứng thư số {pkcs12Path} chưa có hiệu lực / the signing certificate {pkcs12Path} is not valid before {certificate.NotBefore.ToUniversalTime():yyyy-MM-dd}");
        return new DocumentSigner(certificate, clock);
    }

    private static DocumentSignerException Refuse(X509Certificate2 certificate, string message)
    {
        certificate.Dispose();
        return new DocumentSignerException(message);
    }

    /// <summary>Sets <paramref name="document"/> up to be signed when it is saved.</summary>
    internal void Prepare(PdfDocument document, string reason, string location) =>
        DigitalSignatureHandler.ForDocument(document, new CmsSigner(this), new DigitalSignatureOptions
        {
            Reason = reason, Location = location, AppName = "Dtx.Campaign", ContactInfo = _certificate.GetNameInfo(X509NameType.SimpleName, false),
        });

    public void Dispose() => _certificate.Dispose();

    private sealed class CmsSigner(DocumentSigner owner) : IDigitalSigner
    {
        public string CertificateName => owner._certificate.GetNameInfo(X509NameType.SimpleName, false);

        public DateTime? SignatureDate => owner._clock.GetUtcNow().UtcDateTime;

        // RSA-4096 signature, the certificate and its attributes fit well within 16 KB of hex.
        public Task<int> GetSignatureSizeAsync() => Task.FromResult(8192);

        public Task<byte[]> GetSignatureAsync(Stream stream)
        {
            using var buffer = new MemoryStream();
            // PDFsharp hands over its ranged stream positioned at its end; it cannot seek (CanSeek itself throws) but can be rewound.
            stream.Position = 0;
            var chunk = new byte[81920];
            int read;
            while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
                buffer.Write(chunk, 0, read);
            var cms = new SignedCms(new ContentInfo(buffer.ToArray()), detached: true);
            var signer = new System.Security.Cryptography.Pkcs.CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, owner._certificate)
            {
                DigestAlgorithm = new Oid("2.16.840.1.101.3.4.2.1"),   // SHA-256
                IncludeOption = X509IncludeOption.EndCertOnly,
            };
            signer.SignedAttributes.Add(new Pkcs9SigningTime(owner._clock.GetUtcNow().UtcDateTime));
            cms.ComputeSignature(signer);
            return Task.FromResult(cms.Encode());
        }
    }
}

/// <summary>
/// What <see cref="DocumentVerifier.Verify"/> found: <c>Signed</c> if the file carries a PDF signature; <c>Intact</c> if it
/// is valid for the bytes it covers and they reach the end of the file (nothing changed since signing); the signer's
/// certificate subject and SHA-256 thumbprint (anyone can make a certificate with any subject: the thumbprint says whose
/// it is), the signing time, and a bilingual sentence.
/// </summary>
public sealed record SignatureReport(bool Signed, bool Intact, string? Signer, DateTimeOffset? SignedAt, string Detail, string? Thumbprint = null);

/// <summary>Checks the last PDF signature of a file: who signed, when, and whether the file changed since.</summary>
public static partial class DocumentVerifier
{
    [GeneratedRegex(@"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")]
    private static partial Regex ByteRange();

    public static SignatureReport Verify(byte[] pdf)
    {
        ArgumentNullException.ThrowIfNull(pdf);
        try
        {
            return Check(pdf);
        }
        catch (Exception ex) when (ex is CryptographicException or AsnContentException or FormatException or ArgumentException or InvalidOperationException)
        {
            // Whatever a forged or damaged file makes the CMS decoder stumble on, the answer is the same: not a valid signature.
            return new(true, false, null, null, "Chữ ký số hỏng: văn bản đã bị sửa / the signature value is damaged: the file was altered");
        }
    }

    private static SignatureReport Check(byte[] pdf)
    {
        var text = Encoding.Latin1.GetString(pdf);
        var ranges = ByteRange().Matches(text);
        if (ranges.Count == 0)
            return new(false, false, null, null, "Văn bản không có chữ ký số / the file carries no digital signature");
        var m = ranges[^1];
        // Digits beyond a long are no offset in any real file (a hostile one must get an answer, not an overflow).
        if (!long.TryParse(m.Groups[1].Value, out var a) || !long.TryParse(m.Groups[2].Value, out var b)
            || !long.TryParse(m.Groups[3].Value, out var c) || !long.TryParse(m.Groups[4].Value, out var d))
            return new(true, false, null, null, "Vùng ký không hợp lệ: văn bản đã bị sửa / the signed byte range is broken: the file was altered");
        if (a != 0 || b <= 0 || c <= a + b || d < 0 || c + d > pdf.Length || pdf[b] != '<' || pdf[c - 1] != '>')
            return new(true, false, null, null, "Vùng ký không hợp lệ: văn bản đã bị sửa / the signed byte range is broken: the file was altered");
        byte[] der;
        try
        {
            der = Convert.FromHexString(text.AsSpan((int)b + 1, (int)(c - b - 2)));
            // The placeholder is padded with zeros after the DER structure.
            var reader = new AsnReader(der, AsnEncodingRules.BER);
            der = reader.ReadEncodedValue().ToArray();
        }
        catch (Exception ex) when (ex is FormatException or AsnContentException)
        {
            return new(true, false, null, null, "Chữ ký số hỏng: văn bản đã bị sửa / the signature value is damaged: the file was altered");
        }

        var signed = new byte[b + d];
        Array.Copy(pdf, 0, signed, 0, b);
        Array.Copy(pdf, c, signed, b, d);
        var cms = new SignedCms(new ContentInfo(signed), detached: true);
        try
        {
            cms.Decode(der);
        }
        catch (CryptographicException)
        {
            return new(true, false, null, null, "Chữ ký số hỏng: văn bản đã bị sửa / the signature value is damaged: the file was altered");
        }
        if (cms.SignerInfos.Count == 0)
            return new(true, false, null, null, "Chữ ký số không có người ký / the signature names no signer");

        var info = cms.SignerInfos[0];
        var who = info.Certificate?.Subject;
        var thumbprint = info.Certificate?.GetCertHashString(HashAlgorithmName.SHA256);
        DateTimeOffset? when = info.SignedAttributes.Cast<CryptographicAttributeObject>()
            .SelectMany(x => x.Values.Cast<AsnEncodedData>()).OfType<Pkcs9SigningTime>().Select(t => (DateTimeOffset?)new DateTimeOffset(t.SigningTime.ToUniversalTime(), TimeSpan.Zero)).FirstOrDefault();
        if (when is null)
        {
            foreach (var attribute in info.SignedAttributes)
            {
                if (attribute.Oid.Value == "1.2.840.113549.1.9.5")
                    when = new DateTimeOffset(new Pkcs9SigningTime(attribute.Values[0].RawData).SigningTime.ToUniversalTime(), TimeSpan.Zero);
            }
        }

        try
        {
            cms.CheckSignature(verifySignatureOnly: true);
        }
        catch (CryptographicException)
        {
            return new(true, false, who, when, "Văn bản đã bị sửa sau khi ký / the file was altered after it was signed", thumbprint);
        }

        if (c + d != pdf.Length)
            return new(true, false, who, when, "Văn bản có nội dung thêm sau khi ký / the file has content added after it was signed", thumbprint);
        return new(true, true, who, when, "Chữ ký số hợp lệ, văn bản chưa bị sửa / the signature is valid and the file is unchanged since signing", thumbprint);
    }
}
