using System.Security.Claims;
using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Campaigns;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Hosting;
using Dtx.Campaign.Server.Identity;
using Dtx.Campaign.Workflows.Runtime;
using Dtx.Campaign.Workflows.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Workflow;

internal static class WorkflowApi
{
    public sealed record PendingView(Guid Id, BookmarkKind Kind, string Name, string Stage, DateTimeOffset? DueUtc, string? DueLocal);
    public sealed record JournalView(DateTimeOffset AtUtc, string Actor, string Stage, string? Activity, string Outcome, string? Detail);
    public sealed record StateView(Guid InstanceId, string Definition, int Version, string Stage, WorkflowStatus Status, string? Incident,
        IReadOnlyList<PendingView> Pending, IReadOnlyList<JournalView> Journal);
    // Checksum: the snapshot checksum the chair saw (GET approval-records/{stage}/snapshot); a stale one is refused.
    public sealed record ApprovalRequest(string Stage, string? Comment, string? Checksum = null);
    public sealed record ApprovalView(string Result, string Stage, string? Checksum = null, IReadOnlyList<string>? Changes = null);
    public sealed record SnapshotView(string Stage, string Checksum, int Items, IReadOnlyDictionary<string, string> Snapshot);

    public static IEndpointRouteBuilder MapCampaignWorkflow(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/campaigns/{id:guid}/workflow").WithTags("Workflow").RequireAuthorization();
        group.MapGet("/", State).WithSummary("Where the campaign's workflow stands: stage, pending timers and approvals with due times, and its journal.");
        // Text whose type the typed result does not declare: said here, so the document has its answer.
        group.MapGet("/graph", Graph).Produces<string>(StatusCodes.Status200OK, "text/plain").WithSummary("The workflow as a Mermaid diagram (or DOT with ?format=dot), the current stage highlighted.");
        group.MapPost("/approvals", Approve)
            .WithSummary("Approve the end of a stage. Only the campaign's council chair may; a second approval answers 409 and changes nothing.");
        group.MapGet("/approval-records", Records)
            .WithSummary("The latest approval of each stage with the checksum it approved, whether it is stale, and what changed since (count and list).");
        group.MapGet("/approval-records/{stage}/snapshot", Snapshot)
            .WithSummary("What approving a stage now would approve: the canonical snapshot and its SHA-256, to send back with the approval.");
        group.MapGet("/gates/{stage}", Gate).WithSummary("What approving the end of a stage requires and whether it is met (e.g. \"143/143 units verified\").");
        group.MapPost("/version", MoveVersion).RequireAuthorization(Policies.Administer)
            .WithSummary("Move the campaign's running workflow to a newer version of its definition, in its current stage (administrators; a reason is required). " +
                "The new version's timers are armed from the campaign's schedule; nothing the stage already did runs again.");
        app.MapGet("/api/workflows", Versions).WithTags("Workflow").RequireAuthorization(Policies.Administer)
            .WithSummary("Every definition version and the campaigns running on each.");
        return app;
    }

