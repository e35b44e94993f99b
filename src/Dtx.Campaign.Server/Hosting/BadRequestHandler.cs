using System.Text.Json;
using Dtx.Campaign.Scoring.Refusals;
using Microsoft.AspNetCore.Diagnostics;

namespace Dtx.Campaign.Server.Hosting;

/// <summary>
/// A request the endpoint could not even read (malformed JSON, a wrong type in a field, a missing body)
/// is answered 400 with a problem-details body naming the field and position, not a bare status.
/// </summary>
internal sealed class BadRequestHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad)
            return false;
        var reason = bad.InnerException is JsonException json
            ? Reason.Of("request.json-invalid", ("path", json.Path ?? "$"), ("line", json.LineNumber + 1), ("byte", json.BytePositionInLine), ("why", FirstSentence(json.Message)))
            : bad.InnerException is InvalidDataException or IOException
                // The form reader's own words name the limit ("Multipart body length limit 10551296 exceeded").
                ? Reason.Of("request.unreadable", ("why", $"{bad.Message} {bad.InnerException.Message}"))
                : Reason.Of("request.unreadable", ("why", bad.Message));
        // The framework chose the status (400, 413 for a body over its limit); the refusal keeps it.
        var refusal = new Refusal(bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? RefusalKind.TooLarge : RefusalKind.Invalid, [reason]);
        var details = RefusalProblems.ToProblem(refusal, RefusalProblems.LanguageOf(context));
        details.Status = bad.StatusCode;
        return await RefusalProblems.WriteAsync(context, problems, details, refusal.Code, exception);
    }

    private static string FirstSentence(string message) => message.Split(" Path:", 2)[0];
}
