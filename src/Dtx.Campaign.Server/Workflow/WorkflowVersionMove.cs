using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Audit;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Workflows.Definitions;
using Dtx.Campaign.Workflows.Runtime;
using Dtx.Campaign.Workflows.Storage;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Workflow;

/// <summary>
/// Moves a launched campaign's workflow to a newer version of the annual cycle (e.g. v3 to v4 for the council's and the
/// dispute deadline's reminders), in the stage it is in: the new version's waits replace the old ones, from the
/// campaign's own schedule, and nothing the stage already did runs again. Administrators only; audited and journaled.
/// </summary>
internal sealed class WorkflowVersionMove(CampaignDbContext db, WorkflowRuntime runtime, IWorkflowDefinitionStore definitions, AuditTrail audit)
{
    public sealed record Moved(int From, int To, string Stage, int TimersArmed);

    /// <summary>The newer versions an instance may move to now: running, and the version has its current stage (empty otherwise).</summary>
    public IReadOnlyList<int> NewerVersions(WorkflowInstance instance) =>
        instance.Status != WorkflowStatus.Running ? []
            : definitions.All.Where(d => d.Key == instance.DefinitionKey && d.Version > instance.DefinitionVersion && d.Stages.Any(s => s.Key == instance.CurrentStage))
                .Select(d => d.Version).Order().ToList();

    /// <exception cref="Refusal">No such campaign, not launched, no such newer version, or the workflow cannot move now.</exception>
    public async Task<Moved> MoveAsync(Guid campaignId, int version, string? reason, string user, CancellationToken ct)
    {
        var campaign = await db.Campaigns.FirstOrDefaultAsync(c => c.Id == campaignId, ct)
            ?? throw Refusal.NotFound("not-found", ("what", $"Campaign {campaignId}"));
        if (string.IsNullOrWhiteSpace(reason))
            throw Refusal.Invalid("reason", "workflow.move-reason");
        if (campaign.WorkflowInstanceId is not { } instanceId || await db.Set<WorkflowInstance>().AsNoTracking().FirstOrDefaultAsync(i => i.Id == instanceId, ct) is not { } instance)
            throw Refusal.Conflict("workflow.not-launched");
        if (instance.Status != WorkflowStatus.Running)
            throw Refusal.Conflict(instance.Status == WorkflowStatus.Faulted ? "workflow.move-faulted" : "workflow.move-ended");
        if (definitions.Find(instance.DefinitionKey, version) is not { } target || target.Version <= instance.DefinitionVersion)
            throw Refusal.Invalid("version", "workflow.move-version", ("version", version), ("current", instance.DefinitionVersion),
                ("newer", string.Join(", ", NewerVersions(instance).Select(v => "v" + v)) is { Length: > 0 } newer ? newer : "—"));
        if (target.Stages.All(s => s.Key != instance.CurrentStage))
            throw Refusal.Conflict("workflow.move-stage", ("version", version), ("stage", new Label("stage." + instance.CurrentStage)));

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var actor = WorkflowActor.User(user, Identity.Roles.CampaignAdmin);
        var armed = await runtime.MoveToVersionAsync(instanceId, version, CampaignDates.Of(campaign.Schedule, campaign.GraceDays, campaign.ReminderHours), actor, reason, ct);
        await audit.RecordAsync(new AuditEvent("workflow.version-moved", "campaign", campaignId.ToString(),
            Before: new { Workflow = $"{instance.DefinitionKey} v{instance.DefinitionVersion}", Stage = instance.CurrentStage },
            After: new { Workflow = $"{instance.DefinitionKey} v{version}", TimersArmed = armed }, Detail: reason.Trim(), CampaignId: campaignId), ct);
        await transaction.CommitAsync(ct);
        return new Moved(instance.DefinitionVersion, version, instance.CurrentStage, armed);
    }
}
