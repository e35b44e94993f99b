using Dtx.Campaign.Scoring.Participation;
using Dtx.Campaign.Server.Council;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Verification;
using Dtx.Campaign.Server.Web.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Dtx.Campaign.Server.Web.Council;

/// <summary>
/// A member's work list for one field (appraisal by field): every unit they appraise the group in, its indicators with
/// self-score, evidence and verdict, and the field's evidenced self-scores accepted in one step. Verdicts themselves are
/// given on the unit's page, by the council's single review.
/// </summary>
internal sealed class FieldModel(CampaignDbContext db, FieldAppraisal fields, Verdicts verdicts, UiText text, IAuthorizationService authorization)
    : CouncilPage(db, text, authorization)
{
    /// <summary>A member's own field: administrators hold no seat, so no field.</summary>
    protected override CouncilPermission Readers => CouncilPermission.Member;

    public FieldWork Work { get; private set; } = null!;
    public string Stage { get; private set; } = "";

    public Task<IActionResult> OnGetAsync(Guid campaignId, string groupCode, CancellationToken ct) => ShowAsync(campaignId, ct);

    [BindProperty] public bool Accept { get; set; }
    [BindProperty] public string? Points { get; set; }
    [BindProperty] public string? Note { get; set; }

    /// <summary>A verdict on one unit's indicator from the list, by the council's single review (same rules as on the unit's page).</summary>
    public Task<IActionResult> OnPostVerdictAsync(Guid campaignId, string groupCode, Guid unitId, string code, CancellationToken ct) =>
        ActAsync(campaignId, CouncilPermission.Member, ct, async seat =>
        {
            var verdict = await verdicts.ReviewAsync(seat, unitId, code, new VerdictInput(Accept, Accept ? null : Display.ParseInput(Points), Note), ct);
            return Text.Format("VerdictSaved", code, Display.Number(verdict.Points, 2));
        }, "unit-" + unitId.ToString("N"));

    public Task<IActionResult> OnPostAcceptAsync(Guid campaignId, string groupCode, CancellationToken ct) =>
        ActAsync(campaignId, CouncilPermission.Member, ct, async seat =>
        {
            var done = await verdicts.AcceptGroupSelfScoresAsync(seat, groupCode, ct);
            return Text.Format("FieldAccepted", done.AcceptedCount, done.SkippedCount);
        });

    protected override async Task LoadAsync(CouncilSeat seat, CancellationToken ct)
    {
        Work = await fields.WorkAsync(seat, (string)RouteData.Values["groupCode"]!, ct);
        Stage = await CampaignStage.OfAsync(Db, seat.Campaign, ct);
    }
}
