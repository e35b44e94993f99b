using Dtx.Campaign.Server.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;

namespace Dtx.Campaign.Server.Web.Account;

/// <summary>Where the one-time link of an invitation or a password reset lands: choose a password, then sign in.</summary>
[EnableRateLimiting(RateLimits.SignIn)]
internal sealed class SetPasswordModel(SignInFlow flow, UiText text) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "user")]
    public string? UserId { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty]
    public string? Confirm { get; set; }

    public string? Error { get; private set; }

    public bool LinkBroken { get; private set; }

    public bool Done { get; private set; }

    public void OnGet() => LinkBroken = string.IsNullOrEmpty(UserId) || string.IsNullOrEmpty(Token);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (string.IsNullOrEmpty(UserId) || string.IsNullOrEmpty(Token))
        {
            LinkBroken = true;
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        if (string.IsNullOrEmpty(Password) || Password != Confirm)
        {
            Error = text[string.IsNullOrEmpty(Password) ? "PasswordRequired" : "PasswordsDiffer"];
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        var refusal = await flow.SetPasswordAsync(UserId, Token, Password, ct);
        if (refusal is null)
        {
            Done = true;
            return Page();
        }
        Response.StatusCode = StatusCodes.Status400BadRequest;
        if (refusal.Field == "token")
            LinkBroken = true;
        else
            Error = text["PasswordTooWeak"] + " " + text.RefusedLine(refusal);
        return Page();
    }
}
