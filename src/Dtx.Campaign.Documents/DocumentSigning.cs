using System.Formats.Asn1;
using System.Globalization;
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
/// Signs issued PDFs (ký số) with the issuing authority's certificate: a PAdES baseline B-B signature (ETSI.CAdES.detached,
/// SHA-256, the signer's certificate included and bound) written by PDFsharp's signature support, the CMS built by .NET's
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

    /// <summary>Saves <paramref name="document"/> signed; <paramref name="document"/> must not have been saved before.</summary>
    internal byte[] SaveSigned(PdfDocument document, string reason, string location)
    {
        using var output = new MemoryStream();
        DigitalSignatureHandler.ForDocument(document, new CadesSigner(this, output), new DigitalSignatureOptions
        {
            Reason = reason, Location = location, AppName = "Dtx.Campaign", ContactInfo = _certificate.GetNameInfo(X509NameType.SimpleName, false),
        });
        document.Save(output, false);
        return output.ToArray();
    }

    public void Dispose() => _certificate.Dispose();

    /// <summary>
    /// A PAdES baseline B-B signature: SubFilter ETSI.CAdES.detached, a CMS whose signed attributes bind the signer's
    /// certificate (ESS signing-certificate-v2) and carry no signing-time (the claimed time is the dictionary's /M).
    /// </summary>
    private sealed class CadesSigner(DocumentSigner owner, MemoryStream output) : IDigitalSigner
    {
        // PDFsharp 6.2 always names the pre-PAdES SubFilter and writes the machine's DateTime.Now as the claimed signing
        // time (/M), with no option for either. The PAdES SubFilter has exactly the same length, and so has the injected
        // clock's time in the same PDF date form, so both are replaced in the written bytes before they are hashed: no
        // offset or cross-reference moves.
        private static readonly byte[] PdfSharpSubFilter = "/adbe.pkcs7.detached"u8.ToArray();
        private static readonly byte[] PadesSubFilter = "/ETSI.CAdES.detached"u8.ToArray();

        public string CertificateName => owner._certificate.GetNameInfo(X509NameType.SimpleName, false);

        public DateTime? SignatureDate => owner._clock.GetUtcNow().UtcDateTime;

        // RSA-4096 signature, the certificate and its attributes fit well within 16 KB of hex.
        public Task<int> GetSignatureSizeAsync() => Task.FromResult(8192);

        public Task<byte[]> GetSignatureAsync(Stream stream)
        {
            WritePadesDictionary();
            // PDFsharp hands over its ranged stream positioned at its end; it cannot seek (CanSeek itself throws) but can be
            // rewound. Read whole in one call: that is the stream's copy of its ranges; any other read goes byte by byte (a
            // range looked up per byte: most of a signed reminder's signing time, perf 2026-12-08). A short read is refused.
            stream.Position = 0;
            var signed = new byte[checked((int)stream.Length)];
            if (stream.Read(signed, 0, signed.Length) != signed.Length)
                throw new InvalidOperationException("the PDF library handed over fewer bytes to sign than its ranges hold; refusing to sign part of a document");
            var cms = new SignedCms(new ContentInfo(signed), detached: true);
            var signer = new System.Security.Cryptography.Pkcs.CmsSigner(SubjectIdentifierType.IssuerAndSerialNumber, owner._certificate)
            {
                DigestAlgorithm = new Oid(Oids.Sha256),
                IncludeOption = X509IncludeOption.EndCertOnly,
            };
            signer.SignedAttributes.Add(Oids.SigningCertificateV2Of(owner._certificate));
            cms.ComputeSignature(signer);
            return Task.FromResult(cms.Encode());
        }

        private void WritePadesDictionary()
        {
            var written = output.GetBuffer().AsSpan(0, (int)output.Length);
            var at = written.IndexOf(PdfSharpSubFilter);
            if (at < 0 || written[(at + 1)..].IndexOf(PdfSharpSubFilter) >= 0)
                throw new InvalidOperationException("the PDF library wrote no single signature SubFilter to rename; refusing to issue a signature of unknown form");
            PadesSubFilter.CopyTo(written[at..]);

            var dictionary = written[at..];
            var date = dictionary.IndexOf("/M("u8);
            var end = date < 0 ? -1 : dictionary[date..].IndexOf((byte)')');
            var claimed = Encoding.ASCII.GetBytes("D:" + owner._clock.GetUtcNow().UtcDateTime.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + "+00'00'");
            if (date < 0 || end - 3 != claimed.Length)
                throw new InvalidOperationException("the PDF library wrote no signing time of the expected form; refusing to sign with the machine's clock");
            claimed.CopyTo(dictionary[(date + 3)..]);
        }
    }
}

/// <summary>The object identifiers of the signature, and the ESS attribute that binds the signer's certificate (RFC 5035).</summary>
internal static class Oids
{
    public const string Sha256 = "2.16.840.1.101.3.4.2.1";
    public const string SigningTime = "1.2.840.113549.1.9.5";
    public const string SigningCertificateV2 = "1.2.840.113549.1.9.16.2.47";

