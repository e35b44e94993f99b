using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Council;
using Dtx.Campaign.Server.Disputes;
using Dtx.Campaign.Server.Hosting;
using Dtx.Campaign.Server.Identity;
using Dtx.Campaign.Server.Verification;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dtx.Campaign.Server.Results;

internal static class ResultsApi
{
    public sealed record UnitResultsView(UnitResult? Preliminary, UnitResult? Final, IReadOnlyList<ScoreChangeView> History, IReadOnlyList<DisputeView> Disputes);
    public sealed record PublishedCampaign(Guid CampaignId, int Year, string Name, DateTimeOffset PublishedAt, string Checksum);
    /// <summary>A result document as computed (the council's view), with its checksum.</summary>
    public sealed record ComputedResults(string Checksum, DateTimeOffset ComputedAt, DateTimeOffset? PublishedAt, ResultDocument Results);
    /// <summary>Published rankings without the indicator detail, with the checksum of the whole document.</summary>
    public sealed record PublishedRanking(string Checksum, DateTimeOffset? PublishedAt, ResultDocument Results);
    public sealed record PublishedUnit(string Checksum, string Category, UnitResult Result);

    public static IEndpointRouteBuilder MapResults(this IEndpointRouteBuilder app)
    {
        var inside = app.MapGroup("/api/campaigns/{campaignId:guid}/results/{kind}").WithTags("Results").RequireAuthorization();
        inside.MapGet("/", Get).RequireCouncil(CouncilPermission.SeeResults)
            .WithSummary("The whole result document (preliminary or final) with its checksum: administrators, observers and the council.");
        inside.MapGet("/export.csv", Csv).RequireCouncil(CouncilPermission.SeeResults).WithSummary("The ranking as CSV, each row carrying the checksum.");
        inside.MapGet("/export.xlsx", Xlsx).RequireCouncil(CouncilPermission.SeeResults).WithSummary("Ranking, groups, indicators and aggregates as an Excel workbook with the checksum.");
        inside.MapPost("/recompute", Recompute).RequireAuthorization(Policies.Administer)
            .WithSummary("Compute again from the stored data and say whether the figures are byte-identical to the stored ones.");

        app.MapGet("/api/campaigns/{campaignId:guid}/units/{unitId:guid}/results", ForUnit).WithTags("Results").RequireAuthorization(Policies.UnitAccess)
            .WithSummary("The unit's published results: verified scores with the council's notes, preliminary rank, final result, score history and disputes.");

        var open = app.MapGroup("/api/public/results").WithTags("Public results").AllowAnonymous().CacheOutput(PublishedPages.Policy);
        open.MapGet("/", Published).WithSummary("Campaigns whose final results are published.");
        open.MapGet("/{campaignId:guid}", PublicRanking).WithSummary("Published final results: rankings per category, group scores, aggregates.");
        open.MapGet("/{campaignId:guid}/units/{unitCode}", PublicUnit).WithSummary("One unit's published final result, indicator by indicator.");
        open.MapGet("/{campaignId:guid}/export.csv", PublicCsv).WithSummary("Published ranking as CSV with the checksum.");
        open.MapGet("/{campaignId:guid}/export.xlsx", PublicXlsx).WithSummary("Published results as an Excel workbook with the checksum.");
        return app;
    }

    /// <summary>An inside view of the results (the seat is bound from the route's campaign; its permission is the endpoint's).</summary>
    private static async Task<Results<T, ProblemHttpResult>> Inside<T>(CouncilSeat seat, string kind, ResultsBook book, CancellationToken ct,
        Func<ResultSet, ResultDocument, T> answer) where T : IResult
    {
        if (!ResultKinds.IsKnown(kind))
            return ApiProblems.NotFound($"Results of kind '{kind}' (use preliminary or final)");
        return await book.GetAsync(seat.Campaign.Id, kind, publishedOnly: false, ct) is { } r ? answer(r.Set, r.Document)
            : ApiProblems.NotFound($"The {kind} results of campaign {seat.Campaign.Id} (not computed yet)");
    }

    private static Task<Results<Ok<ComputedResults>, ProblemHttpResult>> Get(CouncilSeat seat, string kind, ResultsBook book, CancellationToken ct) =>
        Inside(seat, kind, book, ct, (set, doc) => TypedResults.Ok(new ComputedResults(set.Checksum, set.ComputedAt, set.PublishedAt, doc)));

