using Dtx.Campaign.Server.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Dtx.Campaign.Server.Web.Account;

/// <summary>The second step of signing in: a code from the authenticator app, or a recovery code.</summary>
[EnableRateLimiting(RateLimits.SignIn)]
internal sealed class TwoFactorModel(SignInFlow flow, UiText text) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public string? Code { get; set; }

    [BindProperty]
    public string? RecoveryCode { get; set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync() =>
        await flow.AwaitsCodeAsync() ? Page() : RedirectToPage("/Account/Login", new { ReturnUrl });

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!await flow.AwaitsCodeAsync())
            return RedirectToPage("/Account/Login", new { ReturnUrl });
        if (string.IsNullOrWhiteSpace(Code) && string.IsNullOrWhiteSpace(RecoveryCode))
        {
            Error = text["CodeRequired"];
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        if (Code?.Length > SignInInput.MaxCode || RecoveryCode?.Length > SignInInput.MaxRecoveryCode)
        {
            var code = Code?.Length > SignInInput.MaxCode;
            Error = text.Format("FieldTooLong", text[code ? "AuthenticatorCode" : "RecoveryCode"], code ? SignInInput.MaxCode : SignInInput.MaxRecoveryCode);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        switch (await flow.SecondFactorAsync(string.IsNullOrWhiteSpace(Code) ? null : Code, RecoveryCode, ct))
        {
            case SignInOutcome.SignedIn:
                return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
            case SignInOutcome.LockedOut:
                Error = text["AccountLocked"];
                Response.StatusCode = StatusCodes.Status423Locked;
                return Page();
            default:
                Error = text["WrongCode"];
                Response.StatusCode = StatusCodes.Status401Unauthorized;
                return Page();
        }
    }
}
