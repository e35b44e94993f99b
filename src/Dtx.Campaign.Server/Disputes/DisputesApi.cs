using System.Security.Claims;
using Dtx.Campaign.Server.Council;
using Dtx.Campaign.Server.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dtx.Campaign.Server.Disputes;

internal static class DisputesApi
{
    public static IEndpointRouteBuilder MapDisputes(this IEndpointRouteBuilder app)
    {
        var unit = app.MapGroup("/api/campaigns/{campaignId:guid}/units/{unitId:guid}/disputes").WithTags("Disputes").RequireAuthorization(Policies.UnitAccess);
        unit.MapGet("/", ForUnit).WithSummary("The unit's disputes and the council's answers.");
        unit.MapPost("/", File).WithSummary("Dispute the score of one indicator with a justification and new evidence, inside the dispute window only.");

        var council = app.MapGroup("/api/campaigns/{campaignId:guid}/disputes").WithTags("Disputes").RequireAuthorization();
        council.MapGet("/", Queue).RequireCouncil(CouncilPermission.MemberOrAdministrator)
            .WithSummary("Every dispute of the campaign, open first (council members and administrators).");
        council.MapPost("/{disputeId:guid}/resolution", Resolve).RequireCouncil(CouncilPermission.Member)
            .WithSummary("Uphold a dispute with the new points, or reject it with reasons (council).");
        return app;
    }

    private static async Task<Ok<IReadOnlyList<DisputeView>>> ForUnit(Guid campaignId, Guid unitId, DisputeDesk desk, CancellationToken ct) =>
        TypedResults.Ok(await desk.ListAsync(campaignId, unitId, ct));

    private static async Task<Created<DisputeView>> File(Guid campaignId, Guid unitId, DisputeInput input, DisputeDesk desk, ClaimsPrincipal user, CancellationToken ct)
    {
        var view = await desk.FileAsync(campaignId, unitId, input, user.Identity?.Name ?? "?", ct);
        return TypedResults.Created($"/api/campaigns/{campaignId}/units/{unitId}/disputes", view);
    }

    // The seat is bound from the route's campaign and the caller (CouncilSeat.BindAsync).
    private static async Task<Ok<IReadOnlyList<DisputeView>>> Queue(CouncilSeat seat, DisputeDesk desk, CancellationToken ct) =>
        TypedResults.Ok(await desk.ListAsync(seat.Campaign.Id, null, ct));

    private static async Task<Ok<DisputeView>> Resolve(CouncilSeat seat, Guid disputeId, DisputeResolution input, DisputeDesk desk, CancellationToken ct) =>
        TypedResults.Ok(await desk.ResolveAsync(seat, disputeId, input, ct));
}
