using Dtx.Campaign.Documents;
using Dtx.Campaign.Server.Certificates;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Signing;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Dtx.Campaign.Server.Web.Public;

/// <summary>
/// Anyone checks a Certificate of Merit by its serial number and printed code. Same check and same rate limit as
/// <c>GET /api/public/certificates/{serial}</c>: an unknown serial and a wrong code get the same neutral answer.
/// The form is posted so that a typed code stays out of addresses, histories and logs; a link with both in its query
/// (as a certificate's QR code could carry) is checked on opening. A downloaded PDF can be checked too: who signed it,
/// when, whether it changed since, and whether the signing certificate is an issuing authority's of this server.
/// </summary>
[EnableRateLimiting(CertificatesApi.VerifyLimit)]
[RequestSizeLimit(MaxPdfBytes + 64 * 1024)]
[RequestFormLimits(MultipartBodyLengthLimit = MaxPdfBytes + 64 * 1024)]
internal sealed class CertificatesModel(CampaignDbContext db, AuthoritySigners signers) : PageModel
{
    public const int MaxPdfBytes = 10 * 1024 * 1024;

    [BindProperty(SupportsGet = true)]
    public string? Serial { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Code { get; set; }

    /// <summary>Null until a check was asked for.</summary>
    public bool? Checked { get; private set; }

    public CertificateCheck.Genuine? Certificate { get; private set; }

    /// <summary>The subject of the certificate that signs the checked certificate's electronic copy, or null when it is not signed.</summary>
    public string? SignedBy { get; private set; }

    /// <summary>What a checked PDF's signature says, once a file was given.</summary>
    public SignatureReport? FileReport { get; private set; }

    /// <summary>The authority whose configured certificate signed the checked file; null when it is no certificate of this server.</summary>
    public string? FileAuthority { get; private set; }

    /// <summary>Set when the file could not be checked (none, too large, not a PDF).</summary>
    public string? FileProblem { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(Serial) && !string.IsNullOrWhiteSpace(Code))
            await CheckAsync(ct);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(Serial) || string.IsNullOrWhiteSpace(Code))
        {
            ModelState.AddModelError(string.IsNullOrWhiteSpace(Serial) ? nameof(Serial) : nameof(Code), "required");
            return Page();
        }
        await CheckAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostFileAsync(IFormFile? file, CancellationToken ct)
    {
        if (file is null || file.Length == 0)
            FileProblem = "FileMissing";
        else if (file.Length > MaxPdfBytes)
            FileProblem = "FileTooLarge";
        else
        {
            using var buffer = new MemoryStream((int)file.Length);
            await file.CopyToAsync(buffer, ct);
            var bytes = buffer.ToArray();
            if (!bytes.AsSpan().StartsWith("%PDF-"u8))
                FileProblem = "FileNotPdf";
            else
            {
                FileReport = DocumentVerifier.Verify(bytes);
                FileAuthority = signers.AuthorityOf(FileReport.Thumbprint);
            }
        }
        return Page();
    }

    private async Task CheckAsync(CancellationToken ct)
    {
        Certificate = await CertificateCheck.VerifyAsync(db, Serial, Code, ct);
        if (Certificate is { RevokedAt: null } genuine)
        {
            try
            {
                SignedBy = signers.For(genuine.Authority)?.Subject;
            }
            catch (Scoring.Refusals.Refusal)
            {
                SignedBy = null;   // expired: the page says the copy is unsigned rather than failing the check
            }
        }
        Checked = true;
    }
}
