using System.Security.Claims;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dtx.Campaign.Server.Council;

/// <summary>Finds the caller's seat for council endpoints; refusals become problem details in <see cref="RefusalProblems"/>.</summary>
internal static class CouncilProblems
{
    /// <summary>Runs an action for the caller's seat on the campaign's council; 404 when the campaign does not exist.</summary>
    public static async Task<IResult> ForSeat(Guid campaignId, ClaimsPrincipal user, CampaignDbContext db, CancellationToken ct, Func<CouncilSeat, Task<IResult>> action)
    {
        var seat = await CouncilSeat.FindAsync(db, campaignId, user, ct);
        return seat is null ? ApiProblems.NotFound($"Campaign {campaignId}") : await action(seat);
    }

    public static Ok<T> Ok<T>(T value) => TypedResults.Ok(value);
}
