using Dtx.Campaign.Server.Audit;
using Dtx.Campaign.Server.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Dtx.Campaign.Server.Web.Account;

/// <summary>Sign-in with e-mail and password: the same Identity sign-in, lockout and audit as <c>/api/auth/login</c>.</summary>
[EnableRateLimiting(RateLimits.SignIn)]
internal sealed class LoginModel(SignInManager<AppUser> signIn, AuditTrail audit, UiText text) : PageModel
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
        var result = await signIn.PasswordSignInAsync(Email.Trim(), Password, isPersistent: false, lockoutOnFailure: true);
        await audit.RecordAsync(new AuditEvent(
            result.Succeeded ? "login.succeeded" : result.IsLockedOut ? "login.locked-out" : "login.failed", "user", Email.Trim()), ct);
        if (result.Succeeded)
            return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
        Error = text[result.IsLockedOut ? "AccountLocked" : "SignInFailed"];
        Response.StatusCode = result.IsLockedOut ? StatusCodes.Status423Locked : StatusCodes.Status401Unauthorized;
        return Page();
    }
}