    private static async Task<Results<Ok<StateView>, ProblemHttpResult>> State(Guid id, CampaignDbContext db, WorkflowRuntime runtime, CancellationToken ct)
    {
        var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        if (campaign?.WorkflowInstanceId is not { } instanceId || await runtime.GetStateAsync(instanceId, ct) is not { } state)
            return ApiProblems.NotFound(campaign is null ? $"Campaign {id}" : $"The workflow of campaign {id} (it has not been launched)");
        var zone = TimeZoneInfo.FindSystemTimeZoneById(campaign.TimeZone);
        return TypedResults.Ok(new StateView(state.Instance.Id, state.Instance.DefinitionKey, state.Instance.DefinitionVersion, state.Instance.CurrentStage,
            state.Instance.Status, state.Instance.Incident,
            state.Pending.Select(b => new PendingView(b.Id, b.Kind, b.Name, b.Stage,
                b.DueUtc is { } due ? new DateTimeOffset(DateTime.SpecifyKind(due, DateTimeKind.Utc)) : null,
                b.DueUtc is { } d ? ScheduleInput.Show(ScheduleInput.Local(new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)), zone)) : null)).ToList(),
            state.Journal.Select(j => new JournalView(new DateTimeOffset(DateTime.SpecifyKind(j.At, DateTimeKind.Utc)), j.Actor, j.Stage, j.Activity, j.Outcome, j.Detail)).ToList()));
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> Graph(Guid id, string? format, CampaignDbContext db, WorkflowRuntime runtime, CancellationToken ct)
    {
        var instanceId = await db.Campaigns.Where(c => c.Id == id).Select(c => c.WorkflowInstanceId).FirstOrDefaultAsync(ct);
        var graph = instanceId is { } i ? await runtime.GetGraphAsync(i, dot: format == "dot", ct) : null;
        return graph is null ? ApiProblems.NotFound($"The workflow of campaign {id}") : TypedResults.Text(graph, "text/plain; charset=utf-8");
    }

    private static async Task<Results<Ok<GateCheck>, ProblemHttpResult>> Gate(Guid id, string stage, CampaignDbContext db, StageGates gates, CancellationToken ct)
    {
        var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        return campaign is null ? ApiProblems.NotFound($"Campaign {id}") : TypedResults.Ok(await gates.CheckAsync(campaign, stage, ct));
    }

    private static async Task<Results<Ok<ApprovalView>, ProblemHttpResult>> Approve(
        Guid id, ApprovalRequest request, ClaimsPrincipal user, StageApprovals approvals, CancellationToken ct)
    {
        var result = await approvals.ApproveAsync(id, request.Stage, request.Comment, user, ct, request.Checksum);
        return result.Outcome switch
        {
            ApprovalOutcome.Approved => TypedResults.Ok(new ApprovalView("approved", result.Stage, result.Checksum)),
            ApprovalOutcome.Reapproved => TypedResults.Ok(new ApprovalView("re-approved", result.Stage, result.Checksum, result.Changes)),
            ApprovalOutcome.StaleSnapshot => ApiProblems.From(new Refusal(RefusalKind.Conflict,
                [Reason.Of("approval.stale-snapshot", ("stage", new Label("stage." + request.Stage)), ("checksum", result.Checksum), ("current", result.Detail))],
                new Dictionary<string, object?> { ["checksum"] = result.Checksum, ["currentChecksum"] = result.Detail })),
            ApprovalOutcome.EarlierApprovalStale => ApiProblems.From(new Refusal(RefusalKind.Conflict,
                [Reason.Of("approval.earlier-stale", ("stage", new Label("stage." + result.Stage)), ("count", result.Changes!.Count))],
                new Dictionary<string, object?> { ["stage"] = result.Stage, ["changes"] = result.Changes, ["currentChecksum"] = result.Checksum })),
            ApprovalOutcome.NoSuchCampaign => ApiProblems.NotFound($"Campaign {id}"),
            ApprovalOutcome.NotLaunched => ApiProblems.NotFound($"The workflow of campaign {id} (it has not been launched)"),
            ApprovalOutcome.NotReady => ApiProblems.From(new Refusal(RefusalKind.Conflict,
                [Reason.Of("approval.not-ready", ("summary", result.Gate!.Summary), ("count", result.Gate.Blocking.Count), ("items", result.Gate.Blocking.Take(5).ToList()))],
                new Dictionary<string, object?> { ["blocking"] = result.Gate.Blocking })),
            ApprovalOutcome.Forbidden => ApiProblems.From(Refusal.Forbidden("approval.chair-only")),
            ApprovalOutcome.AlreadyApproved => ApiProblems.From(Refusal.Conflict("approval.already", ("stage", new Label("stage." + request.Stage)))),
            ApprovalOutcome.NotWaiting => ApiProblems.From(Refusal.Conflict("approval.not-waiting", ("stage", new Label("stage." + request.Stage)))),
            _ => ApiProblems.From(Refusal.Conflict("approval.rolled-back",
                ("stage", new Label("stage." + request.Stage)), ("detail", result.Detail), ("current", new Label("stage." + result.Stage)))),
        };
    }

    /// <summary>Verdicts of every unit are in a snapshot: administrators and the campaign's council only.</summary>
    private static async Task<ProblemHttpResult?> CouncilOrAdminAsync(Guid id, ClaimsPrincipal user, CampaignDbContext db, CancellationToken ct)
    {
        var campaign = await db.Campaigns.AsNoTracking().Include(c => c.Council).FirstOrDefaultAsync(c => c.Id == id, ct);
        if (campaign is null)
            return ApiProblems.NotFound($"Campaign {id}");
        return ActorFor(user, campaign).Roles.Count == 0
            ? ApiProblems.From(Refusal.Forbidden("approval.records-council-only"))
            : null;
    }

    private static async Task<Results<Ok<IReadOnlyList<ApprovalSnapshots.RecordView>>, ProblemHttpResult>> Records(Guid id, ClaimsPrincipal user,
        CampaignDbContext db, ApprovalSnapshots snapshots, CancellationToken ct) =>
        await CouncilOrAdminAsync(id, user, db, ct) is { } refused ? refused : TypedResults.Ok(await snapshots.ListAsync(id, ct));

    private static async Task<Results<Ok<SnapshotView>, ProblemHttpResult>> Snapshot(Guid id, string stage, ClaimsPrincipal user, CampaignDbContext db,
        ApprovalSnapshots snapshots, CancellationToken ct)
    {
        if (await CouncilOrAdminAsync(id, user, db, ct) is { } refused)
            return refused;
        if (!ApprovalSnapshots.GatedStages.Contains(stage))
            return ApiProblems.NotFound($"An approval gate '{stage}' (gated stages: {string.Join(", ", ApprovalSnapshots.GatedStages)})");
        var snapshot = await snapshots.TakeAsync(id, stage, ct);
        return TypedResults.Ok(new SnapshotView(stage, snapshot.Checksum, snapshot.Items.Count, snapshot.Items));
    }

    public sealed record VersionMoveRequest(int Version, string? Reason);

    private static async Task<Ok<WorkflowVersionMove.Moved>> MoveVersion(Guid id, VersionMoveRequest request, ClaimsPrincipal user, WorkflowVersionMove move,
        CancellationToken ct) =>
        TypedResults.Ok(await move.MoveAsync(id, request.Version, request.Reason, user.Identity?.Name ?? "admin", ct));

    private static async Task<Ok<IReadOnlyList<DefinitionUsage>>> Versions(WorkflowRuntime runtime, CancellationToken ct) =>
        TypedResults.Ok(await runtime.ListVersionsAsync(ct));

    /// <summary>The roles a person holds for this campaign: their system roles and their seat on its council.</summary>
    public static WorkflowActor ActorFor(ClaimsPrincipal user, Campaigns.Campaign campaign)
    {
        var email = Council.CouncilSeat.AddressOf(user);
        var roles = new List<string>();
        if (user.IsInRole(Roles.SystemAdmin)) roles.Add("system-admin");
        if (user.IsInRole(Roles.CampaignAdmin)) roles.Add("campaign-admin");
        foreach (var seat in campaign.Council.Where(m => string.Equals(m.Email, email, StringComparison.OrdinalIgnoreCase)))
            roles.Add(seat.Role switch
            {
                CouncilRole.Chair => "council-chair",
                CouncilRole.Secretary => "council-secretary",
                _ => "council-member",
            });
        return WorkflowActor.User(email, [.. roles]);
    }
}
