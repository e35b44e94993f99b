using Dtx.Campaign.Server.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Dtx.Campaign.Server.Web.Account;

/// <summary>Sign-in with e-mail and password: the same flow, lockout and audit as <c>/api/auth/login</c>; a second factor on its own page.</summary>
[EnableRateLimiting(RateLimits.SignIn)]
internal sealed class LoginModel(SignInFlow flow, UiText text) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    public string? Error { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(Email) || string.IsNullOrEmpty(Password))
        {
            Error = text.Format("FieldRequired", text[string.IsNullOrWhiteSpace(Email) ? "Email" : "Password"].ToLowerInvariant());
            return Page();
        }
        if (Email.Length > SignInInput.MaxEmail || Password.Length > SignInInput.MaxPassword)
        {
            var email = Email.Length > SignInInput.MaxEmail;
            Error = text.Format("FieldTooLong", text[email ? "Email" : "Password"], email ? SignInInput.MaxEmail : SignInInput.MaxPassword);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var returnUrl = Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/";
        switch (await flow.PasswordAsync(Email, Password, ct))
        {
            case SignInOutcome.SignedIn:
                return LocalRedirect(returnUrl);
            case SignInOutcome.NeedsCode:
                return RedirectToPage("/Account/TwoFactor", new { returnUrl });
            case SignInOutcome.MustEnrol:
                return RedirectToPage("/Account/Enrol", new { returnUrl });
            case SignInOutcome.LockedOut:
                Error = text["AccountLocked"];
                Response.StatusCode = StatusCodes.Status423Locked;
                return Page();
            case SignInOutcome.TooManyAttempts:
                Error = text["TooManyAttempts"];
                Response.StatusCode = StatusCodes.Status429TooManyRequests;
                return Page();
            default:
                Error = text["SignInFailed"];
                Response.StatusCode = StatusCodes.Status401Unauthorized;
                return Page();
        }
    }
}
