using Dtx.Campaign.Scoring.Participation;
using Dtx.Campaign.Server.Council;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Evidence;
using Dtx.Campaign.Server.Hosting;
using Dtx.Campaign.Server.SelfAssessments;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Verification;

internal static class VerificationApi
{
    public sealed record AssignRequest(IReadOnlyList<AssignmentInput> Assignments);
    public sealed record FieldsRequest(IReadOnlyList<FieldAssignmentInput>? Fields);
    public sealed record ExcludeRequest(string? Reason);

    public static IEndpointRouteBuilder MapVerification(this IEndpointRouteBuilder app)
    {
        // Signed-in people; each action's seat on the council is declared with it. What a seat may then see or change of a unit
        // (assigned units, conflict of interest) is the use case's.
        var group = app.MapGroup("/api/campaigns/{campaignId:guid}/verification").WithTags("Verification").RequireAuthorization();
        group.MapGet("/", Progress).RequireCouncil(CouncilPermission.MemberOrAdministrator)
            .WithSummary("Verification progress per unit and per member (a member sees the units assigned to them).");
        group.MapPost("/assignments", Assign).RequireCouncil(CouncilPermission.Assign)
            .WithSummary("Assign council members to units or to one indicator group of a unit (secretary, chair or administrator); never to their own unit.");
        group.MapGet("/fields", Fields).RequireCouncil(CouncilPermission.MemberOrAdministrator)
            .WithSummary("Appraisal by field: the fields assigned (indicator groups across units), who has each and how far they are (a member sees their own).");
        group.MapPost("/fields", AssignFields).RequireCouncil(CouncilPermission.Assign)
            .WithSummary("Give council members a field: one indicator group in every unit whose index set has it, never in the unit they work for (secretary, chair or administrator).");
        group.MapPost("/fields/from-index-sets", AssignFieldsFromIndexSets).RequireCouncil(CouncilPermission.Assign)
            .WithSummary("Give each group that the index sets say a unit verifies (verified-by) to the council's members from that unit; lists groups whose unit has nobody on the council.");
        group.MapGet("/fields/{groupCode}", FieldWork).RequireCouncil(CouncilPermission.Member)
            .WithSummary("My work list for one field: each unit I appraise it in, its indicators with self-score, evidence and verdict.");
        group.MapGet("/units/{unitId:guid}", Unit).RequireCouncil(CouncilPermission.MemberOrAdministrator)
            .WithSummary("A unit's self-assessment beside the council's verdicts, the score history and clarification requests.");
        group.MapPut("/units/{unitId:guid}/indicators/{code}", Review).RequireCouncil(CouncilPermission.Member)
            .WithSummary("Accept the self-score or set the verified points; lowering needs a note. Code 'bonus:<rule>' sets the accepted number of bonus items.");
        group.MapPost("/units/{unitId:guid}/accept-self-scores", AcceptSelfScores).RequireCouncil(CouncilPermission.Member)
            .WithSummary("Accept every self-score of the unit that the member verifies, has no verdict, is answered and has the evidence it needs; one verdict and audit entry each, the others listed with a reason.");
        group.MapPost("/groups/{groupCode}/accept-self-scores", AcceptGroupSelfScores).RequireCouncil(CouncilPermission.Member)
            .WithSummary("The same for one indicator group, in every unit where the member verifies that group or the whole unit; a unit a review would refuse is listed with the reason.");
        group.MapPost("/units/{unitId:guid}/complete", Complete).RequireCouncil(CouncilPermission.Member)
            .WithSummary("Mark the unit verified once every indicator and bonus claim has a verdict.");
        group.MapPost("/units/{unitId:guid}/exclude", Exclude).RequireCouncil(CouncilPermission.ExcludeUnit)
            .WithSummary("Leave the unit out of verification and ranking, with a reason (organisers only).");
        group.MapPost("/units/{unitId:guid}/clarification", ReturnForClarification).RequireCouncil(CouncilPermission.Member)
            .WithSummary("Return a submitted self-assessment to the unit with questions and a due time (campaign-local 'yyyy-MM-dd HH:mm').");
        group.MapGet("/units/{unitId:guid}/evidence/{evidenceId:guid}/content", Evidence).RequireCouncil(CouncilPermission.MemberOrAdministrator)
            .WithSummary("Download a unit's evidence file, for the council (always an attachment).");
        return app;
    }

    // The seat is bound from the route's campaign and the caller (CouncilSeat.BindAsync); refusals become problem details in one place.
    private static async Task<Ok<VerificationProgressView>> Progress(CouncilSeat seat, VerificationProgress progress, CancellationToken ct) =>
        TypedResults.Ok(await progress.ProgressAsync(seat, ct));

