using System.Security.Claims;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dtx.Campaign.Server.Council;

/// <summary>Maps the council's refusals to problem details that say who, what and why.</summary>
internal static class CouncilProblems
{
    /// <summary>Runs an action for the caller's seat on the campaign's council; 404 when the campaign does not exist.</summary>
    public static async Task<IResult> ForSeat(Guid campaignId, ClaimsPrincipal user, CampaignDbContext db, CancellationToken ct, Func<CouncilSeat, Task<IResult>> action)
    {
        var seat = await CouncilSeat.FindAsync(db, campaignId, user, ct);
        return seat is null ? ApiProblems.NotFound($"Campaign {campaignId}") : await Refusing(() => action(seat));
    }

    public static async Task<IResult> Refusing(Func<Task<IResult>> action)
    {
        try
        {
            return await action();
        }
        catch (KeyNotFoundException e)
        {
            return ApiProblems.NotFound(e.Message);
        }
        catch (CouncilForbiddenException e)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Không có quyền / Not allowed", detail: e.Message);
        }
        catch (CouncilInputException e)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [e.Field] = [e.Message] }, title: "Giá trị không hợp lệ / Invalid value");
        }
        catch (StageConflictException e)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Chưa thể thực hiện / Not possible now", detail: e.Message);
        }
    }

    public static Ok<T> Ok<T>(T value) => TypedResults.Ok(value);
}
