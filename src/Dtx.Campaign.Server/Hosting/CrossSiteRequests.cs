using Dtx.Campaign.Scoring.Refusals;
using Microsoft.AspNetCore.Antiforgery;

namespace Dtx.Campaign.Server.Hosting;

/// <summary>
/// Refuses a change (POST, PUT, PATCH, DELETE) that carries our cookies but was sent by another site: a
/// browser names the site in <c>Sec-Fetch-Site</c> and <c>Origin</c>, and only this origin is accepted.
/// SameSite=Strict alone lets a sibling subdomain or another port through. A request with neither header
/// (not a browser) is accepted without cookies, or with a valid antiforgery token; API tokens are not cookies
/// and are never refused here. Razor forms keep their antiforgery tokens as well.
/// </summary>
internal static class CrossSiteRequests
{
    public static IApplicationBuilder UseCrossSiteRequestCheck(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        if (IsUnsafe(request.Method) && request.Cookies.Count > 0 && !HasBearerToken(request) && await RefusalAsync(context) is { } why)
        {
            // Answered here, before the exception handler runs, in the caller's language like every other refusal.
            await RefusalProblems.AnswerAsync(context, Refusal.Forbidden("cross-site.refused", ("why", why)), "https://dtx-campaign.example/problems/cross-site-request");
            return;
        }
        await next();
    });

    private static bool IsUnsafe(string method) => !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method));

    private static bool HasBearerToken(HttpRequest request) => request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase);

    /// <summary>Why the request is refused, or null when it comes from this origin.</summary>
    private static async Task<Reason?> RefusalAsync(HttpContext context)
    {
        var request = context.Request;
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        var origin = request.Headers.Origin.ToString();
        // A browser's own word, which no page can set; it goes first because with our Referrer-Policy (no-referrer)
        // a browser sends "Origin: null" even on its own forms. "none": typed or bookmarked, no other site involved.
        if (site.Length > 0)
            return site is "same-origin" or "none" ? null : Reason.Of("cross-site.fetch-site", ("site", Shorten(site)));
        if (origin.Length > 0)
        {
            var own = $"{request.Scheme}://{request.Host.Value}";
            return string.Equals(origin, own, StringComparison.OrdinalIgnoreCase) ? null : Reason.Of("cross-site.origin", ("origin", Shorten(origin)), ("own", own));
        }
        // Neither header: not a browser of this decade. Cookies then need the antiforgery token of a form of ours.
        bool valid;
        try
        {
            valid = await context.RequestServices.GetRequiredService<IAntiforgery>().IsRequestValidAsync(context);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
        {
            valid = false; // a form that cannot be read carries no valid token
        }
        return valid ? null : Reason.Of("cross-site.no-origin");
    }

    // The header is echoed in the answer: never at full length.
    private static string Shorten(string value) => value.Length <= 100 ? value : value[..100] + "…";
}
