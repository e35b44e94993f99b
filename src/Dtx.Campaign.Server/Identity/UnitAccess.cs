using System.Security.Claims;
using Dtx.Campaign.Server.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Identity;

/// <summary>Access to the unit named by the route's <c>unitId</c>: its own people, or an administrator.</summary>
public sealed class UnitAccessRequirement : IAuthorizationRequirement;

/// <summary>
/// Grants <see cref="UnitAccessRequirement"/> to administrators and to members of the unit in the route.
/// Anyone else is refused (403) before the endpoint reads anything, so guessing another unit's id
/// returns no data.
/// </summary>
internal sealed class UnitAccessHandler(IHttpContextAccessor accessor, CampaignDbContext db) : AuthorizationHandler<UnitAccessRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, UnitAccessRequirement requirement)
    {
        if (Roles.IsAdministrator(context.User))
        {
            context.Succeed(requirement);
            return;
        }
        var userId = context.User.FindFirstValue(ClaimTypes.NameIdentifier);
        if (userId is null || accessor.HttpContext?.GetRouteValue("unitId") is not string raw || !Guid.TryParse(raw, out var unitId))
            return;
        // A unit-scoped API token reaches its own unit only, whatever else its owner may do.
        if (context.User.FindFirstValue(AccessClaims.TokenUnit) is { } tokenUnit && tokenUnit != unitId.ToString())
            return;
        if (await db.Set<UnitMembership>().AnyAsync(m => m.UserId == userId && m.UnitId == unitId))
            context.Succeed(requirement);
    }
}
