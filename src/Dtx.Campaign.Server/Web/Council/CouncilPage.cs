using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Council;
using Dtx.Campaign.Server.Data;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Dtx.Campaign.Server.Web.Council;

/// <summary>
/// What every council page does: find the reader's seat on the campaign's council (by e-mail), show the
/// page for it, and turn the council's refusals into a message on the page with the status the API would
/// answer (400 input, 403 seat, 409 stage). Who may open the page and who may do each of its actions are
/// <see cref="CouncilPermission"/>s, asked of the same authorization service as the API's; the rest of the
/// rules stay in the council's services.
/// </summary>
internal abstract class CouncilPage(CampaignDbContext db, UiText text, IAuthorizationService authorization) : PageModel
{
    public CouncilSeat Seat { get; private set; } = null!;

    public List<string> Errors { get; } = [];

    [TempData]
    public string? Flash { get; set; }

    protected UiText Text => text;

    protected CampaignDbContext Db => db;

    /// <summary>Who may open the page (and so act on it): the council and administrators, unless the page says otherwise.</summary>
    protected virtual CouncilPermission Readers => CouncilPermission.MemberOrAdministrator;

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

    /// <summary>
    /// Runs an action the seat has <paramref name="permission"/> for; on success comes back (a fresh GET) with its message,
    /// on refusal (the permission's or the action's own) shows the page again with the reason.
    /// </summary>
    protected async Task<IActionResult> ActAsync(Guid campaignId, CouncilPermission permission, CancellationToken ct, Func<CouncilSeat, Task<string>> action,
        string? anchor = null)
    {
        if (await FindSeatAsync(campaignId, ct) is { } refusal)
            return refusal;
        int status;
        try
        {
            if (await authorization.CouncilRefusalAsync(User, Seat, permission) is { } refused)
                status = Show(refused);
            else
            {
                Flash = await action(Seat);
                return Redirect(Request.Path + (anchor is null ? "" : "#" + anchor));
            }
        }
        catch (Exception e) when (e is KeyNotFoundException or Refusal { Kind: RefusalKind.NotFound })
        {
            return NotFound();
        }
        catch (Refusal e)
        {
            status = Show(e);
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

    /// <summary>Puts the refusal's reason on the page, saying whether the seat or the stage stood in the way; the status the API would answer.</summary>
    private int Show(Refusal refusal)
    {
        Errors.Add(refusal.Kind switch
        {
            RefusalKind.Forbidden => text.Format("CouncilRefusedSeat", text.RefusedLine(refusal)),
            RefusalKind.Conflict => text.Format("CouncilRefusedStage", text.RefusedLine(refusal)),
            _ => text.RefusedLine(refusal),
        });
        return UiText.StatusOf(refusal);
    }

    private async Task<IActionResult?> FindSeatAsync(Guid campaignId, CancellationToken ct)
    {
        var seat = await CouncilSeat.FindAsync(db, campaignId, User, ct);
        if (seat is null)
            return NotFound();
        // Without the page's permission (by default: neither on this council nor an administrator), the same "access denied" page as any other page.
        if (await authorization.CouncilRefusalAsync(User, seat, Readers) is not null)
            return Forbid();
        Seat = seat;
        return null;
    }
}
