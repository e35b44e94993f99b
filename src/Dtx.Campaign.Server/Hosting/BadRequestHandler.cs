using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

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
        var detail = bad.InnerException is JsonException json
            ? $"The JSON body is not valid at {json.Path ?? "$"} (line {json.LineNumber + 1}, byte {json.BytePositionInLine}): {FirstSentence(json.Message)}"
            : bad.InnerException is InvalidDataException or IOException
                // The form reader's own words name the limit ("Multipart body length limit 10551296 exceeded").
                ? $"{bad.Message} {bad.InnerException.Message}"
                : bad.Message;
        context.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = bad.StatusCode,
                Title = "Yêu cầu không đọc được / The request could not be read",
                Detail = detail,
            },
            Exception = exception,
        });
    }

    private static string FirstSentence(string message) => message.Split(" Path:", 2)[0];
}
