using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Disputes;
using Dtx.Campaign.Server.Results;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Web.Unit;

/// <summary>
/// A unit's published results with the council's notes, indicator by indicator, and its disputes: a
/// dispute is filed here on one indicator inside the dispute window (<see cref="DisputeDesk"/> decides).
/// </summary>
internal sealed class ResultsModel(UnitResults results, DisputeDesk desk, CampaignDbContext db, UiText text) : PageModel
{
    public ResultsApi.UnitResultsView View { get; private set; } = null!;
    public Campaigns.Campaign Campaign { get; private set; } = null!;
    public List<string> Errors { get; } = [];

    [TempData]
    public string? Flash { get; set; }

    [BindProperty]
    public string? Code { get; set; }

    [BindProperty]
    public string? Justification { get; set; }

    [BindProperty]
    public string? Evidence { get; set; }

    /// <summary>The result the unit reads: the final one once published, else the preliminary one.</summary>
    public UnitResult? Shown => View.Final ?? View.Preliminary;

    public async Task<IActionResult> OnGetAsync(Guid campaignId, Guid unitId, CancellationToken ct) =>
        await LoadAsync(campaignId, unitId, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostDisputeAsync(Guid campaignId, Guid unitId, CancellationToken ct)
    {
        try
        {
            var evidence = (Evidence ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var filed = await desk.FileAsync(campaignId, unitId, new DisputeInput(Code ?? "", Justification, evidence), User.Identity?.Name ?? "?", ct);
            Flash = text.Format("DisputeFiled", filed.Code);
            return RedirectToPage(new { campaignId, unitId });
        }
        catch (Refusal e) when (e.Kind == RefusalKind.NotFound)
        {
            return NotFound();
        }
        catch (Refusal e)
        {
            Errors.Add(e.Kind switch
            {
                RefusalKind.Forbidden => text.Format("CouncilRefusedSeat", text.RefusedLine(e)),
                RefusalKind.Conflict => text.Format("CouncilRefusedStage", text.RefusedLine(e)),
                _ => text.RefusedLine(e),
            });
            Response.StatusCode = UiText.StatusOf(e);
        }
        return await LoadAsync(campaignId, unitId, ct) ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync(Guid campaignId, Guid unitId, CancellationToken ct)
    {
        var view = await results.GetAsync(campaignId, unitId, ct);
        if (view is null)
            return false;
        View = view;
        Campaign = await db.Campaigns.AsNoTracking().FirstAsync(c => c.Id == campaignId, ct);
        return true;
    }
}