    private static async Task<Ok<IReadOnlyList<AssignmentView>>> Assign(CouncilSeat seat, AssignRequest request, Assignments assignments, CancellationToken ct) =>
        TypedResults.Ok(await assignments.AssignAsync(seat, request.Assignments ?? [], ct));

    private static async Task<Ok<IReadOnlyList<FieldProgress>>> Fields(CouncilSeat seat, FieldAppraisal fields, CancellationToken ct) =>
        TypedResults.Ok(await fields.ProgressAsync(seat, ct));

    private static async Task<Ok<IReadOnlyList<FieldAssigned>>> AssignFields(CouncilSeat seat, FieldsRequest request, FieldAppraisal fields, CancellationToken ct) =>
        TypedResults.Ok(await fields.AssignAsync(seat, request.Fields ?? [], ct));

    private static async Task<Ok<FieldsFromIndexSets>> AssignFieldsFromIndexSets(CouncilSeat seat, FieldAppraisal fields, CancellationToken ct) =>
        TypedResults.Ok(await fields.AssignFromIndexSetsAsync(seat, ct));

    private static async Task<Ok<FieldWork>> FieldWork(CouncilSeat seat, string groupCode, FieldAppraisal fields, CancellationToken ct) =>
        TypedResults.Ok(await fields.WorkAsync(seat, groupCode, ct));

    private static async Task<Ok<UnitReviewView>> Unit(CouncilSeat seat, Guid unitId, VerificationProgress progress, CancellationToken ct) =>
        TypedResults.Ok(await progress.UnitAsync(seat, unitId, ct));

    private static async Task<Ok<VerdictView>> Review(CouncilSeat seat, Guid unitId, string code, VerdictInput input, Verdicts verdicts, CancellationToken ct) =>
        TypedResults.Ok(await verdicts.ReviewAsync(seat, unitId, code, input, ct));

    private static async Task<Ok<SelfScoresAcceptedView>> AcceptSelfScores(CouncilSeat seat, Guid unitId, Verdicts verdicts, CancellationToken ct) =>
        TypedResults.Ok(await verdicts.AcceptSelfScoresAsync(seat, unitId, ct));

    private static async Task<Ok<GroupSelfScoresAcceptedView>> AcceptGroupSelfScores(CouncilSeat seat, string groupCode, Verdicts verdicts, CancellationToken ct) =>
        TypedResults.Ok(await verdicts.AcceptGroupSelfScoresAsync(seat, groupCode, ct));

    private static async Task<Ok<UnitVerificationView>> Complete(CouncilSeat seat, Guid unitId, UnitVerification verification, CancellationToken ct) =>
        TypedResults.Ok(await verification.CompleteAsync(seat, unitId, ct));

    private static async Task<Ok<UnitVerificationView>> Exclude(CouncilSeat seat, Guid unitId, ExcludeRequest request, UnitVerification verification, CancellationToken ct) =>
        TypedResults.Ok(await verification.ExcludeAsync(seat, unitId, request.Reason, ct));

    private static async Task<Ok<ClarificationView>> ReturnForClarification(CouncilSeat seat, Guid unitId, ClarificationInput input, UnitVerification verification,
        CancellationToken ct) =>
        TypedResults.Ok(await verification.ReturnForClarificationAsync(seat, unitId, input, ct));

    private static async Task<Results<FileStreamHttpResult, ProblemHttpResult>> Evidence(CouncilSeat seat, Guid unitId, Guid evidenceId, CampaignDbContext db,
        VerificationProgress progress, IEvidenceStore store, CancellationToken ct)
    {
        // Reading the unit checks that the seat sees it (an organiser, an administrator, or a member assigned to it).
        await progress.UnitAsync(seat, unitId, ct);
        var item = await (from e in db.Set<EvidenceItem>().AsNoTracking()
                          join p in db.Participants.AsNoTracking() on e.ParticipantId equals p.Id
                          where e.Id == evidenceId && p.CampaignId == seat.Campaign.Id && p.UnitId == unitId && e.Kind == EvidenceKind.File
                          select e).FirstOrDefaultAsync(ct);
        if (item?.Sha256 is null || await store.OpenAsync(item.Sha256, ct) is not { } content)
            return ApiProblems.NotFound($"Evidence file {evidenceId}");
        return TypedResults.File(content, item.ContentType ?? "application/octet-stream", item.FileName ?? $"{item.Sha256}.bin");
    }
}
