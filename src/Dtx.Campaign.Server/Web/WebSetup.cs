using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Dtx.Campaign.Server.Identity;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.WebEncoders;

namespace Dtx.Campaign.Server.Web;

/// <summary>
/// The server-rendered web UI: Razor Pages rooted at <c>Web/</c>, one folder per area. Pages speak
/// Vietnamese by default (vi-VN formats) and English when the <c>dtx.lang</c> cookie says so.
/// </summary>
internal static class WebSetup
{
    public const string LoginPath = "/account/login";

    public static readonly CultureInfo Vietnamese = CultureInfo.GetCultureInfo("vi-VN");
    public static readonly CultureInfo English = CultureInfo.GetCultureInfo("en-GB");

    public static IServiceCollection AddCampaignWeb(this IServiceCollection services)
    {
        services.AddRazorPages(o =>
        {
            o.RootDirectory = "/Web";
            o.Conventions.AuthorizeFolder("/Admin", Policies.Administer);
            o.Conventions.AuthorizeFolder("/Unit");
            // Who sits on which council is decided per campaign by the council's own services (CouncilPage).
            o.Conventions.AuthorizeFolder("/Council");
            o.Conventions.AuthorizeFolder("/Inbox");
            // The unit in the route: its own people or an administrator, as for the self-assessment API.
            o.Conventions.AuthorizePage("/Unit/Assessment", Policies.UnitAccess);
            o.Conventions.AuthorizePage("/Unit/Results", Policies.UnitAccess);
            o.Conventions.AllowAnonymousToPage("/Index"); // it only sends people to the login page or to their work
            o.Conventions.AllowAnonymousToFolder("/Account");
            // Signing in, out and enrolling stay open to a session that must still enrol in two-factor (AccessGate).
            o.Conventions.AddFolderApplicationModelConvention("/Account", m => m.EndpointMetadata.Add(new TwoFactorEnrolmentEndpoint()));
            o.Conventions.AllowAnonymousToFolder("/Public");
            o.Conventions.ConfigureFilter(new Hosting.HostileTextGuard.MultipartPageFilter());
        });
        services.Configure<RouteOptions>(o => o.LowercaseUrls = true);
        // Vietnamese text is written as characters, not as numeric entities: smaller pages, readable source.
        services.Configure<WebEncoderOptions>(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        services.AddScoped<UiText>();
        services.AddScoped<Shared.WorkAreas>();
        // Pages send people to the login page; the API keeps answering 401/403 (see ServerSetup).
        services.PostConfigure<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme, o =>
        {
            o.LoginPath = LoginPath;
            o.AccessDeniedPath = "/account/denied";
            var apiLogin = o.Events.OnRedirectToLogin;
            var apiDenied = o.Events.OnRedirectToAccessDenied;
            o.Events.OnRedirectToLogin = context => IsApi(context.Request) ? apiLogin(context) : Redirect(context);
            o.Events.OnRedirectToAccessDenied = context => IsApi(context.Request) ? apiDenied(context) : Redirect(context);
        });
        return services;
    }

    /// <summary>
    /// The reader's language for everything after it, refusals of the sign-in and access checks included: early in
    /// the pipeline, since it depends on the request alone (a cookie, the API's Accept-Language), never on the user.
    /// </summary>
    public static WebApplication UseCampaignLanguages(this WebApplication app)
    {
        var localization = new RequestLocalizationOptions
        {
            DefaultRequestCulture = new RequestCulture(Vietnamese),
            SupportedCultures = [Vietnamese, English],
            SupportedUICultures = [Vietnamese, English],
            // Only the person's own choice counts, never the browser's Accept-Language: Vietnamese first.
            RequestCultureProviders = [new CookieRequestCultureProvider { CookieName = LanguageCookie }],
        };
        // The API keeps invariant formats (culture) but answers in the caller's language (UI culture): the
        // language cookie, else Accept-Language, else Vietnamese. Pages follow only the person's own choice.
        var api = new RequestLocalizationOptions
        {
            DefaultRequestCulture = new RequestCulture(CultureInfo.InvariantCulture, Vietnamese),
            SupportedCultures = [CultureInfo.InvariantCulture],
            // The neutral "en" and "vi" too: a client asks for "en" more often than "en-GB".
            SupportedUICultures = [Vietnamese, English, CultureInfo.GetCultureInfo("vi"), CultureInfo.GetCultureInfo("en")],
            RequestCultureProviders = [new CookieRequestCultureProvider { CookieName = LanguageCookie }, new AcceptLanguageHeaderRequestCultureProvider()],
        };
        app.UseWhen(context => !IsApi(context.Request), branch => branch.UseRequestLocalization(localization));
        app.UseWhen(context => IsApi(context.Request), branch => branch.UseRequestLocalization(api));
        return app;
    }

    public static WebApplication MapCampaignWeb(this WebApplication app)
    {
        app.UseStaticFiles();
        // After localization (UseCampaignLanguages): published pages are cached per language (Results/PublishedPages).
        app.UseOutputCache();
        // Inside the output cache, so that it stores the compressed page (one entry per encoding, Results/PublishedPages).
        app.UseWhen(Results.PublishedPages.Compressed, branch => branch.UseResponseCompression());
        app.MapRazorPages();
        return app;
    }

    public const string LanguageCookie = "dtx.lang";

    /// <summary>
    /// Remembers a reader's language ("vi" or "en") in the cookie for a year. Max-Age rather than an expiry date: the
    /// browser counts it on its own clock.
    /// </summary>
    public static void RememberLanguage(HttpContext context, string language) =>
        context.Response.Cookies.Append(LanguageCookie,
            Microsoft.AspNetCore.Localization.CookieRequestCultureProvider.MakeCookieValue(new Microsoft.AspNetCore.Localization.RequestCulture(language == "en" ? English : Vietnamese)),
            new CookieOptions { MaxAge = TimeSpan.FromDays(365), HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true, Secure = context.Request.IsHttps });

    /// <summary>The language this browser chose ("vi" or "en"), or null when it never chose one.</summary>
    public static string? ChosenLanguage(HttpRequest request) =>
        request.Cookies.TryGetValue(LanguageCookie, out var value)
        && Microsoft.AspNetCore.Localization.CookieRequestCultureProvider.ParseCookieValue(value) is { } chosen && chosen.UICultures.Count > 0
            ? (chosen.UICultures[0].Value?.StartsWith("en", StringComparison.Ordinal) == true ? "en" : "vi")
            : null;

    internal static bool IsApi(HttpRequest request) => request.Path.StartsWithSegments("/api");

    private static Task Redirect(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> context)
    {
        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }
}
