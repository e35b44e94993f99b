using Dtx.Campaign.Server.Audit;
using Dtx.Campaign.Server.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Dtx.Campaign.Server.Web.Account;

/// <summary>Signing out is a POST with the antiforgery token, so that no link on another site can sign anyone out.</summary>
internal sealed class LogoutModel(SignInManager<AppUser> signIn, AuditTrail audit) : PageModel
{
    public IActionResult OnGet() => Redirect("/");

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (User.Identity?.IsAuthenticated == true)
        {
            await audit.RecordAsync(new AuditEvent("logout", "user", User.Identity.Name), ct);
            await signIn.SignOutAsync();
        }
        return Redirect(WebSetup.LoginPath);
    }
}
