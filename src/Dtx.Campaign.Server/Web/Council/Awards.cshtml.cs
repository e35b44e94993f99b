using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Awards;
using Dtx.Campaign.Server.Council;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Web.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Web.Council;

/// <summary>
/// Emulation awards: an administrator sets the quotas per category, everyone on the council sees the list the
/// final ranking earns under them, and the chair confirms it, which issues the award decision and queues the
/// Certificates of Merit. After confirmation the page lists the awards with their certificates.
/// </summary>
internal sealed class AwardsModel(CampaignDbContext db, AwardsDesk desk, UiText text, IAuthorizationService authorization) : CouncilPage(db, text, authorization)
{
    public sealed class QuotaRow
    {
        public string Category { get; set; } = "";
        public int First { get; set; }
        public int Second { get; set; }
        public int Third { get; set; }
        public string? MinPercentage { get; set; }
    }

    [BindProperty]
    public List<QuotaRow> Quotas { get; set; } = [];

    public AwardProposal? Proposal { get; private set; }

    /// <summary>Why there is no proposal yet (the final results are not computed), in the service's words.</summary>
    public string? ProposalUnavailable { get; private set; }

    public IReadOnlyList<AwardView> Confirmed { get; private set; } = [];

    public Task<IActionResult> OnGetAsync(Guid campaignId, CancellationToken ct) => ShowAsync(campaignId, ct);

    public Task<IActionResult> OnPostQuotasAsync(Guid campaignId, CancellationToken ct) =>
        ActAsync(campaignId, CouncilPermission.SetAwardQuotas, ct, async seat =>
        {
            var quotas = Quotas.Select(q => new QuotaInput(q.Category, q.First, q.Second, q.Third,
                string.IsNullOrWhiteSpace(q.MinPercentage) ? null : Display.ParseInput(q.MinPercentage))).ToList();
            await desk.SetQuotasAsync(seat, quotas, ct);
            return Text["QuotasSaved"];
        }, "quotas");

    public Task<IActionResult> OnPostConfirmAsync(Guid campaignId, CancellationToken ct) =>
        ActAsync(campaignId, CouncilPermission.ConfirmAwards, ct, async seat =>
        {
            var awards = await desk.ConfirmAsync(seat, new AwardConfirmation(null, null), ct);
            return Text.Format("AwardsConfirmed", awards.Count);
        }, "awards");

    public Task<IActionResult> OnPostRevokeAsync(Guid campaignId, string serial, string? reason, CancellationToken ct) =>
        ActAsync(campaignId, CouncilPermission.RevokeCertificate, ct, async seat =>
        {
            await desk.RevokeCertificateAsync(seat, serial, reason, ct);
            return Text.Format("CertificateRevokedFlash", serial);
        }, "awards");

    protected override async Task LoadAsync(CouncilSeat seat, CancellationToken ct)
    {
        var campaign = seat.Campaign.Id;
        var categories = await Db.Participants.AsNoTracking().Where(p => p.CampaignId == campaign).Select(p => p.Category).Distinct().ToListAsync(ct);
        var saved = await Db.Set<AwardQuota>().AsNoTracking().Where(q => q.CampaignId == campaign).ToDictionaryAsync(q => q.Category, ct);
        // After a refused save the form keeps what was typed; otherwise it shows what is stored.
        if (Errors.Count == 0 || Quotas.Count == 0)
            Quotas = categories.Order(StringComparer.Ordinal).Select(c => saved.TryGetValue(c, out var q)
                ? new QuotaRow { Category = c, First = q.First, Second = q.Second, Third = q.Third, MinPercentage = q.MinPercentage is { } m ? Display.Input(m) : null }
                : new QuotaRow { Category = c }).ToList();
        Confirmed = await desk.ListAsync(campaign, ct);
        try
        {
            Proposal = await desk.ProposeAsync(campaign, ct);
        }
        catch (Refusal e)
        {
            ProposalUnavailable = Text.RefusedLine(e);
        }
    }
}
