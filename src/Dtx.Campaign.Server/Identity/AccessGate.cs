using System.Security.Claims;
using Microsoft.AspNetCore.Identity;

namespace Dtx.Campaign.Server.Identity;

/// <summary>Marks the endpoints an administrator who has not yet enrolled in two-factor authentication may reach.</summary>
public sealed class TwoFactorEnrolmentEndpoint;

/// <summary>
/// Narrows what an authenticated request may do beyond its roles, before any endpoint runs:
/// an administrator signed in without two-factor authentication reaches only the enrolment endpoints,
/// a read-only API token only reads, and a unit token reaches only its unit's endpoints.
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
                await Refuse(context, "Token chỉ được đọc / Read-only token", "This API token may only read (GET); it cannot change anything.");
                return;
            }
            // A unit token reaches the endpoints of its own unit only: not the lists of units or campaigns.
            if (user.FindFirstValue(AccessClaims.TokenUnit) is { } tokenUnit && !(Guid.TryParse(context.GetRouteValue("unitId") as string, out var routeUnit) && routeUnit.ToString() == tokenUnit))
            {
                await Refuse(context, "Token của đơn vị khác / Another unit's token",
                    "A unit API token reaches only the endpoints of its own unit (/api/campaigns/{campaignId}/units/{its unit id}/…).");
                return;
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
                await Refuse(context, "Cần bật xác thực hai bước / Two-factor authentication required",
                    "Administrators and council chairs must enrol in two-factor authentication before anything else: POST /api/auth/two-factor/enrol, then POST /api/auth/two-factor/confirm with a code from the authenticator app.");
                return;
            }
        }
        await next();
    });

    private static Task Refuse(HttpContext context, string title, string detail) =>
        Microsoft.AspNetCore.Http.Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: title, detail: detail).ExecuteAsync(context);
}
