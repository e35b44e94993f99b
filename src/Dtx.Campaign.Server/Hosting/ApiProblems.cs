using System.Globalization;
using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Imports;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dtx.Campaign.Server.Hosting;

/// <summary>
/// Problem details (RFC 9457) that endpoints return rather than throw, in the caller's language (the request's
/// UI culture, set by request localization), through the same catalogue as <see cref="RefusalProblems"/>.
/// </summary>
internal static class ApiProblems
{
    private static string Language => Refusal.LanguageOf(CultureInfo.CurrentUICulture);

    /// <summary>A refusal answered as a value (where the endpoint's typed result says so) rather than thrown.</summary>
    public static ProblemHttpResult From(Refusal refusal, string? type = null)
    {
        var details = RefusalProblems.ToProblem(refusal, Language);
        details.Type = type;
        return TypedResults.Problem(details);
    }

    /// <summary>
    /// A refused file: the first problem with its place in the detail, and every problem in <c>problems</c>
    /// (file, line, field, code, message, parameters), all in the caller's language.
    /// </summary>
    public static ProblemHttpResult FileRejected(ImportRejectedException rejected)
    {
        var first = rejected.Problems[0];
        var extensions = new Dictionary<string, object?> { ["problems"] = Reports(rejected.Problems) };
        if (rejected.Limit is { } limit)
        {
            extensions["limit"] = limit;
            return From(new Refusal(RefusalKind.TooLarge, [Reason.Of("file.limit", ("file", rejected.File), ("first", first.Located))], extensions),
                "https://dtx-campaign.example/problems/file-limit");
        }
        return From(new Refusal(RefusalKind.Invalid, [Reason.Of("file.rejected", ("count", rejected.Problems.Count), ("file", rejected.File), ("first", first.Located))], extensions),
            "https://dtx-campaign.example/problems/file-rejected");
    }

    /// <summary>Each problem of a file as clients read it, in the caller's language.</summary>
    public static IReadOnlyList<FileProblemReport> Reports(IEnumerable<FileProblem> problems) =>
        problems.Select(p => new FileProblemReport(p.File, p.Line, p.Field, p.Code, p.Text(Language),
            p.Reason.Args.ToDictionary(a => a.Key, a => RefusalProblems.Plain(a.Value, Language)))).ToList();

    public static ProblemHttpResult NotFound(string what) => From(Refusal.NotFound("not-found", ("what", what)));
}

/// <summary>One problem of a refused file in an answer: where, the stable code with its parameters, and the text.</summary>
public sealed record FileProblemReport(string File, int? Line, string Field, string Code, string Message, IReadOnlyDictionary<string, object?> Parameters);
