using Dtx.Campaign.Server.Council;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Disputes;
using Dtx.Campaign.Server.Web.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Dtx.Campaign.Server.Web.Council;

/// <summary>The council's dispute queue, open first; an assigned member (or an organiser) upholds or rejects each with reasons.</summary>
internal sealed class DisputesModel(CampaignDbContext db, DisputeDesk desk, UiText text, IAuthorizationService authorization) : CouncilPage(db, text, authorization)
{
    public IReadOnlyList<DisputeView> Disputes { get; private set; } = [];

    [BindProperty]
    public bool Upheld { get; set; }

    [BindProperty]
    public string? NewPoints { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    public Task<IActionResult> OnGetAsync(Guid campaignId, CancellationToken ct) => ShowAsync(campaignId, ct);

    public Task<IActionResult> OnPostResolveAsync(Guid campaignId, Guid disputeId, CancellationToken ct) =>
        ActAsync(campaignId, CouncilPermission.Member, ct, async seat =>
        {
            var resolved = await desk.ResolveAsync(seat, disputeId, new DisputeResolution(Upheld, Upheld ? Display.ParseInput(NewPoints) : null, Reason), ct);
            return Text.Format(resolved.Status == DisputeStatus.Upheld ? "DisputeUpheld" : "DisputeRejected", resolved.UnitCode, resolved.Code);
        });

    protected override async Task LoadAsync(CouncilSeat seat, CancellationToken ct) =>
        Disputes = await desk.ListAsync(seat.Campaign.Id, null, ct);
}
