using System.Security.Claims;
using Dtx.Campaign.Scoring.Refusals;
using Microsoft.AspNetCore.Identity;

namespace Dtx.Campaign.Server.Identity;

/// <summary>Marks the endpoints an administrator who has not yet enrolled in two-factor authentication may reach.</summary>
public sealed class TwoFactorEnrolmentEndpoint;

/// <summary>
/// Narrows what an authenticated request may do beyond its roles, before any endpoint runs:
/// an administrator signed in without two-factor authentication reaches only the enrolment endpoints,
/// a read-only API token only reads, and a unit token reaches only its unit's endpoints. A refusal is thrown, so
/// that the exception handler says it in the reader's language (as a page or as problem details) like every other.
/// </summary>
internal static class AccessGate
{
    public static IApplicationBuilder UseAccessGate(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var user = context.User;
        if (user.Identity?.IsAuthenticated == true && context.GetEndpoint() is { } endpoint)
        {
            if (user.FindFirstValue(AccessClaims.TokenScope) == nameof(ApiTokenScope.ReadOnly) && !HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
            {
                throw Refusal.Forbidden("access.token-read-only");
            }
            // A unit token reaches the endpoints of its own unit only: not the lists of units or campaigns.
            if (user.FindFirstValue(AccessClaims.TokenUnit) is { } tokenUnit && !(Guid.TryParse(context.GetRouteValue("unitId") as string, out var routeUnit) && routeUnit.ToString() == tokenUnit))
            {
                throw Refusal.Forbidden("access.token-other-unit");
            }
            // The session of someone who must use two-factor and has not enrolled: enrolment only. Confirming
            // the enrolment renews the cookie without the claim.
            if (user.Identity.AuthenticationType == IdentityConstants.ApplicationScheme && user.HasClaim(TwoFactorRule.MustEnrolClaim, "true")
                && endpoint.Metadata.GetMetadata<TwoFactorEnrolmentEndpoint>() is null)
            {
                // A web page sends the person to the enrolment page instead, and back afterwards.
                if (!context.Request.Path.StartsWithSegments("/api"))
                {
                    context.Response.Redirect("/account/enrol?returnUrl=" + Uri.EscapeDataString(context.Request.Path + context.Request.QueryString));
                    return;
                }
                throw Refusal.Forbidden("access.two-factor-required");
            }
        }
        await next();
    });
}
