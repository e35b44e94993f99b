using System.Security.Claims;
using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Evidence;
using Dtx.Campaign.Server.Hosting;
using Dtx.Campaign.Server.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.SelfAssessments;

internal static class SelfAssessmentsApi
{
    public sealed record ReferenceRequest(string Code, EvidenceKind Kind, string? Url, string? DocumentNumber, DateOnly? DocumentDate, string? DocumentIssuer);

    public static RouteGroupBuilder MapSelfAssessments(this IEndpointRouteBuilder app)
    {
        // A unit's own people (and administrators); stage rules are enforced by the use cases.
        var group = app.MapGroup("/api/campaigns/{campaignId:guid}/units/{unitId:guid}/self-assessment")
            .WithTags("Self-assessment").RequireAuthorization(Policies.UnitAccess);
        group.MapGet("/", Get).WithSummary("The unit's applicable indicators with answers, evidence, live self-score, deadline and what is still missing.");
        group.MapPut("/answers/{code}", SaveAnswer)
            .WithSummary("Save one answer (scored on save). Send the version you edited: a newer stored version answers 409 with it. Saving the same content again is harmless.");
        group.MapPost("/evidence/files", AddFile).DisableAntiforgery()
            .WithSummary("Attach a file (multipart: 'file', 'code'); PDF, images and Office documents, size-limited, stored by SHA-256.");
        group.MapPost("/evidence/references", AddReference).WithSummary("Attach a link or an official document reference (number, date, issuer).");
        group.MapGet("/evidence/{evidenceId:guid}/content", Download).WithSummary("Download an evidence file (always as an attachment).");
        group.MapPut("/bonus/{ruleKey}", SaveBonus).WithSummary("Claim a number of items under a bonus rule (evidence filed under code 'bonus:<rule>'; a claim counts only with evidence).");
        group.MapPost("/prefill", Prefill).WithSummary("Copy last year's answers where the indicator and its method exist in both index sets and this year's answer is empty.");
        group.MapPost("/clarification", AnswerClarification)
            .WithSummary("Answer the council's clarification request; then change what is needed and submit again before the due time.");
        group.MapPost("/submit", Submit).WithSummary(
            "Submit when every applicable indicator is answered with its required evidence; lists what is missing otherwise. In a campaign with head approval, the unit's head (or an administrator) submits.");
        group.MapPost("/withdraw", Withdraw).WithSummary(
            "Take the submission back within 15 minutes of submitting and before the deadline (the undo of a submission): the form opens again as it was. In a campaign with head approval, the head (or an administrator) takes it back, to the head's approval.");
        group.MapPost("/prepare", Prepare).WithSummary("Send the complete self-assessment to the unit's head for approval (campaigns with head approval); it is locked until the head submits it or sends it back.");
        group.MapPost("/send-back", SendBack).RequireAuthorization(Policies.UnitHead)
            .WithSummary("The unit's head sends the prepared self-assessment back to the officer with a note (campaigns with head approval).");
        return group;
    }

    private static async Task<Results<Ok<SelfAssessmentView>, ProblemHttpResult>> Get(Guid campaignId, Guid unitId, SelfAssessment assessment, CancellationToken ct) =>
        await assessment.GetAsync(campaignId, unitId, ct) is { } view ? TypedResults.Ok(view) : ApiProblems.NotFound($"Unit {unitId} in campaign {campaignId}");

    private static async Task<Ok<AnswerView>> SaveAnswer(Guid campaignId, Guid unitId, string code, AnswerInput input, AnswerDesk answers, ClaimsPrincipal user, CancellationToken ct) =>
        TypedResults.Ok(await answers.SaveAnswerAsync(campaignId, unitId, code, input, user.Identity?.Name, ct));

    private static async Task<Created<EvidenceView>> AddFile(Guid campaignId, Guid unitId, IFormFile file, [Microsoft.AspNetCore.Mvc.FromForm] string code,
        EvidenceDesk evidence, ClaimsPrincipal user, CancellationToken ct)
    {
        await using var content = file.OpenReadStream();
        var view = await evidence.AddFileAsync(campaignId, unitId, code, file.FileName, content, file.Length, user.Identity?.Name, ct);
        return TypedResults.Created($"/api/campaigns/{campaignId}/units/{unitId}/self-assessment/evidence/{view.Id}/content", view);
    }

