using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Audit;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Workflows.Runtime;
using Dtx.Campaign.Workflows.Storage;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Campaigns;

/// <summary>
/// Gives units a later self-assessment deadline; their reminders and their own close follow the new date. Several
/// units at once are granted all or none (one transaction), with one audit entry per unit.
/// </summary>
internal sealed class GrantExtension(CampaignDbContext db, WorkflowRuntime workflows, AuditTrail audit, TimeProvider clock)
{
    /// <summary>
    /// <paramref name="until"/> is text by the API's one date-time rule (<see cref="LocalDateTimeInput"/>): a local time
    /// in the campaign's zone, or an instant with its offset.
    /// </summary>
    public async Task<CampaignsApi.ProgressRow> HandleAsync(Guid campaignId, Guid unitId, string? until, string reason, string? user, CancellationToken ct) =>
        (await HandleManyAsync(campaignId, [unitId], until, reason, user, ct))[0];

    public async Task<IReadOnlyList<CampaignsApi.ProgressRow>> HandleManyAsync(Guid campaignId, IReadOnlyList<Guid> unitIds, string? until, string reason,
        string? user, CancellationToken ct)
    {
        if (unitIds.Count == 0)
            throw Refusal.Invalid("unitIds", "extension.units-required");
        if (unitIds.Distinct().Count() != unitIds.Count)
            throw Refusal.Invalid("unitIds", "extension.unit-twice", ("unit", unitIds.GroupBy(u => u).First(g => g.Count() > 1).Key));
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var campaign = await db.Set<Campaign>().FirstOrDefaultAsync(c => c.Id == campaignId, ct) ?? throw Refusal.NotFound("not-found", ("what", $"Campaign {campaignId}"));
        if (LocalDateTimeInput.TryParse(until, TimeZoneInfo.FindSystemTimeZoneById(campaign.TimeZone), out var untilUtc) is { } invalid)
            throw Refusal.Invalid([invalid with { Field = "until" }]);
        var rows = new List<CampaignsApi.ProgressRow>(unitIds.Count);
        // A refusal of any unit leaves the transaction uncommitted: no unit is extended.
        foreach (var unitId in unitIds)
            rows.Add(await GrantOneAsync(campaign, unitId, untilUtc, reason, user, ct));
        await transaction.CommitAsync(ct);
        return rows;
    }

    private async Task<CampaignsApi.ProgressRow> GrantOneAsync(Campaign campaign, Guid unitId, DateTimeOffset until, string reason, string? user, CancellationToken ct)
    {
        var campaignId = campaign.Id;
        var participant = await db.Set<Participant>().FirstOrDefaultAsync(p => p.CampaignId == campaignId && p.UnitId == unitId, ct)
            ?? throw Refusal.NotFound("not-found", ("what", $"Unit {unitId} in campaign {campaignId}"));
        var unit = await db.Units.AsNoTracking().FirstAsync(u => u.Id == unitId, ct);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(campaign.TimeZone);

        if (string.IsNullOrWhiteSpace(reason))
            throw Refusal.Invalid("reason", "extension.reason-required");
        var closes = campaign.Schedule.SelfAssessmentClosesAt;
        if (until <= closes)
            throw Refusal.Invalid("until", "extension.before-deadline", ("deadline", ScheduleInput.Show(ScheduleInput.Local(closes, zone))));
        if (campaign.GraceEnd(until) >= campaign.Schedule.VerificationEndsAt)
            throw Refusal.Invalid("until", "extension.after-verification", ("graceDays", campaign.GraceDays), ("end", ScheduleInput.Show(ScheduleInput.Local(campaign.Schedule.VerificationEndsAt, zone))));
        if (until <= clock.GetUtcNow())
            throw Refusal.Invalid("until", "extension.in-past");
        if (participant.Status == ParticipantStatus.Submitted)
            throw Refusal.Invalid("unit", "extension.already-submitted", ("unit", unit.Code));

        var before = new { participant.ExtendedUntil, participant.ExtensionReason, Status = CampaignProgress.Kebab(participant.Status) };
        // A unit closed as not submitted is reopened by its extension.
        participant.Extend(until, reason.Trim());
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditEvent("campaign.extension-granted", "participant", participant.Id.ToString(), before,
            new { participant.ExtendedUntil, participant.ExtensionReason, Status = CampaignProgress.Kebab(participant.Status) },
            CampaignId: campaignId, UnitId: unitId), ct);
        await ScheduleUnitDeadlineAsync(campaign, unitId, until, user, ct);
        return CampaignProgress.Row(campaign, participant, unit.Code, unit.NameVi, clock.GetUtcNow());
    }

    /// <summary>The unit's own deadline runs as a workflow of its own: started by the first extension, moved by the next.</summary>
    private async Task ScheduleUnitDeadlineAsync(Campaign campaign, Guid unitId, DateTimeOffset until, string? user, CancellationToken ct)
    {
        var correlation = $"{campaign.Id}/{unitId}";
        var actor = WorkflowActor.User(user ?? "system", Identity.Roles.CampaignAdmin);
        // A faulted one (a step waits for its retry) is still the unit's deadline: moved, never doubled.
        if (await workflows.FindAsync(correlation, "unit-extension", ct) is { Status: WorkflowStatus.Running or WorkflowStatus.Faulted } running)
        {
            await workflows.ChangeDateAsync(running.Id, "selfAssessment.closesAt", until, actor, ct);
            await workflows.ChangeDateAsync(running.Id, "selfAssessment.graceEndsAt", campaign.GraceEnd(until), actor, ct);
        }
        else
        {
            var dates = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal)
            {
                // Its reminder round starts the morning the extension is granted.
                ["selfAssessment.opensAt"] = clock.GetUtcNow(),
                ["selfAssessment.closesAt"] = until,
                ["selfAssessment.graceEndsAt"] = campaign.GraceEnd(until),
            };
            await workflows.StartAsync(new StartWorkflow("unit-extension", correlation, dates, TimeZoneId: campaign.TimeZone, Actor: actor), ct);
        }
    }
}
