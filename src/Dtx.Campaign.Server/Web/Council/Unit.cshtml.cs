using Dtx.Campaign.Scoring.IndexSets;
using Dtx.Campaign.Scoring.Participation;
using Dtx.Campaign.Server.Council;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Hosting;
using Dtx.Campaign.Server.IndexSets;
using Dtx.Campaign.Server.SelfAssessments;
using Dtx.Campaign.Server.Verification;
using Dtx.Campaign.Server.Web.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Web.Council;

/// <summary>
/// One unit under verification: its self-assessment beside the council's verdicts, indicator by indicator,
/// with the evidence; accept or score with a note, return for clarification, mark verified. The rules
/// (conflict of interest, notes when lowering, the stage) are <see cref="CouncilReview"/>'s, applied by <see cref="Verification.Verdicts"/>
/// and <see cref="UnitVerification"/>.
/// </summary>
internal sealed class UnitModel(CampaignDbContext db, Verdicts verdicts, UnitVerification verification, VerificationProgress progress, IndexSetCache sets,
    UiText text, IAuthorizationService authorization)
    : CouncilPage(db, text, authorization)
{
    public UnitReviewView Review { get; private set; } = null!;
    public IReadOnlyList<IndicatorNode> Groups { get; private set; } = [];
    public Dictionary<string, VerdictView> Verdicts { get; private set; } = [];
    public Guid UnitId { get; private set; }

    public string Zone => Seat.Campaign.TimeZone;

    [BindProperty]
    public bool Accept { get; set; }

    [BindProperty]
    public string? Points { get; set; }

    [BindProperty]
    public string? Note { get; set; }

    [BindProperty]
    public string? Questions { get; set; }

    [BindProperty]
    public string? DueAt { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    public Task<IActionResult> OnGetAsync(Guid campaignId, Guid unitId, CancellationToken ct)
    {
        UnitId = unitId;
        return ShowAsync(campaignId, ct);
    }

    public Task<IActionResult> OnPostVerdictAsync(Guid campaignId, Guid unitId, string code, CancellationToken ct)
    {
        UnitId = unitId;
        return ActAsync(campaignId, CouncilPermission.Member, ct, async seat =>
        {
            var verdict = await verdicts.ReviewAsync(seat, unitId, code, new VerdictInput(Accept, Accept ? null : Display.ParseInput(Points), Note), ct);
            return Text.Format("VerdictSaved", code, Display.Number(verdict.Points, 2));
        }, Anchor(code));
    }

    public Task<IActionResult> OnPostAcceptSelfScoresAsync(Guid campaignId, Guid unitId, CancellationToken ct)
    {
        UnitId = unitId;
        return ActAsync(campaignId, CouncilPermission.Member, ct, async seat => AcceptedMessage(await verdicts.AcceptSelfScoresAsync(seat, unitId, ct)));
    }

    /// <summary>How many were accepted, and the skipped ones by reason with their codes (the first ten of each).</summary>
    private string AcceptedMessage(SelfScoresAcceptedView result)
    {
        if (result.SkippedCount == 0)
            return Text.Format("SelfScoresAccepted", result.AcceptedCount);
        var reasons = result.Skipped.GroupBy(s => s.Reason).OrderBy(g => g.Key).Select(g =>
        {
            var codes = string.Join(", ", g.Take(10).Select(s => s.Code)) + (g.Count() > 10 ? ", …" : "");
            // The key is the reason's code in the API ("no-evidence"), worded by the catalogue.
            return Text.Format("skipped." + ApiNames.Of(g.Key), g.Count(), codes);
        });
        return Text.Format("SelfScoresAcceptedSkipped", result.AcceptedCount, result.SkippedCount, string.Join("; ", reasons));
    }

    public Task<IActionResult> OnPostCompleteAsync(Guid campaignId, Guid unitId, CancellationToken ct)
    {
        UnitId = unitId;
        return ActAsync(campaignId, CouncilPermission.Member, ct, async seat =>
        {
            var unit = await verification.CompleteAsync(seat, unitId, ct);
            return Text.Format("UnitVerified", unit.UnitCode);
        });
    }

    public Task<IActionResult> OnPostClarificationAsync(Guid campaignId, Guid unitId, CancellationToken ct)
    {
        UnitId = unitId;
        return ActAsync(campaignId, CouncilPermission.Member, ct, async seat =>
        {
            // The browser's datetime-local value; the service reads campaign-local "yyyy-MM-dd HH:mm".
            var request = await verification.ReturnForClarificationAsync(seat, unitId, new ClarificationInput(Questions ?? "", (DueAt ?? "").Replace('T', ' ')), ct);
            return Text.Format("ReturnedForClarification", request.DueLocal);
        });
    }

    public Task<IActionResult> OnPostExcludeAsync(Guid campaignId, Guid unitId, CancellationToken ct)
    {
        UnitId = unitId;
        return ActAsync(campaignId, CouncilPermission.ExcludeUnit, ct, async seat =>
        {
            var unit = await verification.ExcludeAsync(seat, unitId, Reason, ct);
            return Text.Format("UnitExcluded", unit.UnitCode);
        });
    }

    /// <summary>Verification is offered only in its stage; otherwise the page says when it opens or that it is over.</summary>
    public StageWindow Verifying { get; private set; } = new(true, false, null);

    /// <summary>Whether the reader may give verdicts on the unit now: the bulk acceptance is offered only then.</summary>
    public bool MayReview { get; private set; }

    public static string Anchor(string code) => "v-" + code.Replace('.', '-').Replace(':', '-');

    /// <summary>The unit's answer in words: yes/no, a ratio, a number, as entered.</summary>
    public string AnswerText(AnswerView? a) => a switch
    {
        null => Text["NotAnswered"],
        { Yes: { } yes } => Text[yes ? "Yes" : "No"],
        { Numerator: { } n, Denominator: { } d } => $"{Display.Number(n, 0)}/{Display.Number(d, 0)}",
        { Number: { } number } => Display.Number(number, 2),
        _ => Text["NotAnswered"],
    };

    protected override async Task LoadAsync(CouncilSeat seat, CancellationToken ct)
    {
        Review = await progress.UnitAsync(seat, UnitId, ct);
        Verdicts = Review.Verdicts.ToDictionary(v => v.Code, StringComparer.Ordinal);
        var setId = await Db.Participants.Where(p => p.CampaignId == seat.Campaign.Id && p.UnitId == UnitId).Select(p => p.IndexSetId).FirstAsync(ct);
        Groups = (await sets.GetAsync(Db, setId, ct)).Groups;
        Verifying = StageWindow.For(await CampaignStage.OfAsync(Db, seat.Campaign, ct), "council-verification", seat.Campaign.Schedule);
        MayReview = Verifying.Open && seat.Member is not null && await verdicts.MayReviewAsync(seat, UnitId, ct);
    }
}
