using Dtx.Campaign.Server.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Dtx.Campaign.Server.Web.Account;

/// <summary>
/// Turning on two-factor authentication with an authenticator app: scan the QR code (or type the key),
/// confirm with a first code, keep the recovery codes. Administrators and council chairs land here after
/// their password until they have done it.
/// </summary>
[EnableRateLimiting(RateLimits.SignIn)]
internal sealed class EnrolModel(SignInFlow flow, UserManager<AppUser> users, UiText text) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public string? Code { get; set; }

    public AuthenticatorEnrolment? Enrolment { get; private set; }

    public IReadOnlyList<string>? RecoveryCodes { get; private set; }

    public bool AlreadyOn { get; private set; }

    public string? Error { get; private set; }

    public string Continue => Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/";

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await users.GetUserAsync(User) is not { } user)
            return RedirectToPage("/Account/Login");
        // A new key each time the page is opened: a key shown once and never confirmed is simply replaced.
        Enrolment = await flow.IssueAuthenticatorKeyAsync(user, ct);
        AlreadyOn = Enrolment is null;
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await users.GetUserAsync(User) is not { } user)
            return RedirectToPage("/Account/Login");
        if (user.TwoFactorEnabled)
        {
            AlreadyOn = true;
            return Page();
        }
        RecoveryCodes = await flow.ConfirmAuthenticatorAsync(user, Code, ct);
        if (RecoveryCodes is null)
        {
            Error = text["WrongCode"];
            Response.StatusCode = StatusCodes.Status400BadRequest;
            // The key stays the one already scanned: show it again rather than a new one.
            var key = await users.GetAuthenticatorKeyAsync(user);
            Enrolment = key is null ? await flow.IssueAuthenticatorKeyAsync(user, ct) : await flow.DescribeAuthenticatorKeyAsync(user, key);
        }
        return Page();
    }
}