    private static async Task<Created<EvidenceView>> AddReference(Guid campaignId, Guid unitId, ReferenceRequest request, EvidenceDesk evidence, ClaimsPrincipal user, CancellationToken ct)
    {
        var item = request.Kind switch
        {
            EvidenceKind.Link when Uri.TryCreate(request.Url, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http" =>
                new EvidenceItem { IndicatorCode = request.Code, Kind = EvidenceKind.Link, Url = uri.ToString() },
            EvidenceKind.Link => throw Refusal.Invalid("url", "evidence.link-invalid"),
            EvidenceKind.Document when !string.IsNullOrWhiteSpace(request.DocumentNumber) && request.DocumentDate is not null && !string.IsNullOrWhiteSpace(request.DocumentIssuer) =>
                new EvidenceItem { IndicatorCode = request.Code, Kind = EvidenceKind.Document, DocumentNumber = request.DocumentNumber.Trim(), DocumentDate = request.DocumentDate, DocumentIssuer = request.DocumentIssuer.Trim() },
            EvidenceKind.Document => throw Refusal.Invalid("documentNumber", "evidence.document-incomplete"),
            _ => throw Refusal.Invalid("kind", "evidence.kind-invalid"),
        };
        var view = await evidence.AddReferenceAsync(campaignId, unitId, request.Code, item, user.Identity?.Name, ct);
        return TypedResults.Created($"/api/campaigns/{campaignId}/units/{unitId}/self-assessment", view);
    }

    private static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> Download(Guid campaignId, Guid unitId, Guid evidenceId, CampaignDbContext db,
        IEvidenceStore store, CancellationToken ct)
    {
        var item = await (from e in db.Set<EvidenceItem>().AsNoTracking()
                          join p in db.Participants.AsNoTracking() on e.ParticipantId equals p.Id
                          where e.Id == evidenceId && p.CampaignId == campaignId && p.UnitId == unitId && e.Kind == EvidenceKind.File
                          select e).FirstOrDefaultAsync(ct);
        if (item?.Sha256 is null || await store.OpenAsync(item.Sha256, ct) is not { } content)
            return ApiProblems.NotFound($"Evidence file {evidenceId}");
        // The stored type is the one detected at upload; always an attachment, never rendered inline.
        return TypedResults.File(content, item.ContentType ?? "application/octet-stream", item.FileName ?? $"{item.Sha256}.bin");
    }

    private static async Task<Ok<BonusView>> SaveBonus(Guid campaignId, Guid unitId, string ruleKey, BonusClaimInput input, AnswerDesk answers, ClaimsPrincipal user, CancellationToken ct) =>
        TypedResults.Ok(await answers.SaveBonusClaimAsync(campaignId, unitId, ruleKey, input, user.Identity?.Name, ct));

    private static async Task<Ok<PrefillReport>> Prefill(Guid campaignId, Guid unitId, AnswerDesk answers, ClaimsPrincipal user, CancellationToken ct) =>
        TypedResults.Ok(await answers.PrefillFromLastYearAsync(campaignId, unitId, user.Identity?.Name, ct));

    public sealed record ClarificationAnswer(string? Answer);

    private static async Task<Ok<SelfAssessmentView>> AnswerClarification(Guid campaignId, Guid unitId, ClarificationAnswer request, Submission submission, ClaimsPrincipal user, CancellationToken ct) =>
        TypedResults.Ok(await submission.AnswerClarificationAsync(campaignId, unitId, request.Answer, user.Identity?.Name, ct));

    private static async Task<Ok<SelfAssessmentView>> Submit(Guid campaignId, Guid unitId, Submission submission, IAuthorizationService authorization,
        ClaimsPrincipal user, CancellationToken ct) =>
        TypedResults.Ok(await submission.SubmitAsync(campaignId, unitId, user.Identity?.Name, ct,
            byApprover: (await authorization.AuthorizeAsync(user, Policies.UnitHead)).Succeeded));

    private static async Task<Ok<SelfAssessmentView>> Withdraw(Guid campaignId, Guid unitId, Submission submission, IAuthorizationService authorization,
        ClaimsPrincipal user, CancellationToken ct) =>
        TypedResults.Ok(await submission.WithdrawAsync(campaignId, unitId, user.Identity?.Name, ct,
            byApprover: (await authorization.AuthorizeAsync(user, Policies.UnitHead)).Succeeded));

    private static async Task<Ok<SelfAssessmentView>> Prepare(Guid campaignId, Guid unitId, HeadApproval approval, ClaimsPrincipal user, CancellationToken ct) =>
        TypedResults.Ok(await approval.PrepareAsync(campaignId, unitId, user.Identity?.Name, ct));

    public sealed record SendBackRequest(string? Note);

    private static async Task<Ok<SelfAssessmentView>> SendBack(Guid campaignId, Guid unitId, SendBackRequest request, HeadApproval approval, ClaimsPrincipal user, CancellationToken ct) =>
        TypedResults.Ok(await approval.SendBackAsync(campaignId, unitId, request.Note, user.Identity?.Name, ct));
}
