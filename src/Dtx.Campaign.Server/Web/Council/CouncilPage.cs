using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Council;
using Dtx.Campaign.Server.Data;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Dtx.Campaign.Server.Web.Council;

/// <summary>
/// What every council page does: find the reader's seat on the campaign's council (by e-mail), show the
/// page for it, and turn the council's refusals into a message on the page with the status the API would
/// answer (400 input, 403 seat, 409 stage). The rules stay in the council's services.
/// </summary>
internal abstract class CouncilPage(CampaignDbContext db, UiText text) : PageModel
{
    public CouncilSeat Seat { get; private set; } = null!;

    public List<string> Errors { get; } = [];

    [TempData]
    public string? Flash { get; set; }

    protected UiText Text => text;

    protected CampaignDbContext Db => db;

    /// <summary>Reads what the page shows for this seat.</summary>
    protected abstract Task LoadAsync(CouncilSeat seat, CancellationToken ct);

    protected async Task<IActionResult> ShowAsync(Guid campaignId, CancellationToken ct)
    {
        if (await FindSeatAsync(campaignId, ct) is { } refusal)
            return refusal;
        try
        {
            await LoadAsync(Seat, ct);
            return Page();
        }
        catch (Exception e) when (e is KeyNotFoundException or Refusal { Kind: RefusalKind.NotFound })
        {
            return NotFound();
        }
        catch (Refusal e) when (e.Kind == RefusalKind.Forbidden)
        {
            return Forbid();
        }
    }

    /// <summary>Runs an action; on success comes back (a fresh GET) with its message, on refusal shows the page again with the reason.</summary>
    protected async Task<IActionResult> ActAsync(Guid campaignId, CancellationToken ct, Func<CouncilSeat, Task<string>> action, string? anchor = null)
    {
        if (await FindSeatAsync(campaignId, ct) is { } refusal)
            return refusal;
        int status;
        try
        {
            Flash = await action(Seat);
            return Redirect(Request.Path + (anchor is null ? "" : "#" + anchor));
        }
        catch (Exception e) when (e is KeyNotFoundException or Refusal { Kind: RefusalKind.NotFound })
        {
            return NotFound();
        }
        catch (Refusal e)
        {
            status = UiText.StatusOf(e);
            Errors.Add(e.Kind switch
            {
                RefusalKind.Forbidden => text.Format("CouncilRefusedSeat", text.RefusedLine(e)),
                RefusalKind.Conflict => text.Format("CouncilRefusedStage", text.RefusedLine(e)),
                _ => text.RefusedLine(e),
            });
        }
        catch (FormatException e)
        {
            status = StatusCodes.Status400BadRequest;
            Errors.Add(text.Format("InvalidNumber", e.Message));
        }
        try
        {
            await LoadAsync(Seat, ct);
        }
        catch (Refusal e) when (e.Kind == RefusalKind.Forbidden)
        {
            return Forbid();
        }
        Response.StatusCode = status;
        return Page();
    }

    private async Task<IActionResult?> FindSeatAsync(Guid campaignId, CancellationToken ct)
    {
        var seat = await CouncilSeat.FindAsync(db, campaignId, User, ct);
        if (seat is null)
            return NotFound();
        // Neither on this council nor an administrator: the same "access denied" page as any other page.
        if (seat.Member is null && !seat.IsAdministrator)
            return Forbid();
        Seat = seat;
        return null;
    }
}
