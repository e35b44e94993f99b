using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Dtx.Campaign.Server.Web.Account;

/// <summary>
/// Remembers the reader's language (vi or en) in a cookie for a year, then returns to the page they were on.
/// Max-Age rather than an expiry date: the browser counts it on its own clock. Takes no antiforgery token (its form is
/// in every page, cached ones too): choosing a language changes only the reader's own cookie, and a cross-site post
/// that carries cookies is refused by the Origin check anyway.
/// </summary>
[IgnoreAntiforgeryToken]
internal sealed class LanguageModel : PageModel
{
    public IActionResult OnGet() => Redirect("/");

    public IActionResult OnPost(string? language, string? returnUrl)
    {
        var culture = language == "en" ? WebSetup.English : WebSetup.Vietnamese;
        Response.Cookies.Append(WebSetup.LanguageCookie, CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
            new CookieOptions { MaxAge = TimeSpan.FromDays(365), HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true, Secure = Request.IsHttps });
        return LocalRedirect(Url.IsLocalUrl(returnUrl) ? returnUrl : "/");
    }
}
