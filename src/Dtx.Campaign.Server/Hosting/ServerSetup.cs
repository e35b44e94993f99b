using System.Text.Json.Serialization;
using System.Threading.RateLimiting;
using Dtx.Campaign.Server.Audit;
using Dtx.Campaign.Server.Campaigns;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Email;
using Dtx.Campaign.Server.Identity;
using Dtx.Campaign.Server.Inbox;
using Dtx.Campaign.Server.IndexSets;
using Dtx.Campaign.Server.Notices;
using Dtx.Campaign.Server.Results;
using Dtx.Campaign.Server.Scheduling;
using Dtx.Campaign.Server.SelfAssessments;
using Dtx.Campaign.Server.Telemetry;
using Dtx.Campaign.Server.Units;
using Dtx.Campaign.Server.Web;
using Dtx.Campaign.Server.Workflow;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Dtx.Campaign.Server.Hosting;

/// <summary>The one place that wires the server: services in <see cref="AddCampaignServer"/>, endpoints in <see cref="MapCampaignServer"/>.</summary>
internal static class ServerSetup
{
    public static WebApplicationBuilder AddCampaignServer(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton(TimeProvider.System);
        // First hosted service: the database must be migrated before others (data protection's key ring) read it.
        services.AddHostedService<StartupTasks>();
        services.AddCampaignData(builder.Configuration, builder.Environment);
        services.AddDataProtection().SetApplicationName("dtx-campaign").PersistKeysToDbContext<CampaignDbContext>()
            .ProtectKeysAsConfigured(builder.Configuration, builder.Environment);
        services.AddCampaignIdentity(builder.Configuration);
        services.AddAudit();
        services.AddIndexSets(builder.Environment);
        services.AddUnits();
        services.AddCampaigns();
        services.AddSelfAssessments(builder.Configuration, builder.Environment);
        services.AddCampaignScheduling(builder.Configuration, builder.Environment);
        services.AddCampaignWorkflow(builder.Environment);
        services.AddEmail(builder.Configuration, builder.Environment);
        services.AddCouncilWork();
        services.AddNotices(builder.Configuration);
        services.AddInbox();
        services.AddCampaignWeb();
        builder.AddCampaignTelemetry();
        services.AddOptions<Demo.DemoOptions>().Bind(builder.Configuration.GetSection(Demo.DemoOptions.Section));

        services.AddProblemDetails(o => o.CustomizeProblemDetails = StatusProblems.Describe);
        // Binding failures throw so that BadRequestHandler can say what was wrong and where.
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.AddExceptionHandler<BadRequestHandler>();
        services.AddExceptionHandler<RefusalProblems>();
        services.AddExceptionHandler<ServerErrorProblems>();
        services.AddApiDescription();
        // Enums as their kebab-case names (ApiNames), in responses and in the OpenAPI document, which reads these options.
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(ApiNames.Policy)));
        services.AddHealthChecks().AddDbContextCheck<CampaignDbContext>("database");
        // Sign-in requests per client address, a flood guard only: attempts are counted per account and address by
        // SignInThrottle, so that an office behind one address signs in together. Opening a page is never limited.
        // The limits come from SecurityOptions (bound and checked at start-up).
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<SecurityOptions>>((o, options) =>
        {
            var security = options.Value;
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(Certificates.CertificatesApi.VerifyLimit, context => RateLimitPartition.GetFixedWindowLimiter(
                context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = security.VerificationsPerMinute, Window = TimeSpan.FromMinutes(1) }));
            o.AddPolicy(RateLimits.SignIn, context => HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)
                ? RateLimitPartition.GetNoLimiter("pages")
                : RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                    _ => new FixedWindowRateLimiterOptions { PermitLimit = security.SignInRequestsPerAddressPerMinute, Window = TimeSpan.FromMinutes(1) }));
            // Requests with an API token, per address: machine clients are busy, token guessing is not allowed to be.
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                    ? RateLimitPartition.GetFixedWindowLimiter(RateLimits.ApiTokens + ":" + context.Connection.RemoteIpAddress,
                        _ => new FixedWindowRateLimiterOptions { PermitLimit = security.TokenRequestsPerMinute, Window = TimeSpan.FromMinutes(1) })
                    : RateLimitPartition.GetNoLimiter(""));
        });
        return builder;
    }

    public static WebApplication MapCampaignServer(this WebApplication app)
    {
        // A reverse proxy on the same host (loopback, trusted by default) passes the client's address and scheme.
        app.UseForwardedHeaders(new ForwardedHeadersOptions
        {
            ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto,
        });
        // Behind HTTPS (the scheme from the proxy, above) every cookie is Secure: session, two-factor step, antiforgery, language.
        app.UseCookiePolicy(new CookiePolicyOptions { Secure = CookieSecurePolicy.SameAsRequest });
        app.UseSecurityHeaders();
        app.UseCampaignLanguages();
        app.UseCrossSiteRequestCheck();
        if (!app.Environment.IsDevelopment())
            app.UseHsts();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseHostileTextGuard();
        app.UseAuthentication();
        app.UseAccessGate();
        app.UseAuthorization();
        app.UseRateLimiter();

        app.MapOpenApi();
        app.MapHealthChecks("/healthz");
        app.MapAuth();
        app.MapAccounts();
        app.MapIndexSets();
        app.MapUnits();
        app.MapUnitMembers();
        app.MapCampaigns();
        app.MapSelfAssessments();
        app.MapCampaignWorkflow();
        app.MapCalendarFeed();
        app.MapAudit();
        app.MapCouncilWork();
        app.MapNotices();
        app.MapInbox();
        app.MapCampaignWeb();
        return app;
    }
}
