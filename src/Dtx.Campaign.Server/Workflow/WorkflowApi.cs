using System.Security.Claims;
using Dtx.Campaign.Server.Campaigns;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Hosting;
using Dtx.Campaign.Server.Identity;
using Dtx.Campaign.Workflows.Runtime;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Workflow;

internal static class WorkflowApi
{
    public sealed record PendingView(Guid Id, string Kind, string Name, string Stage, DateTimeOffset? DueUtc, string? DueLocal);
    public sealed record JournalView(DateTimeOffset AtUtc, string Actor, string Stage, string? Activity, string Outcome, string? Detail);
    public sealed record StateView(Guid InstanceId, string Definition, int Version, string Stage, string Status, string? Incident,
        IReadOnlyList<PendingView> Pending, IReadOnlyList<JournalView> Journal);
    public sealed record ApprovalRequest(string Stage, string? Comment);
    public sealed record ApprovalView(string Result, string Stage);

    public static IEndpointRouteBuilder MapCampaignWorkflow(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/campaigns/{id:guid}/workflow").WithTags("Workflow").RequireAuthorization();
        group.MapGet("/", State).WithSummary("Where the campaign's workflow stands: stage, pending timers and approvals with due times, and its journal.");
        group.MapGet("/graph", Graph).WithSummary("The workflow as a Mermaid diagram (or DOT with ?format=dot), the current stage highlighted.");
        group.MapPost("/approvals", Approve)
            .WithSummary("Approve the end of a stage. Only the campaign's council chair may; a second approval answers 409 and changes nothing.");
        group.MapGet("/gates/{stage}", Gate).WithSummary("What approving the end of a stage requires and whether it is met (e.g. \"143/143 units verified\").");
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
            state.Instance.Status.ToString().ToLowerInvariant(), state.Instance.Incident,
            state.Pending.Select(b => new PendingView(b.Id, b.Kind.ToString().ToLowerInvariant(), b.Name, b.Stage,
                b.DueUtc is { } due ? new DateTimeOffset(DateTime.SpecifyKind(due, DateTimeKind.Utc)) : null,
                b.DueUtc is { } d ? ScheduleInput.Show(ScheduleInput.Local(new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)), zone)) : null)).ToList(),
            state.Journal.Select(j => new JournalView(new DateTimeOffset(DateTime.SpecifyKind(j.At, DateTimeKind.Utc)), j.Actor, j.Stage, j.Activity, j.Outcome, j.Detail)).ToList()));
    }

    private static async Task<IResult> Graph(Guid id, string? format, CampaignDbContext db, WorkflowRuntime runtime, CancellationToken ct)
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
        var result = await approvals.ApproveAsync(id, request.Stage, request.Comment, user, ct);
        return result.Outcome switch
        {
            ApprovalOutcome.Approved => TypedResults.Ok(new ApprovalView("approved", result.Stage)),
            ApprovalOutcome.NoSuchCampaign => ApiProblems.NotFound($"Campaign {id}"),
            ApprovalOutcome.NotLaunched => ApiProblems.NotFound($"The workflow of campaign {id} (it has not been launched)"),
            ApprovalOutcome.NotReady => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Chưa đủ điều kiện phê duyệt / Not ready to approve",
                detail: $"{result.Gate!.Summary}. {result.Gate.Blocking.Count} item(s) remain, first: {result.Gate.Blocking[0]}",
                extensions: new Dictionary<string, object?> { ["blocking"] = result.Gate.Blocking }),
            ApprovalOutcome.Forbidden => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Không có quyền phê duyệt / Not allowed to approve",
                detail: $"Only the chair of this campaign's Appraisal Council approves the end of '{request.Stage}'."),
            ApprovalOutcome.AlreadyApproved => ApiProblems.Conflict($"'{request.Stage}' was already approved; nothing changed."),
            ApprovalOutcome.NotWaiting => ApiProblems.Conflict($"The campaign is not waiting for an approval of '{request.Stage}'; it is in '{result.Stage}'."),
            _ => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Không thực hiện được phê duyệt / The approval could not be applied",
                detail: $"The approval of '{request.Stage}' failed and was rolled back ({result.Detail}); the campaign stays in '{result.Stage}'. The incident is on the campaign's workflow page, where it can be retried."),
        };
    }

    private static async Task<Ok<IReadOnlyList<DefinitionUsage>>> Versions(WorkflowRuntime runtime, CancellationToken ct) =>
        TypedResults.Ok(await runtime.ListVersionsAsync(ct));

    /// <summary>The roles a person holds for this campaign: their system roles and their seat on its council.</summary>
    public static WorkflowActor ActorFor(ClaimsPrincipal user, Campaigns.Campaign campaign)
    {
        var email = user.FindFirstValue(ClaimTypes.Email) ?? user.Identity?.Name ?? "";
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
