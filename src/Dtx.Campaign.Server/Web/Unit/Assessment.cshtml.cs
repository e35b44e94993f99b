using Dtx.Campaign.Scoring.IndexSets;
using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Campaigns;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.IndexSets;
using Dtx.Campaign.Server.SelfAssessments;
using Dtx.Campaign.Server.Web.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Web.Unit;

/// <summary>
/// A unit's self-assessment form. Each indicator saves on its own (htmx on change, or its Save button
/// without script) through <see cref="AnswerDesk"/>, and every other step through the same use case as the
/// API (<see cref="EvidenceDesk"/>, <see cref="HeadApproval"/>, <see cref="Submission"/>): scoring, version
/// checks, deadlines and the completeness list are their rules, not the page's.
/// </summary>
internal sealed class AssessmentModel(SelfAssessment assessment, CampaignDbContext db, IndexSetCache sets, UiText text, TimeProvider clock,
    IAuthorizationService authorization) : PageModel
{
    public SelfAssessmentView View { get; private set; } = null!;
    public string Zone { get; private set; } = Display.DefaultZone;
    public IReadOnlyList<IndicatorNode> Groups { get; private set; } = [];
    public IReadOnlyList<RatingBand> Bands { get; private set; } = [];
    public DateTimeOffset Now { get; private set; }
    public List<string> Errors { get; } = [];
    public Dictionary<string, string> CardStatus { get; } = new(StringComparer.Ordinal);

    [TempData]
    public string? Flash { get; set; }

    public bool IsHtmx => Request.Headers.ContainsKey("HX-Request");

    public async Task<IActionResult> OnGetAsync(Guid campaignId, Guid unitId, CancellationToken ct) =>
        await LoadAsync(campaignId, unitId, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAnswerAsync(Guid campaignId, Guid unitId, string code, [FromForm] AnswerForm form, [FromServices] AnswerDesk answers, CancellationToken ct)
    {
        string? problem = null;
        var conflict = false;
        try
        {
            var input = form.ToInput();
            await answers.SaveAnswerAsync(campaignId, unitId, code, input, User.Identity?.Name, ct);
        }
        catch (FormatException e)
        {
            problem = text.Format("InvalidNumber", e.Message);
        }
        catch (Refusal e) when (e.Kind == RefusalKind.NotFound)
        {
            return NotFound();
        }
        catch (Refusal e)
        {
            conflict = e.Code == "self-assessment.version-conflict";
            // A refused value stays in its field: the card says it was not stored, then why.
            problem = conflict ? text["SaveConflict"] : e.Kind == RefusalKind.Invalid ? text.Format("NotSavedBecause", text.RefusedLine(e)) : Said(e);
        }
        if (!await LoadAsync(campaignId, unitId, ct))
            return NotFound();
        var indicator = View.Indicators.First(i => i.Code == code);
        if (IsHtmx)
        {
            // A conflict redraws the whole card with the stored values; otherwise only the status, score and version change.
            if (conflict)
            {
                Response.Headers["HX-Retarget"] = "#" + IndicatorCard.IdOf(code);
                Response.Headers["HX-Reswap"] = "outerHTML";
                return Partial("_Indicator", Card(indicator, problem));
            }
            return Partial("_AnswerSaved", new AnswerSaved(Card(indicator, problem), this));
        }
        if (problem is null)
            return Redirect(Url.Page("/Unit/Assessment", new { campaignId, unitId }) + "#" + IndicatorCard.IdOf(code));
        CardStatus[code] = problem;
        Errors.Add($"{code}: {problem}");
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    public async Task<IActionResult> OnPostEvidenceAsync(Guid campaignId, Guid unitId, string code, IFormFile? file, [FromServices] EvidenceDesk evidence, CancellationToken ct)
    {
        if (file is null || file.Length == 0)
            return await RefusedAsync(campaignId, unitId, $"{code}: {text["ChooseFile"]}", ct);
        try
        {
            await using var content = file.OpenReadStream();
            var added = await evidence.AddFileAsync(campaignId, unitId, code, file.FileName, content, file.Length, User.Identity?.Name, ct);
            if (IsHtmx)
                return await CardAsync(campaignId, unitId, code, text.Format("EvidenceAdded", added.FileName ?? file.FileName), error: false, ct);
            Flash = text.Format("EvidenceAdded", added.FileName ?? file.FileName);
            return Redirect(Url.Page("/Unit/Assessment", new { campaignId, unitId }) + "#" + IndicatorCard.IdOf(code));
        }
        catch (Refusal e) when (e.Kind == RefusalKind.NotFound)
        {
            return NotFound();
        }
        catch (Refusal e)
        {
            return await RefusedAsync(campaignId, unitId, e.Kind == RefusalKind.Invalid ? $"{code}: " + text.Format("UploadFailed", text.RefusedLine(e)) : Said(e), ct);
        }
    }

    /// <summary>The council's latest question while the self-assessment is returned for clarification.</summary>
    public Verification.ClarificationRequest? Clarification { get; private set; }

    [BindProperty]
    public string? ClarificationAnswer { get; set; }

    public async Task<IActionResult> OnPostClarificationAsync(Guid campaignId, Guid unitId, [FromServices] Submission submission, CancellationToken ct)
    {
        try
        {
            await submission.AnswerClarificationAsync(campaignId, unitId, ClarificationAnswer, User.Identity?.Name, ct);
            Flash = text["ClarificationSent"];
            return RedirectToPage(new { campaignId, unitId });
        }
        catch (Refusal e) when (e.Kind == RefusalKind.NotFound)
        {
            return NotFound();
        }
        catch (Refusal e)
        {
            return await RefusedAsync(campaignId, unitId, e.Kind == RefusalKind.Invalid ? text.Refused(e) : [Said(e)], ct);
        }
    }

    public Task<IActionResult> OnPostSubmitAsync(Guid campaignId, Guid unitId, [FromServices] Submission submission, CancellationToken ct) =>
        StepAsync(campaignId, unitId, "Submitted", async () => await submission.SubmitAsync(campaignId, unitId, User.Identity?.Name, ct, byApprover: await IsApproverAsync()), ct);

    /// <summary>The undo of a submission, for a few minutes after it (by whoever may submit it).</summary>
    public Task<IActionResult> OnPostWithdrawAsync(Guid campaignId, Guid unitId, [FromServices] Submission submission, CancellationToken ct) =>
        StepAsync(campaignId, unitId, "Withdrawn", async () => await submission.WithdrawAsync(campaignId, unitId, User.Identity?.Name, ct, byApprover: await IsApproverAsync()), ct);

    /// <summary>The officer sends the self-assessment to the unit's head (campaigns with head approval).</summary>
    public Task<IActionResult> OnPostPrepareAsync(Guid campaignId, Guid unitId, [FromServices] HeadApproval approval, CancellationToken ct) =>
        StepAsync(campaignId, unitId, "SentToHead", () => approval.PrepareAsync(campaignId, unitId, User.Identity?.Name, ct), ct);

    [BindProperty]
    public string? SendBackNote { get; set; }

    /// <summary>The head sends it back with a note; the use case refuses anyone but the head or an administrator only through the policy, so the page asks it first.</summary>
    public async Task<IActionResult> OnPostSendBackAsync(Guid campaignId, Guid unitId, [FromServices] HeadApproval approval, CancellationToken ct) =>
        await IsApproverAsync()
            ? await StepAsync(campaignId, unitId, "SentBack", () => approval.SendBackAsync(campaignId, unitId, SendBackNote, User.Identity?.Name, ct), ct)
            : Forbid();

    /// <summary>Whether the reader approves for the unit in the route: its head, or an administrator (the API's policy).</summary>
    private async Task<bool> IsApproverAsync() => (await authorization.AuthorizeAsync(User, Identity.Policies.UnitHead)).Succeeded;

    /// <summary>The reader may approve and submit, or send back, the unit's self-assessment (campaigns with head approval).</summary>
    public bool IsApprover { get; private set; }

    /// <summary>Runs one step of submission; says it succeeded, or shows the refusal on the form.</summary>
    private async Task<IActionResult> StepAsync(Guid campaignId, Guid unitId, string done, Func<Task<SelfAssessmentView>> step, CancellationToken ct)
    {
        try
        {
            await step();
            Flash = text[done];
            return RedirectToPage(new { campaignId, unitId });
        }
        catch (Refusal e) when (e.Kind == RefusalKind.NotFound)
        {
            return NotFound();
        }
        catch (Refusal e)
        {
            return await RefusedAsync(campaignId, unitId, e.Kind == RefusalKind.Invalid ? [text["SubmitRefused"], .. text.Refused(e)] : [Said(e)], ct);
        }
    }

    private async Task<IActionResult> RefusedAsync(Guid campaignId, Guid unitId, string error, CancellationToken ct)
    {
        // An upload through htmx answers with its card, the refusal in the card's status line.
        var code = (string?)RouteData.Values["code"] ?? Request.Query["code"].ToString();
        if (IsHtmx && !string.IsNullOrEmpty(code))
            return await CardAsync(campaignId, unitId, code, error, error: true, ct);
        return await RefusedAsync(campaignId, unitId, [error], ct);
    }

    /// <summary>One indicator's card with a status message, plus the totals and checklist out of band (htmx).</summary>
    private async Task<IActionResult> CardAsync(Guid campaignId, Guid unitId, string code, string status, bool error, CancellationToken ct)
    {
        if (!await LoadAsync(campaignId, unitId, ct))
            return NotFound();
        var indicator = View.Indicators.FirstOrDefault(i => i.Code == code);
        if (indicator is null)
            return NotFound();
        return Partial("_CardSaved", new AnswerSaved(Card(indicator) with { Status = status, StatusIsError = error }, this));
    }

    /// <summary>A refusal as the form says it: "closed for changes" before what the stage or deadline says.</summary>
    private string Said(Refusal refusal) => refusal.Kind == RefusalKind.Invalid ? text.RefusedLine(refusal) : text.Format("Closed", text.RefusedLine(refusal));

    private async Task<IActionResult> RefusedAsync(Guid campaignId, Guid unitId, IEnumerable<string> errors, CancellationToken ct)
    {
        Errors.AddRange(errors);
        if (!await LoadAsync(campaignId, unitId, ct))
            return NotFound();
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    /// <summary>Contents by group and the checklist, in the reader's language.</summary>
    public AssessmentOutline Outline => outline ??= AssessmentOutline.From(View, Groups, text.Language);

    private AssessmentOutline? outline;

    /// <summary>When self-assessment opens (the form says so instead of offering fields that would be refused).</summary>
    public DateTimeOffset OpensAt { get; private set; }

    public bool NotOpenYet => Now < OpensAt;

    public bool IsSubmitted => View.Status == ParticipantStatus.Submitted;

    /// <summary>Removes an evidence item, or replaces it when a file comes with the request; only while the form is editable.</summary>
    public async Task<IActionResult> OnPostRemoveEvidenceAsync(Guid campaignId, Guid unitId, string code, Guid evidenceId, IFormFile? file, [FromServices] EvidenceDesk evidence, CancellationToken ct)
    {
        string message;
        try
        {
            if (file is { Length: > 0 })
            {
                await using var content = file.OpenReadStream();
                await evidence.AddFileAsync(campaignId, unitId, code, file.FileName, content, file.Length, User.Identity?.Name, ct);
                message = text.Format("EvidenceReplaced", file.FileName);
            }
            else
            {
                message = text["EvidenceRemoved"];
            }
            await evidence.RemoveEvidenceAsync(campaignId, unitId, evidenceId, User.Identity?.Name, ct);
        }
        catch (Refusal e) when (e.Kind == RefusalKind.NotFound)
        {
            return NotFound();
        }
        catch (Refusal e)
        {
            return await RefusedAsync(campaignId, unitId, e.Kind == RefusalKind.Invalid ? $"{code}: " + text.Format("UploadFailed", text.RefusedLine(e)) : Said(e), ct);
        }
        if (IsHtmx)
            return await CardAsync(campaignId, unitId, code, message, error: false, ct);
        Flash = message;
        return Redirect(Url.Page("/Unit/Assessment", new { campaignId, unitId }) + "#" + IndicatorCard.IdOf(code));
    }

    public string? BandName => Bands.FirstOrDefault(b => b.Key == View.Band) is { } band ? (text.Language == "en" ? band.Name.En : band.Name.Vi) : View.Band;

    public IndicatorCard Card(IndicatorView indicator, string? problem = null) =>
        new(indicator, View.CampaignId, View.UnitId, View.Editable, Zone, problem ?? CardStatus.GetValueOrDefault(indicator.Code), problem is not null || CardStatus.ContainsKey(indicator.Code));

    private async Task<bool> LoadAsync(Guid campaignId, Guid unitId, CancellationToken ct)
    {
        var view = await assessment.GetAsync(campaignId, unitId, ct);
        if (view is null)
            return false;
        View = view;
        IsApprover = view.Approval is not null && await IsApproverAsync();
        Now = clock.GetUtcNow();
        Zone = await db.Campaigns.Where(c => c.Id == campaignId).Select(c => c.TimeZone).FirstAsync(ct);
        OpensAt = await db.Campaigns.Where(c => c.Id == campaignId).Select(c => c.Schedule.SelfAssessmentOpensAt).FirstAsync(ct);
        var setId = await db.Participants.Where(p => p.CampaignId == campaignId && p.UnitId == unitId).Select(p => p.IndexSetId).FirstAsync(ct);
        var set = await sets.GetAsync(db, setId, ct);
        (Groups, Bands) = (set.Groups, set.RatingBands);
        Clarification = view.Status == ParticipantStatus.ReturnedForClarification
            ? (await db.Set<Verification.ClarificationRequest>().AsNoTracking()
                .Where(c => db.Participants.Any(p => p.Id == c.ParticipantId && p.CampaignId == campaignId && p.UnitId == unitId))
                .ToListAsync(ct)).OrderByDescending(c => c.RequestedAt).FirstOrDefault()
            : null;
        return true;
    }
}

/// <summary>The inputs of one indicator as the browser sends them: numbers as invariant strings (an input of type number always uses a dot).</summary>
internal sealed class AnswerForm
{
    public string? Yes { get; set; }
    public string? Numerator { get; set; }
    public string? Denominator { get; set; }
    public string? Number { get; set; }
    public string? Explanation { get; set; }
    public int Version { get; set; }

    public AnswerInput ToInput() => new(
        Yes switch { "true" => true, "false" => false, _ => null },
        Display.ParseInput(Numerator), Display.ParseInput(Denominator), Display.ParseInput(Number),
        string.IsNullOrWhiteSpace(Explanation) ? null : Explanation.Trim(), Version);
}

internal sealed record IndicatorCard(IndicatorView Indicator, Guid CampaignId, Guid UnitId, bool Editable, string Zone, string? Status, bool StatusIsError)
{
    public string Id => IdOf(Indicator.Code);

    public static string IdOf(string code) => "ind-" + code.Replace('.', '-').Replace(':', '-');
}

internal sealed record AnswerSaved(IndicatorCard Card, AssessmentModel Page);