    /// <summary>SigningCertificateV2 { certs { ESSCertIDv2 { certHash (SHA-256, the default algorithm, so omitted), issuerSerial } } }.</summary>
    public static AsnEncodedData SigningCertificateV2Of(X509Certificate2 certificate)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        using (writer.PushSequence())
        using (writer.PushSequence())
        {
            writer.WriteOctetString(SHA256.HashData(certificate.RawData));
            using (writer.PushSequence())
            {
                using (writer.PushSequence())
                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 4, isConstructed: true)))
                    writer.WriteEncodedValue(certificate.IssuerName.RawData);
                writer.WriteInteger(certificate.SerialNumberBytes.Span);
            }
        }
        return new AsnEncodedData(SigningCertificateV2, writer.Encode());
    }

    /// <summary>The SHA-256 certificate hash a signing-certificate-v2 attribute names first, or null when it names another algorithm.</summary>
    public static byte[]? CertHashIn(AsnEncodedData attribute)
    {
        var certs = new AsnReader(attribute.RawData, AsnEncodingRules.DER).ReadSequence().ReadSequence();
        var first = certs.ReadSequence();
        if (first.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
        {
            var algorithm = first.ReadSequence().ReadObjectIdentifier();
            if (algorithm != Sha256)
                return null;
        }
        return first.ReadOctetString();
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

    // A PDF date, D:YYYYMMDDHHmmSS followed by Z or an offset such as +07'00' (ISO 32000-1, 7.9.4).
    [GeneratedRegex(@"/M\s*\(D:(\d{14})(?:(Z)|([+-])(\d{2})'?(\d{2})?'?)?\)")]
    private static partial Regex ClaimedSigningTime();

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

    /// <summary>The signing-time attribute, which documents signed before PAdES carry.</summary>
    private static DateTimeOffset? SigningTimeAttribute(SignerInfo info) =>
        info.SignedAttributes.Cast<CryptographicAttributeObject>().Where(x => x.Oid.Value == Oids.SigningTime)
            .Select(x => (DateTimeOffset?)new DateTimeOffset(new Pkcs9SigningTime(x.Values[0].RawData).SigningTime.ToUniversalTime(), TimeSpan.Zero))
            .FirstOrDefault();

    /// <summary>The /M of the signature dictionary that holds the byte range at <paramref name="byteRangeAt"/> (inside the signed bytes).</summary>
    private static DateTimeOffset? ClaimedTime(string text, int byteRangeAt)
    {
        var start = text.LastIndexOf(" obj", byteRangeAt, StringComparison.Ordinal);
        var end = text.IndexOf("endobj", byteRangeAt, StringComparison.Ordinal);
        if (start < 0 || end < 0)
            return null;
        var m = ClaimedSigningTime().Match(text, start, end - start);
        if (!m.Success || !DateTime.TryParseExact(m.Groups[1].Value, "yyyyMMddHHmmss", CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
            return null;
        var offset = m.Groups[3].Success
            ? (m.Groups[3].Value == "-" ? -1 : 1) * new TimeSpan(int.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture), m.Groups[5].Success ? int.Parse(m.Groups[5].Value, CultureInfo.InvariantCulture) : 0, 0)
            : TimeSpan.Zero;
        return offset.Duration() < TimeSpan.FromHours(15) ? new DateTimeOffset(local, offset).ToUniversalTime() : null;
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
        var when = SigningTimeAttribute(info) ?? ClaimedTime(text, m.Index);
        try
        {
            cms.CheckSignature(verifySignatureOnly: true);
        }
        catch (CryptographicException)
        {
            return new(true, false, who, when, "Văn bản đã bị sửa sau khi ký / the file was altered after it was signed", thumbprint);
        }

        // PAdES binds the signer's certificate into the signed attributes, so that another certificate with the same key
        // and name cannot be swapped in; older documents signed here without the attribute are still checked as before.
        var binding = info.SignedAttributes.Cast<CryptographicAttributeObject>().FirstOrDefault(x => x.Oid.Value == Oids.SigningCertificateV2);
        if (binding is not null && (info.Certificate is null || Oids.CertHashIn(binding.Values[0]) is not { } bound
            || !bound.AsSpan().SequenceEqual(SHA256.HashData(info.Certificate.RawData))))
            return new(true, false, who, when, "Chứng thư số trong chữ ký không phải chứng thư đã ký / the certificate in the signature is not the one that signed", thumbprint);

        if (c + d != pdf.Length)
            return new(true, false, who, when, "Văn bản có nội dung thêm sau khi ký / the file has content added after it was signed", thumbprint);
        return new(true, true, who, when, "Chữ ký số hợp lệ, văn bản chưa bị sửa / the signature is valid and the file is unchanged since signing", thumbprint);
    }
}
