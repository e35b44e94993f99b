using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Council;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Verification;
using Dtx.Campaign.Server.Workflow;
using Dtx.Campaign.Workflows.Definitions;
using Dtx.Campaign.Workflows.Runtime;
using Dtx.Campaign.Workflows.Storage;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace Dtx.Campaign.Server.Web.Council;

/// <summary>
/// A campaign seen by its council: verification progress (a member sees the units assigned to them),
/// assignments (organisers), and the approvals the workflow waits for, each with what its gate checks —
/// the chair approves here.
/// </summary>
internal sealed class CampaignModel(CampaignDbContext db, Assignments assignments, VerificationProgress progress, WorkflowRuntime runtime, IWorkflowDefinitionStore definitions,
    StageGates gates, StageApprovals approvals, FieldAppraisal fields, UiText text, IAuthorizationService authorization) : CouncilPage(db, text, authorization)
{
    public sealed record Approval(string Stage, string StageName, GateCheck Gate);

    public VerificationProgressView Progress { get; private set; } = null!;
    public List<Approval> Approvals { get; private set; } = [];
    public string StageName { get; private set; } = "";
    public string Stage { get; private set; } = "";

    [BindProperty]
    public string? ApproveStage { get; set; }

    [BindProperty]
    public string? Comment { get; set; }

    [BindProperty]
    public Guid? MemberId { get; set; }

    [BindProperty]
    public Guid? AssignUnitId { get; set; }

    public Task<IActionResult> OnGetAsync(Guid campaignId, CancellationToken ct) => ShowAsync(campaignId, ct);

    /// <summary>The fields assigned (appraisal by field) with their progress; a member sees their own.</summary>
    public IReadOnlyList<FieldProgress> Fields { get; private set; } = [];

    public Task<IActionResult> OnPostFieldsAsync(Guid campaignId, CancellationToken ct) =>
        ActAsync(campaignId, CouncilPermission.Assign, ct, async seat =>
        {
            var made = await fields.AssignFromIndexSetsAsync(seat, ct);
            return Text.Format("FieldsAssigned", made.Assigned.Count, made.WithoutMember.Count);
        }, "fields-title");

    // Anyone who may open the page asks; the workflow says who approves (the chair), as for the API.
    public Task<IActionResult> OnPostApproveAsync(Guid campaignId, CancellationToken ct) =>
        ActAsync(campaignId, Readers, ct, async seat =>
        {
            var result = await approvals.ApproveAsync(campaignId, ApproveStage ?? "", Comment, User, ct);
            await LoadDefinitionAsync(seat, ct);
            return result.Outcome switch
            {
                ApprovalOutcome.Approved => Text.Format("Approved", StageNameOf(ApproveStage ?? "")),
                ApprovalOutcome.NotReady => throw Refusal.Conflict("approval.not-ready", ("summary", result.Gate!.Summary), ("count", result.Gate.Blocking.Count), ("items", result.Gate.Blocking.Take(5).ToList())),
                ApprovalOutcome.Forbidden => throw Refusal.Forbidden("approval.chair-only"),
                ApprovalOutcome.AlreadyApproved or ApprovalOutcome.NotWaiting => throw Refusal.Conflict("approval.not-waiting", ("stage", new Label("stage." + result.Stage))),
                ApprovalOutcome.NoSuchCampaign => throw new KeyNotFoundException(campaignId.ToString()),
                _ => throw Refusal.Conflict("approval.failed", ("detail", result.Detail ?? result.Outcome.ToString())),
            };
        });

    public Task<IActionResult> OnPostAssignAsync(Guid campaignId, CancellationToken ct) =>
        ActAsync(campaignId, CouncilPermission.Assign, ct, async seat =>
        {
            if (MemberId is not { } member || AssignUnitId is not { } unit)
                throw Refusal.Invalid("assignments", "verification.assignments-empty");
            var made = await assignments.AssignAsync(seat, [new AssignmentInput(unit, member, null)], ct);
            return Text.Format("Assigned", made[0].MemberName, made[0].UnitCode);
        }, "units-title");

    private WorkflowDefinition? definition;

    private string StageNameOf(string stage) => StageNames.Of(definition, stage, Text);

    private async Task LoadDefinitionAsync(CouncilSeat seat, CancellationToken ct)
    {
        if (seat.Campaign.WorkflowInstanceId is { } id && await runtime.GetStateAsync(id, ct) is { } state)
            definition = definitions.Find(state.Instance.DefinitionKey, state.Instance.DefinitionVersion);
    }

    protected override async Task LoadAsync(CouncilSeat seat, CancellationToken ct)
    {
        Progress = await progress.ProgressAsync(seat, ct);
        Fields = await fields.ProgressAsync(seat, ct);
        Stage = await CampaignStage.OfAsync(Db, seat.Campaign, ct);
        if (seat.Campaign.WorkflowInstanceId is { } id && await runtime.GetStateAsync(id, ct) is { } state)
        {
            definition = definitions.Find(state.Instance.DefinitionKey, state.Instance.DefinitionVersion);
            foreach (var pending in state.Pending.Where(b => b.Kind == BookmarkKind.Approval))
                Approvals.Add(new Approval(pending.Stage, StageNameOf(pending.Stage), await gates.CheckAsync(seat.Campaign, pending.Stage, ct)));
        }
        StageName = StageNameOf(Stage);
    }
}
