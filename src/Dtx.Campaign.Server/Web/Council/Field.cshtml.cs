using Dtx.Campaign.Server.Council;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Verification;
using Microsoft.AspNetCore.Mvc;

namespace Dtx.Campaign.Server.Web.Council;

/// <summary>
/// A member's work list for one field (appraisal by field): every unit they appraise the group in, its indicators with
/// self-score, evidence and verdict, and the field's evidenced self-scores accepted in one step. Verdicts themselves are
/// given on the unit's page, by the council's single review.
/// </summary>
internal sealed class FieldModel(CampaignDbContext db, FieldAppraisal fields, CouncilVerification verification, UiText text) : CouncilPage(db, text)
{
    public FieldWork Work { get; private set; } = null!;
    public string Stage { get; private set; } = "";

    public Task<IActionResult> OnGetAsync(Guid campaignId, string groupCode, CancellationToken ct) => ShowAsync(campaignId, ct);

    public Task<IActionResult> OnPostAcceptAsync(Guid campaignId, string groupCode, CancellationToken ct) =>
        ActAsync(campaignId, ct, async seat =>
        {
            var done = await verification.AcceptGroupSelfScoresAsync(seat, groupCode, ct);
            return Text.Format("FieldAccepted", done.AcceptedCount, done.SkippedCount);
        });

    protected override async Task LoadAsync(CouncilSeat seat, CancellationToken ct)
    {
        Work = await fields.WorkAsync(seat, (string)RouteData.Values["groupCode"]!, ct);
        Stage = await CampaignStage.OfAsync(Db, seat.Campaign, ct);
    }
}
