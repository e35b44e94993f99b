using System.Text.RegularExpressions;
using Dtx.Campaign.Server.Email;
using Dtx.Campaign.Server.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;

namespace Dtx.Campaign.Server.Hosting;

/// <summary>
/// What <c>/openapi/v1.json</c> tells an integrator beyond the endpoints' shapes: how to authenticate (the session
/// cookie of a signed-in person, or an API token), which operations need which, that refusals are problem details,
/// and the public address. Read from each endpoint's own authorization metadata, so it cannot drift from what the
/// server enforces (<c>OpenApiDocumentTests</c> lints the served document).
/// </summary>
internal static partial class ApiDescription
{
    public const string Session = "session";
    public const string Token = "token";
    private const string Problem = "ProblemDetails";
    private const string ProblemJson = "application/problem+json";

    private static readonly Dictionary<string, string> Tags = new()
    {
        ["Identity"] = "Sign-in, two-factor, passwords, accounts, invitations and API tokens.",
        ["Index sets"] = "The index sets (bộ chỉ số): validate, import and publish YAML or Excel versions.",
        ["Units"] = "Departments and communes: import, contacts, and the people who act for them.",
        ["Campaigns"] = "A year's campaign: schedule, participants, launch, extensions, progress, approvals.",
        ["Workflow"] = "The campaign's stages: where it stands, timers, stage approvals and what they approved, definition versions.",
        ["Self-assessment"] = "A unit's answers, evidence and submission.",
        ["Verification"] = "The Appraisal Council's work: assignments, verified scores, clarification requests.",
        ["Disputes"] = "A unit's disputes of its preliminary result and the council's answers.",
        ["Results"] = "Preliminary and final results: documents, rankings, exports and recomputation.",
        ["Public results"] = "Published results, open to anyone.",
        ["Awards"] = "Award quotas, the proposal the ranking earns and the chair's confirmation.",
        ["Certificates"] = "Certificates of Merit: printing and public checks.",
        ["Notices"] = "Issued documents, the templates they are written with, and each authority's letterhead.",
        ["Targets"] = "The campaign's resolution and plan targets and their status.",
        ["Audit"] = "The append-only audit log and its checks.",
    };

    public static IServiceCollection AddApiDescription(this IServiceCollection services) => services.AddOpenApi(options =>
    {
        options.AddDocumentTransformer(DescribeDocumentAsync);
        options.AddOperationTransformer(DescribeOperationAsync);
    });

    private static Task DescribeDocumentAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        document.Info.Title = "Dtx.Campaign";
        document.Info.Description =
            "Đánh giá chuyển đổi số hằng năm: bộ chỉ số, tự đánh giá, thẩm định, phúc khảo, kết quả, khen thưởng. " +
            "The yearly digital-transformation assessment: index sets, self-assessment, verification, disputes, results, awards. " +
            "Refusals are problem details (RFC 9457) in the language of Accept-Language (vi by default, en).";
        // The address people reach the server at, not the one this request came in on (a node behind a proxy).
        var email = context.ApplicationServices.GetRequiredService<IOptions<EmailOptions>>().Value;
        document.Servers = [new OpenApiServer { Url = email.PublicBaseUrl.TrimEnd('/') }];
        document.Tags = new HashSet<OpenApiTag>(Tags.Select(t => new OpenApiTag { Name = t.Key, Description = t.Value }));
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[Session] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey, In = ParameterLocation.Cookie, Name = IdentitySetup.CookieName,
            Description = "The session of a person signed in with POST /api/auth/login (and two-factor). A change made with it must come " +
                "from the server's own origin (Origin or Sec-Fetch-Site), as a browser's does.",
        };
        document.Components.SecuritySchemes[Token] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http, Scheme = "bearer",
            Description = "An API token created with POST /api/tokens, sent as 'Authorization: Bearer <token>'. It acts within its scope: " +
                "read-only (GET only), one unit (that unit's endpoints only), or its owner's rights.",
        };
        return Task.CompletedTask;
    }

    private static async Task DescribeOperationAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var document = context.Document!;
        var anonymous = metadata.OfType<IAllowAnonymous>().Any() || !metadata.OfType<IAuthorizeData>().Any();
        if (anonymous)
        {
            // An empty requirement: no credentials needed.
            operation.Security = [new OpenApiSecurityRequirement()];
        }
        else
        {
            var sessionOnly = metadata.OfType<IAuthorizeData>().Any(a => a.Policy == Policies.Interactive
                || a.AuthenticationSchemes == IdentityConstants.ApplicationScheme);
            operation.Security = sessionOnly
                ? [Requirement(Session, document)]
                : [Requirement(Session, document), Requirement(Token, document)];
        }

        // A route value that a bound parameter reads (the council seat from {campaignId}) is still a path parameter of the operation.
        foreach (Match m in RouteParameter().Matches(context.Description.RelativePath ?? ""))
        {
            var name = m.Groups["name"].Value.TrimStart('*');   // a catch-all ({**name}) is named without its stars
            operation.Parameters ??= [];
            if (!operation.Parameters.Any(p => p.In == ParameterLocation.Path && p.Name == name))
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = name, In = ParameterLocation.Path, Required = true,
                    Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = m.Value.Contains(":guid", StringComparison.Ordinal) ? "uuid" : null },
                });
        }

        // Stable names for client generators: the method and the route, e.g. postApiCampaignsByIdLaunch.
        operation.OperationId ??= OperationId(context.Description.HttpMethod ?? "get", context.Description.RelativePath ?? "");

        // Every refusal is a problem details document; say so once for all of an operation's 4xx answers.
        if (document.Components?.Schemas?.ContainsKey(Problem) != true)
            document.AddComponent(Problem, await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), cancellationToken: ct));
        operation.Responses ??= [];
        operation.Responses["4XX"] = new OpenApiResponse
        {
            Description = anonymous
                ? "Refused: bad input, not found or a rule of the campaign (problem details)."
                : "Refused: not signed in (401), not allowed (403), bad input, not found or a rule of the campaign (problem details).",
            Content = new Dictionary<string, OpenApiMediaType> { [ProblemJson] = new() { Schema = new OpenApiSchemaReference(Problem, document) } },
        };
    }

    private static string OperationId(string method, string route)
    {
        // "{campaignId:guid}" and "{token}.ics" become words: "By-campaignId", "By-token-.ics".
        var words = RouteParameter().Replace(route, m => "-by-" + m.Groups["name"].Value + "-");
        return method.ToLowerInvariant() + string.Concat(words.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Pascal));
    }

    [GeneratedRegex(@"\{(?<name>[^}:?]+)[^}]*\}")]
    private static partial Regex RouteParameter();

    private static string Pascal(string text) => string.Concat(text.Split('-', '.', '_').Where(w => w.Length > 0)
        .Select(w => char.ToUpperInvariant(w[0]) + w[1..]));

    private static OpenApiSecurityRequirement Requirement(string scheme, OpenApiDocument document) =>
        new() { [new OpenApiSecuritySchemeReference(scheme, document)] = [] };
}
