using Dtx.Campaign.Server.Council;
using Dtx.Campaign.Server.Hosting;
using Dtx.Campaign.Server.Results;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dtx.Campaign.Server.Awards;

internal static class AwardsApi
{
    public sealed record QuotasRequest(IReadOnlyList<QuotaInput> Quotas);
    public sealed record PublicAward(string UnitCode, string UnitName, string Category, AwardClass Class, int Rank, decimal Percentage, string Serial);

    public static IEndpointRouteBuilder MapAwards(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/campaigns/{campaignId:guid}/awards").WithTags("Awards").RequireAuthorization();
        group.MapGet("/", List).RequireCouncil(CouncilPermission.SeeAwards)
            .WithSummary("The confirmed awards with their certificate serial numbers and verification codes (administrators, observers, council).");
        group.MapPut("/quotas", SetQuotas).RequireCouncil(CouncilPermission.SetAwardQuotas)
            .WithSummary("Per category: how many First, Second and Third class awards, and the least percentage (administrators).");
        group.MapGet("/proposal", Propose).RequireCouncil(CouncilPermission.SeeAwards).WithSummary("The awards the final ranking earns under the quotas, with notes on ties and unfilled places.");
        group.MapPost("/confirmation", Confirm).RequireCouncil(CouncilPermission.ConfirmAwards).WithSummary("The council chair confirms the proposal, or a changed list with a reason; certificates get serial numbers and codes.");
        app.MapGet("/api/public/results/{campaignId:guid}/awards", Public).WithTags("Public results").AllowAnonymous()
            .WithSummary("The awards of a campaign whose final results are published (serial numbers, no verification codes).");
        return app;
    }


    // The seat is bound from the route's campaign and the caller (CouncilSeat.BindAsync).
    private static async Task<Ok<IReadOnlyList<AwardView>>> List(CouncilSeat seat, AwardsDesk desk, CancellationToken ct) =>
        TypedResults.Ok(await desk.ListAsync(seat.Campaign.Id, ct));

    private static async Task<Ok<IReadOnlyList<QuotaInput>>> SetQuotas(CouncilSeat seat, QuotasRequest request, AwardsDesk desk, CancellationToken ct) =>
        TypedResults.Ok(await desk.SetQuotasAsync(seat, request.Quotas ?? [], ct));

    private static async Task<Ok<AwardProposal>> Propose(CouncilSeat seat, AwardsDesk desk, CancellationToken ct) =>
        TypedResults.Ok(await desk.ProposeAsync(seat.Campaign.Id, ct));

    private static async Task<Ok<IReadOnlyList<AwardView>>> Confirm(CouncilSeat seat, AwardConfirmation input, AwardsDesk desk, CancellationToken ct) =>
        TypedResults.Ok(await desk.ConfirmAsync(seat, input, ct));

    private static async Task<Results<Ok<List<PublicAward>>, ProblemHttpResult>> Public(Guid campaignId, ResultsBook results, AwardsDesk desk, CancellationToken ct)
    {
        if (await results.GetAsync(campaignId, ResultKinds.Final, publishedOnly: true, ct) is null)
            return ApiProblems.NotFound($"Published results of campaign {campaignId}");
        return TypedResults.Ok((await desk.ListAsync(campaignId, ct))
            .Select(a => new PublicAward(a.UnitCode, a.UnitName, a.Category, a.Class, a.Rank, a.Percentage, a.Serial)).ToList());
    }
}
