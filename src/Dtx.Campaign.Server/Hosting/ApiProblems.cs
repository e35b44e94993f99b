using Dtx.Campaign.Server.Imports;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dtx.Campaign.Server.Hosting;

/// <summary>Problem details (RFC 9457) for the server's own refusals, always saying what and where.</summary>
internal static class ApiProblems
{
    public static ProblemHttpResult FileRejected(ImportRejectedException rejected) =>
        rejected.Limit is { } limit
            ? TypedResults.Problem(
                statusCode: StatusCodes.Status413PayloadTooLarge,
                title: "Tệp vượt giới hạn / The file exceeds a limit",
                detail: $"{rejected.File}: nothing was stored. {rejected.Problems[0]}",
                type: "https://dtx-campaign.example/problems/file-limit",
                extensions: new Dictionary<string, object?> { ["limit"] = limit, ["problems"] = rejected.Problems })
            : TypedResults.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "Tệp bị từ chối / The file was refused",
                detail: $"{rejected.Problems.Count} problem(s) in {rejected.File}; nothing was stored. First: {rejected.Problems[0]}",
                type: "https://dtx-campaign.example/problems/file-rejected",
                extensions: new Dictionary<string, object?> { ["problems"] = rejected.Problems });

    public static ProblemHttpResult BadRequest(string detail, string? field = null) =>
        TypedResults.Problem(
            statusCode: StatusCodes.Status400BadRequest,
            title: "Yêu cầu không hợp lệ / Invalid request",
            detail: detail,
            extensions: field is null ? null : new Dictionary<string, object?> { ["field"] = field });

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Xung đột / Conflict", detail: detail);

    public static ProblemHttpResult NotFound(string what) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Không tìm thấy / Not found", detail: $"{what} was not found.");
}
