using Dtx.Campaign.Server.Certificates;
using Dtx.Campaign.Server.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Dtx.Campaign.Server.Web.Public;

/// <summary>
/// Anyone checks a Certificate of Merit by its serial number and printed code. Same check and same rate limit as
/// <c>GET /api/public/certificates/{serial}</c>: an unknown serial and a wrong code get the same neutral answer.
/// The form is posted so that a typed code stays out of addresses, histories and logs; a link with both in its query
/// (as a certificate's QR code could carry) is checked on opening.
/// </summary>
[EnableRateLimiting(CertificatesApi.VerifyLimit)]
internal sealed class CertificatesModel(CampaignDbContext db) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Serial { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Code { get; set; }

    /// <summary>Null until a check was asked for.</summary>
    public bool? Checked { get; private set; }

    public CertificateCheck.Genuine? Certificate { get; private set; }

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

    private async Task CheckAsync(CancellationToken ct)
    {
        Certificate = await CertificateCheck.VerifyAsync(db, Serial, Code, ct);
        Checked = true;
    }
}
