using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Dtx.Campaign.Documents;
using Dtx.Campaign.Server.Cli;

namespace Dtx.Campaign.Server.Tests.Cli;

/// <summary><c>document verify FILE</c>: signer and time of a signed PDF (exit 0); a byte-flipped copy or an unsigned file exits 1.</summary>
public sealed class DocumentVerifyCommandTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "dtx-tests", "verify-" + Guid.NewGuid().ToString("N"));

    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var exit = await AdminCli.RunAsync(args, output, error, () => throw new InvalidOperationException("no services expected"));
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task A_signed_pdf_names_its_signer_and_a_flipped_copy_is_reported_altered()
    {
        Directory.CreateDirectory(directory);
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=Sở Khoa học và Công nghệ, O=UBND Thành phố Hà Nội", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using (var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1)))
            await File.WriteAllBytesAsync(Path.Combine(directory, "authority.p12"), certificate.Export(X509ContentType.Pkcs12, "pw"));
        using var signer = DocumentSigner.Load(Path.Combine(directory, "authority.p12"), "pw");
        var notice = Dtx.Campaign.Documents.Samples.DeadlineReminder;
        var pdf = NoticePdfWriter.Write(notice, new TemplateRenderer(TemplateSet.FromDirectory(Path.Combine(Infrastructure.RepositoryFiles.Root, "templates"))).RenderNotice(notice), "vi", signer);
        var signed = Path.Combine(directory, "signed.pdf");
        await File.WriteAllBytesAsync(signed, pdf);
        pdf[pdf.Length / 2] ^= 0x01;
        var flipped = Path.Combine(directory, "flipped.pdf");
        await File.WriteAllBytesAsync(flipped, pdf);

        var (exit, output, _) = await RunAsync("document", "verify", signed);
        Assert.Equal(0, exit);
        Assert.Contains("CN=Sở Khoa học và Công nghệ", output, StringComparison.Ordinal);
        Assert.Contains("unchanged since signing", output, StringComparison.Ordinal);

        var (altered, _, error) = await RunAsync("document", "verify", flipped);
        Assert.Equal(1, altered);
        Assert.Contains("altered", error, StringComparison.Ordinal);
        Assert.Equal(1, (await RunAsync("document", "verify", Path.Combine(directory, "missing.pdf"))).Exit);
    }

    public void Dispose()
    {
        try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
    }
}
