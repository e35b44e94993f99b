using System.Globalization;
using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Web;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.WebUtilities;

namespace Dtx.Campaign.Server.Hosting;

/// <summary>
/// The one place where a <see cref="Refusal"/> becomes an HTTP answer: problem details with its status, the
/// stable <c>code</c> and its <c>parameters</c>, the title and detail in the person's language (the request's
/// UI culture: language cookie, else Accept-Language, else Vietnamese), and per-field <c>errors</c> for input; a
/// browser's page request gets the same title and detail as a page in the site's layout.
/// </summary>
internal sealed class RefusalProblems(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not Refusal refusal)
            return false;
        var details = ToProblem(refusal, LanguageOf(context));
        return await WriteAsync(context, problems, details, refusal.Code, exception);
    }

    /// <summary>The reader's language: the culture the localization middleware chose (the current culture does not flow back out of it).</summary>
    public static string LanguageOf(HttpContext context) =>
        Refusal.LanguageOf(context.Features.Get<IRequestCultureFeature>()?.RequestCulture.UICulture ?? CultureInfo.CurrentUICulture);

    /// <summary>Answers a refusal from a middleware that runs before endpoints (and outside the exception handler's reach).</summary>
    public static Task AnswerAsync(HttpContext context, Refusal refusal, string? type = null)
    {
        var problem = ToProblem(refusal, LanguageOf(context));
        problem.Type = type;
        return Microsoft.AspNetCore.Http.Results.Problem(problem).ExecuteAsync(context);
    }

    /// <summary>Problem details for the API, the same title and reason as a page in the site's layout for a browser's page request.</summary>
    public static async ValueTask<bool> WriteAsync(HttpContext context, IProblemDetailsService problems, ProblemDetails details, string code, Exception exception)
    {
        context.Response.StatusCode = details.Status!.Value;
        if (WantsPage(context.Request))
        {
            // A person at a page gets a page in their language, not a JSON document. The exception handler has cleared
            // the endpoint, which the layout's links need (endpoint routing): the page's own is put back.
            context.SetEndpoint(context.Features.Get<IExceptionHandlerFeature>()?.Endpoint);
            await context.RequestServices.GetRequiredService<IActionResultExecutor<ViewResult>>().ExecuteAsync(
                new ActionContext(context, context.GetRouteData(), new Microsoft.AspNetCore.Mvc.Abstractions.ActionDescriptor()),
                new ViewResult
                {
                    ViewName = "/Web/Shared/Refused.cshtml",
                    StatusCode = details.Status,
                    ViewData = new ViewDataDictionary<Web.Shared.RefusedView>(new EmptyModelMetadataProvider(), new ModelStateDictionary())
                    {
                        Model = new(code, details.Title!, details.Detail!),
                    },
                });
            return true;
        }
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = details, Exception = exception });
    }

    // A browser's page request (not the API, not an htmx fragment): it asks for HTML.
    private static bool WantsPage(HttpRequest request) =>
        !WebSetup.IsApi(request) && !request.Headers.ContainsKey("HX-Request")
        && request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));

    public static int StatusOf(RefusalKind kind) => kind switch
    {
        RefusalKind.Invalid => StatusCodes.Status400BadRequest,
        RefusalKind.Forbidden => StatusCodes.Status403Forbidden,
        RefusalKind.NotFound => StatusCodes.Status404NotFound,
        RefusalKind.TooLarge => StatusCodes.Status413PayloadTooLarge,
        RefusalKind.Unauthorized => StatusCodes.Status401Unauthorized,
        RefusalKind.Locked => StatusCodes.Status423Locked,
        RefusalKind.TooManyRequests => StatusCodes.Status429TooManyRequests,
        _ => StatusCodes.Status409Conflict,
    };

    public static ProblemDetails ToProblem(Refusal refusal, string language)
    {
        var details = new ProblemDetails
        {
            Status = StatusOf(refusal.Kind),
            Title = RefusalTexts.Title(refusal.Kind, language),
            Detail = string.Join("; ", refusal.Texts(language)),
        };
        details.Extensions["code"] = refusal.Code;
        details.Extensions["parameters"] = refusal.Reasons[0].Args.ToDictionary(a => a.Key, a => Plain(a.Value, language));
        if (refusal.Reasons.Any(r => r.Field is not null))
        {
            details.Extensions["errors"] = refusal.Reasons.GroupBy(r => r.Field ?? "")
                .ToDictionary(g => g.Key, g => g.Select(r => r.Text(language)).ToArray());
            details.Extensions["reasons"] = refusal.Reasons.Select(r => new { r.Field, r.Code }).ToList();
        }
        foreach (var (key, value) in refusal.Extensions)
            details.Extensions[key] = value;
        return details;
    }

    // Parameters as JSON scalars or lists; a label is sent as its key, which clients can act on.
    public static object? Plain(object? value, string language) => value switch
    {
        Label label => label.Key,
        Reason reason => reason.Text(language),
        Words words => language == "en" ? words.En : words.Vi,
        LocalTime time => time.ToString(),
        string or null => value,
        System.Collections.IEnumerable items => items.Cast<object?>().Select(i => Plain(i, language)).ToList(),
        _ => value,
    };
}

/// <summary>
/// Any other failure (a defect, a database that went away): 500 with a reference to the log entry, in the reader's
/// language, as problem details or as a page; never the framework's English default. Registered last.
/// </summary>
internal sealed class ServerErrorProblems(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var language = RefusalProblems.LanguageOf(context);
        var reference = System.Diagnostics.Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier;
        var details = new ProblemDetails
        {
            Status = StatusCodes.Status500InternalServerError,
            Title = RefusalTexts.Render("server.error-title", new Dictionary<string, object?>(), language),
            Detail = RefusalTexts.Render("server.error", new Dictionary<string, object?> { ["reference"] = reference }, language),
        };
        details.Extensions["code"] = "server.error";
        details.Extensions["reference"] = reference;
        return await RefusalProblems.WriteAsync(context, problems, details, "server.error", exception);
    }
}

/// <summary>
/// Problems the framework writes from a status alone (no such route, a method or content type the route does not
/// take, not signed in): titled in the reader's language and given a code, like every other refusal.
/// </summary>
internal static class StatusProblems
{
    public static void Describe(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Status is not { } status || problem.Extensions.ContainsKey("code"))
            return;
        var code = $"http.{status}";
        // Only the framework's own title is replaced: a problem written with a title of ours keeps it.
        if (!RefusalTexts.Texts.ContainsKey(code) || (problem.Title is { } title && title != ReasonPhrases.GetReasonPhrase(status)))
            return;
        var request = context.HttpContext.Request;
        problem.Title = RefusalTexts.Render(code, new Dictionary<string, object?>
        {
            // The client's own header, said back: cut short, it cannot fill the answer.
            ["method"] = request.Method, ["contentType"] = request.ContentType is { Length: > 100 } sent ? sent[..100] + "…" : request.ContentType ?? "",
        }, RefusalProblems.LanguageOf(context.HttpContext));
        problem.Extensions["code"] = code;
    }
}
