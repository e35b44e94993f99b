using System.Security.Claims;
using Dtx.Campaign.Server.Campaigns;
using Dtx.Campaign.Server.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Dtx.Campaign.Server.Identity;

/// <summary>
/// Who must sign in with a second factor: administrators, and the chair of a campaign's Appraisal Council
/// (the one who approves the stages). The one place to change the rule; the sign-in, the enrolment
/// endpoints and <see cref="AccessGate"/> all ask it.
/// </summary>
internal sealed class TwoFactorRule(CampaignDbContext db, IOptions<SecurityOptions> security)
{
    /// <summary>
    /// <c>Security:RequireTwoFactor</c>, on unless set to false — only the Development demo does, so that a
    /// first-time visitor can sign in without an authenticator app. Two-factor stays available to everyone.
    /// </summary>
    public const string Setting = SecurityOptions.Section + ":" + nameof(SecurityOptions.RequireTwoFactor);

    /// <summary>
    /// On the session's principal, made at sign-in and at each security-stamp check (enabling or resetting
    /// two-factor changes the stamp): this person must use two-factor and has not enrolled yet.
    /// </summary>
    public const string MustEnrolClaim = "dtx:must-enrol-two-factor";

    public async Task<bool> IsRequiredAsync(AppUser user, IEnumerable<string> roles, CancellationToken ct = default)
    {
        if (!security.Value.RequireTwoFactor)
            return false;
        if (Roles.IsAdministrator(roles))
            return true;
        var email = (user.Email ?? "").ToLowerInvariant();
        return email.Length > 0 && await db.Set<CouncilMember>().AnyAsync(m => m.Role == CouncilRole.Chair && m.Email.ToLower() == email, ct);
    }
}

/// <summary>Adds <see cref="TwoFactorRule.MustEnrolClaim"/> to the principal of those who must use two-factor and have not enrolled.</summary>
internal sealed class AppClaimsPrincipalFactory(UserManager<AppUser> users, RoleManager<IdentityRole> roles, IOptions<IdentityOptions> options, TwoFactorRule rule)
    : UserClaimsPrincipalFactory<AppUser, IdentityRole>(users, roles, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(AppUser user)
    {
        var identity = await base.GenerateClaimsAsync(user);
        if (!user.TwoFactorEnabled && await rule.IsRequiredAsync(user, identity.FindAll(Options.ClaimsIdentity.RoleClaimType).Select(c => c.Value)))
            identity.AddClaim(new Claim(TwoFactorRule.MustEnrolClaim, "true"));
        return identity;
    }
}