    private static Task<Results<WithChecksum, ProblemHttpResult>> Csv(CouncilSeat seat, string kind, ResultsBook book, CancellationToken ct) =>
        Inside(seat, kind, book, ct, CsvFile);

    private static Task<Results<WithChecksum, ProblemHttpResult>> Xlsx(CouncilSeat seat, string kind, ResultsBook book, CancellationToken ct) =>
        Inside(seat, kind, book, ct, XlsxFile);

    private static async Task<Results<Ok<RecomputeReport>, ProblemHttpResult>> Recompute(Guid campaignId, string kind, ResultsBook book, CancellationToken ct) =>
        await book.RecomputeAsync(campaignId, kind, ct) is { } report ? TypedResults.Ok(report)
            : ApiProblems.NotFound($"The {kind} results of campaign {campaignId}");

    private static async Task<Results<Ok<UnitResultsView>, ProblemHttpResult>> ForUnit(Guid campaignId, Guid unitId, UnitResults results, CancellationToken ct) =>
        await results.GetAsync(campaignId, unitId, ct) switch
        {
            null => ApiProblems.NotFound($"Unit {unitId} in campaign {campaignId}"),
            { Preliminary: null, Final: null } => ApiProblems.From(Refusal.Conflict("results.none-yet")),
            var view => TypedResults.Ok(view),
        };

    private static async Task<Ok<List<PublishedCampaign>>> Published(PublicResults results, CancellationToken ct) =>
        TypedResults.Ok((await results.ListAsync(ct)).Select(r => new PublishedCampaign(r.CampaignId, r.Year, r.NameVi, r.PublishedAt, r.Checksum)).ToList());

    private static async Task<Results<T, ProblemHttpResult>> PublicDocument<T>(Guid campaignId, PublicResults results, CancellationToken ct,
        Func<ResultSet, ResultDocument, T> answer) where T : IResult =>
        await results.GetAsync(campaignId, ct) is { } r ? answer(r.Set, r.Document) : ApiProblems.NotFound($"Published results of campaign {campaignId}");

    private static Task<Results<Ok<PublishedRanking>, ProblemHttpResult>> PublicRanking(Guid campaignId, PublicResults results, CancellationToken ct) =>
        PublicDocument(campaignId, results, ct, (set, doc) => TypedResults.Ok(new PublishedRanking(set.Checksum, set.PublishedAt,
            doc with { Categories = doc.Categories.Select(c => c with { Units = c.Units.Select(u => u with { Indicators = [] }).ToList() }).ToList() })));

    private static async Task<Results<Ok<PublishedUnit>, ProblemHttpResult>> PublicUnit(Guid campaignId, string unitCode, PublicResults results, CancellationToken ct)
    {
        if (await results.GetAsync(campaignId, ct) is not { } r)
            return ApiProblems.NotFound($"Published results of campaign {campaignId}");
        return r.Document.Categories.SelectMany(c => c.Units.Select(u => (c.Category, u))).FirstOrDefault(x => x.u.UnitCode == unitCode) is { u: not null } found
            ? TypedResults.Ok(new PublishedUnit(r.Set.Checksum, found.Category, found.u))
            : ApiProblems.NotFound($"Unit {unitCode} in the published results");
    }

    private static Task<Results<WithChecksum, ProblemHttpResult>> PublicCsv(Guid campaignId, PublicResults results, CancellationToken ct) =>
        PublicDocument(campaignId, results, ct, CsvFile);

    private static Task<Results<WithChecksum, ProblemHttpResult>> PublicXlsx(Guid campaignId, PublicResults results, CancellationToken ct) =>
        PublicDocument(campaignId, results, ct, XlsxFile);

    private static WithChecksum CsvFile(ResultSet set, ResultDocument doc) =>
        new(TypedResults.File(ResultsExport.Csv(doc, set.Checksum), "text/csv; charset=utf-8", $"ket-qua-{doc.Year}-{set.Kind}.csv"), set.Checksum);

    private static WithChecksum XlsxFile(ResultSet set, ResultDocument doc) =>
        new(TypedResults.File(ResultsExport.Excel(doc, set.Checksum), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            $"ket-qua-{doc.Year}-{set.Kind}.xlsx"), set.Checksum);

    /// <summary>Adds the result set's checksum as a header, so a downloaded export can be matched to what was computed.</summary>
    internal sealed class WithChecksum(IResult inner, string checksum) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers["X-Results-SHA256"] = checksum;
            return inner.ExecuteAsync(httpContext);
        }
    }
}
