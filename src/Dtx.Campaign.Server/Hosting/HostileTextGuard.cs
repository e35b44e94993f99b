using System.Text;
using System.Text.RegularExpressions;
using Dtx.Campaign.Scoring.Refusals;
using Microsoft.AspNetCore.Mvc;

namespace Dtx.Campaign.Server.Hosting;

/// <summary>
/// Refuses a JSON request body that carries a NUL or a bidirectional-override character in any text, or that is
/// larger than any of this API's JSON bodies needs. A NUL cannot be stored in PostgreSQL text (the save failed
/// with 500) and an override makes a name read backwards ("gpj.exe"); neither belongs in a name, note or template.
/// Checked once here rather than in every endpoint, before model binding. The fields of a page's form post
/// (urlencoded) are checked the same way, decoded; a multipart page form's text fields by <see cref="MultipartPageFilter"/>.
/// </summary>
internal static partial class HostileTextGuard
{
    /// <summary>The largest JSON body: a notice template is at most 200 000 characters.</summary>
    public const long MaxJsonBytes = 2 * 1024 * 1024;

    [GeneratedRegex(@"[\u0000\u200E\u200F\u061C\u202A-\u202E\u2066-\u2069]")]
    private static partial Regex ForbiddenRaw();

    // Raw characters, and the JSON escapes of the same characters.
    [GeneratedRegex(@"[\u0000\u200E\u200F\u061C\u202A-\u202E\u2066-\u2069]|\\u(0000|200[eEfF]|061[cC]|202[a-eA-E]|206[6-9])")]
    private static partial Regex Forbidden();

    public static IApplicationBuilder UseHostileTextGuard(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method) && request.HasJsonContentType())
        {
            if (request.ContentLength > MaxJsonBytes)
            {
                await RefusalProblems.AnswerAsync(context, TooLarge);
                return;
            }
            request.EnableBuffering();
            var buffer = new MemoryStream();
            var chunk = new byte[16 * 1024];
            int read;
            while ((read = await request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
            {
                buffer.Write(chunk, 0, read);
                if (buffer.Length > MaxJsonBytes)
                {
                    await RefusalProblems.AnswerAsync(context, TooLarge);
                    return;
                }
            }
            request.Body.Position = 0;
            var text = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
            if (Forbidden().Match(text) is { Success: true } match)
            {
                var line = text.AsSpan(0, match.Index).Count('\n') + 1;
                await RefusalProblems.AnswerAsync(context, Refusal.Invalid([Reason.Of("request.hostile-character", ("line", line), ("offset", match.Index))]));
                return;
            }
        }
        else if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method)
            && request.ContentType?.StartsWith("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) == true)
        {
            // The form is read once and kept: the page binds from the same collection.
            IFormCollection form;
            try
            {
                form = await request.ReadFormAsync(context.RequestAborted);
            }
            catch (InvalidDataException e)
            {
                // A NUL (%00) makes the framework's decoder throw, which answered 500; so does a value over its limit.
                await RefusalProblems.AnswerAsync(context, Refusal.Invalid([Reason.Of("request.form-unreadable", ("why", e.Message))]));
                return;
            }
            if (FieldProblem(form) is { } problem)
            {
                await RefusalProblems.AnswerAsync(context, problem);
                return;
            }
        }
        await next(context);
    });

    private static readonly Refusal TooLarge = new(RefusalKind.TooLarge, [Reason.Of("request.json-too-large", ("max", MaxJsonBytes))]);

    private static Refusal? FieldProblem(IFormCollection form)
    {
        foreach (var (field, values) in form)
        {
            if (values.Any(v => v is not null && ForbiddenRaw().IsMatch(v)) || ForbiddenRaw().IsMatch(field))
            {
                var shown = ForbiddenRaw().Replace(field, "?");
                return Refusal.Invalid(field, "request.field-hostile-character", ("field", shown));
            }
        }
        return null;
    }

    /// <summary>
    /// The text fields of a page's multipart form (evidence, imports, a certificate check), checked after binding:
    /// reading such a form here, before the page's own size limits apply, would buffer its files under the default
    /// limits. Its file names are cleaned where files are stored.
    /// </summary>
    internal sealed class MultipartPageFilter : Microsoft.AspNetCore.Mvc.Filters.IAsyncPageFilter
    {
        public Task OnPageHandlerSelectionAsync(Microsoft.AspNetCore.Mvc.Filters.PageHandlerSelectedContext context) => Task.CompletedTask;

        public async Task OnPageHandlerExecutionAsync(Microsoft.AspNetCore.Mvc.Filters.PageHandlerExecutingContext context, Microsoft.AspNetCore.Mvc.Filters.PageHandlerExecutionDelegate next)
        {
            var request = context.HttpContext.Request;
            if (request.HasFormContentType && request.ContentType?.StartsWith("multipart/", StringComparison.OrdinalIgnoreCase) == true
                && FieldProblem(await request.ReadFormAsync(context.HttpContext.RequestAborted)) is { } problem)
            {
                await RefusalProblems.AnswerAsync(context.HttpContext, problem);
                context.Result = new EmptyResult();
                return;
            }
            await next();
        }
    }
}
