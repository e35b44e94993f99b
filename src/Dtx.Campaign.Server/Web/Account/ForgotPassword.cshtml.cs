using Dtx.Campaign.Server.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Dtx.Campaign.Server.Web.Account;

/// <summary>Asks for a link to set a new password; the answer is the same whether the address has an account or not.</summary>
[EnableRateLimiting(RateLimits.SignIn)]
internal sealed class ForgotPasswordModel(SignInFlow flow, UiText text) : PageModel
{
    [BindProperty]
    public string? Email { get; set; }

    public bool Sent { get; private set; }

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(Email))
        {
            Error = text.Format("FieldRequired", text["Email"].ToLowerInvariant());
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        if (Email.Length > SignInInput.MaxEmail)
        {
            Error = text.Format("FieldTooLong", text["Email"], SignInInput.MaxEmail);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        await flow.RequestPasswordResetAsync(Email, ct);
        Sent = true;
        return Page();
    }
}
