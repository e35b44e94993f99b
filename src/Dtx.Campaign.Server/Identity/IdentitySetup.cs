using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Dtx.Campaign.Server.Data;
using Microsoft.AspNetCore.Identity;

namespace Dtx.Campaign.Server.Identity;

internal static class IdentitySetup
{
    /// <summary>The default scheme: an API token when the request carries one, the session cookie otherwise.</summary>
    public const string CookieOrToken = "cookie-or-token";

    /// <summary>The session cookie of a signed-in person.</summary>
    public const string CookieName = "dtx.auth";

    public static IServiceCollection AddCampaignIdentity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<BootstrapOptions>().Bind(configuration.GetSection(BootstrapOptions.Section));
        services.AddOptions<LinkTokenOptions>().Bind(configuration.GetSection(LinkTokenOptions.Section));
        services.AddIdentity<AppUser, IdentityRole>(o =>
            {
                o.User.RequireUniqueEmail = true;
                o.Password.RequiredLength = 10;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                // Both on the application's clock (Identity's own read the system clock).
                o.Tokens.AuthenticatorTokenProvider = TotpTokenProvider.Name;
                o.Tokens.PasswordResetTokenProvider = LinkTokenProvider.Name;
            })
            .AddEntityFrameworkStores<CampaignDbContext>()
            .AddDefaultTokenProviders()
            .AddTokenProvider<TotpTokenProvider>(TotpTokenProvider.Name)
            .AddTokenProvider<LinkTokenProvider>(LinkTokenProvider.Name)
            .AddUserManager<AppUserManager>()
            .AddClaimsPrincipalFactory<AppClaimsPrincipalFactory>()
            .AddPasswordValidator<PasswordPolicy>();
        services.ConfigureApplicationCookie(o =>
        {
            o.Cookie.Name = CookieName;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.SlidingExpiration = true;
            // APIs answer 401/403 instead of redirecting to a login page.
            o.Events.OnRedirectToLogin = context => Deny(context.Response, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = context => Deny(context.Response, StatusCodes.Status403Forbidden);
        });
        // After AddIdentity, so that these defaults win over the cookie-only ones it sets.
        services.AddAuthentication(o =>
            {
                o.DefaultScheme = CookieOrToken;
                o.DefaultAuthenticateScheme = CookieOrToken;
                o.DefaultChallengeScheme = CookieOrToken;
                o.DefaultForbidScheme = CookieOrToken;
            })
            .AddPolicyScheme(CookieOrToken, "Session cookie or API token", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? ApiTokenHandler.SchemeName : IdentityConstants.ApplicationScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenHandler>(ApiTokenHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Administer, p => p.RequireRole(Roles.SystemAdmin, Roles.CampaignAdmin))
            .AddPolicy(Policies.ManageAccounts, p => p.RequireRole(Roles.SystemAdmin))
            .AddPolicy(Policies.UnitAccess, p => p.RequireAuthenticatedUser().AddRequirements(new UnitAccessRequirement()))
            .AddPolicy(Policies.UnitHead, p => p.RequireAuthenticatedUser().AddRequirements(new UnitHeadRequirement()))
            .AddPolicy(Policies.Interactive, p => p.AddAuthenticationSchemes(IdentityConstants.ApplicationScheme).RequireAuthenticatedUser());
        services.AddScoped<IAuthorizationHandler, UnitAccessHandler>();
        services.AddScoped<IAuthorizationHandler, UnitHeadHandler>();
        services.AddSingleton<IAuthorizationHandler, Council.CouncilPermissionHandler>();
        services.AddScoped<AdminBootstrap>();
        services.AddScoped<AccountMail>();
        services.AddScoped<TwoFactorRule>();
        services.AddScoped<SignInFlow>();
        services.AddOptions<SecurityOptions>().Bind(configuration.GetSection(SecurityOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SignInThrottleOptions>().Bind(configuration.GetSection(SignInThrottleOptions.Section))
            .Validate(o => o.FailuresPerAddress > 0 && o.FailuresPerAccount >= o.FailuresPerAddress && o.Window > TimeSpan.Zero,
                "Security:SignIn needs FailuresPerAddress > 0, FailuresPerAccount >= FailuresPerAddress and a positive Window.")
            .ValidateOnStart();
        services.AddScoped<SignInThrottle>();
        services.AddScoped<Invitations>();
        return services;
    }

    private static Task Deny(HttpResponse response, int status)
    {
        response.StatusCode = status;
        return Task.CompletedTask;
    }
}
