using System.Security.Claims;
using Dtx.Campaign.Server.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Identity;

/// <summary>Access to the unit named by the route's <c>unitId</c>: its own people, or an administrator.</summary>
public sealed class UnitAccessRequirement : IAuthorizationRequirement;

/// <summary>Acting as the head of the unit named by the route's <c>unitId</c> (approving its self-assessment), or an administrator.</summary>
public sealed class UnitHeadRequirement : IAuthorizationRequirement;

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
        if (RouteUnit(context.User, accessor) is var (userId, unitId) && await db.Set<UnitMembership>().AnyAsync(m => m.UserId == userId && m.UnitId == unitId))
            context.Succeed(requirement);
    }

    /// <summary>The caller and the unit in the route, or null when either is missing or the caller's token is for another unit.</summary>
    internal static (string UserId, Guid UnitId)? RouteUnit(ClaimsPrincipal user, IHttpContextAccessor accessor)
    {
        var userId = user.FindFirstValue(ClaimTypes.NameIdentifier);
        if (userId is null || accessor.HttpContext?.GetRouteValue("unitId") is not string raw || !Guid.TryParse(raw, out var unitId))
            return null;
        // A unit-scoped API token reaches its own unit only, whatever else its owner may do.
        if (user.FindFirstValue(AccessClaims.TokenUnit) is { } tokenUnit && tokenUnit != unitId.ToString())
            return null;
        return (userId, unitId);
    }
}

/// <summary>Grants <see cref="UnitHeadRequirement"/> to administrators and to the head of the unit in the route, by the same reading of the route and token.</summary>
internal sealed class UnitHeadHandler(IHttpContextAccessor accessor, CampaignDbContext db) : AuthorizationHandler<UnitHeadRequirement>
{
    protected override async Task HandleRequirementAsync(AuthorizationHandlerContext context, UnitHeadRequirement requirement)
    {
        if (Roles.IsAdministrator(context.User))
        {
            context.Succeed(requirement);
            return;
        }
        if (UnitAccessHandler.RouteUnit(context.User, accessor) is var (userId, unitId)
            && await db.Set<UnitMembership>().AnyAsync(m => m.UserId == userId && m.UnitId == unitId && m.Role == UnitRole.Head))
            context.Succeed(requirement);
    }
}
