using Dtx.Campaign.Server.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Dtx.Campaign.Server.Web.Account;

/// <summary>
/// Remembers the reader's language (vi or en) in a cookie for a year, and on their account when they are signed in (so
/// that it follows them to another browser, and their e-mails are written in it), then returns to the page they were on.
/// Takes no antiforgery token (its form is in every page, cached ones too): choosing a language changes only the
/// reader's own preference, and a cross-site post that carries cookies is refused by the Origin check anyway.
/// </summary>
[IgnoreAntiforgeryToken]
internal sealed class LanguageModel(UserManager<AppUser> users) : PageModel
{
    public IActionResult OnGet() => Redirect("/");

    public async Task<IActionResult> OnPostAsync(string? language, string? returnUrl)
    {
        language = language == "en" ? "en" : "vi";
        WebSetup.RememberLanguage(HttpContext, language);
        if (User.Identity?.IsAuthenticated == true && await users.GetUserAsync(User) is { } user && user.Language != language)
        {
            user.Language = language;
            await users.UpdateAsync(user);
        }
        return LocalRedirect(Url.IsLocalUrl(returnUrl) ? returnUrl : "/");
    }
}
