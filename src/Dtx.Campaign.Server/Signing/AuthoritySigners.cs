using Dtx.Campaign.Documents;
using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Hosting;
using Microsoft.Extensions.Options;

namespace Dtx.Campaign.Server.Signing;

/// <summary>
/// Each issuing authority's signing certificate (chứng thư số), by the authority's code:
/// <c>Signing:Authorities:HN:Certificate</c> (a PKCS#12 file, relative to the server's folder or absolute) and
/// <c>Signing:Authorities:HN:Password</c>. An authority without one issues unsigned documents that say so.
/// </summary>
public sealed class SigningOptions
{
    public const string Section = "Signing";

    public Dictionary<string, AuthorityCertificate> Authorities { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

public sealed class AuthorityCertificate
{
    public string Certificate { get; set; } = "";
    public string? Password { get; set; }
}

/// <summary>
/// The configured signers, opened once when the server starts: a wrong password, an unreadable file or an
/// expired certificate stops the start naming the authority and the file (never a server that issues some
/// documents signed and others not). A certificate that expires while the server runs is refused at use.
/// </summary>
internal sealed class AuthoritySigners : IDisposable
{
    private readonly Dictionary<string, DocumentSigner> signers = new(StringComparer.OrdinalIgnoreCase);
    private readonly TimeProvider clock;

    public AuthoritySigners(IOptions<SigningOptions> options, IHostEnvironment environment, TimeProvider clock)
    {
        this.clock = clock;
        foreach (var (code, entry) in options.Value.Authorities)
        {
            if (string.IsNullOrWhiteSpace(entry.Certificate))
                throw Refuse(code, $"Signing:Authorities:{code}:Certificate chưa đặt đường dẫn tệp .p12 / names no PKCS#12 file");
            try
            {
                signers[code] = DocumentSigner.Load(Path.GetFullPath(entry.Certificate, environment.ContentRootPath), entry.Password, clock);
            }
            catch (DocumentSignerException e)
            {
                Dispose();
                throw Refuse(code, e.Message);
            }
        }
    }

    private static StartupRefusedException Refuse(string code, string message) => new($"Signing:Authorities:{code}: {message}");

    /// <summary>The authority's signer, or null when it signs nothing; refused once its certificate has expired.</summary>
    public DocumentSigner? For(string authorityCode)
    {
        if (!signers.TryGetValue(authorityCode, out var signer))
            return null;
        if (clock.GetUtcNow() > signer.NotAfter)
            throw Refusal.Conflict("documents.signing-expired", ("authority", authorityCode), ("date", signer.NotAfter.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
        return signer;
    }

    /// <summary>The authority whose configured certificate has this thumbprint (a file's signer is ours), or null.</summary>
    public string? AuthorityOf(string? thumbprint) =>
        thumbprint is null ? null : signers.FirstOrDefault(s => string.Equals(s.Value.Thumbprint, thumbprint, StringComparison.OrdinalIgnoreCase)).Key;

    public void Dispose()
    {
        foreach (var signer in signers.Values)
            signer.Dispose();
        signers.Clear();
    }
}
