using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Audit;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Hosting;
using Dtx.Campaign.Server.Workflow;
using Dtx.Campaign.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Campaigns;

/// <summary>
/// Changes a campaign's dates. On a launched campaign only dates still ahead may move, and its
/// pending timers and reminders move with them.
/// </summary>
internal sealed class ChangeSchedule(CampaignDbContext db, WorkflowRuntime workflows, AuditTrail audit, TimeProvider clock)
{
    public async Task<Campaign> HandleAsync(Guid id, ScheduleInput schedule, string? user, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var campaign = await db.Campaigns.FirstOrDefaultAsync(c => c.Id == id, ct) ?? throw Refusal.NotFound("not-found", ("what", $"Campaign {id}"));
        if (campaign.Status is CampaignStatus.Cancelled or CampaignStatus.Archived)
            throw Refusal.Invalid("status", "campaign.dates-frozen", ("status", ApiNames.Label("campaign", campaign.Status)));
        var zone = TimeZoneInfo.FindSystemTimeZoneById(campaign.TimeZone);
        var errors = schedule.Validate(zone);
        if (errors.Count > 0)
            throw Refusal.Invalid(errors);

        var now = clock.GetUtcNow();
        var before = CampaignDates.Of(campaign.Schedule, campaign.GraceDays, campaign.ReminderHours);
        var after = CampaignDates.Of(schedule.ToUtc(zone), campaign.GraceDays, campaign.ReminderHours);
        var changed = after.Where(d => before[d.Key] != d.Value).ToList();
        if (campaign.Status == CampaignStatus.Launched)
            foreach (var (name, value) in changed.Where(d => !CampaignDates.IsDerived(d.Key) && (before[d.Key] <= now || d.Value <= now)))
                errors.Add(before[name] <= now
                    ? Reason.For($"schedule.{name}", "schedule.passed", ("time", ScheduleInput.Show(ScheduleInput.Local(before[name], zone))))
                    : Reason.For($"schedule.{name}", "date.in-past", ("time", ScheduleInput.Show(ScheduleInput.Local(value, zone)))));
        if (errors.Count > 0)
            throw Refusal.Invalid(errors);

        var rescheduled = 0;
        if (campaign.Status == CampaignStatus.Launched && campaign.WorkflowInstanceId is { } instance)
            foreach (var (name, value) in changed)
                rescheduled += await workflows.ChangeDateAsync(instance, name, value, WorkflowActor.User(user ?? "system", Identity.Roles.CampaignAdmin), ct);
        campaign.Schedule = schedule.ToUtc(zone);
        campaign.ConcurrencyStamp = Guid.NewGuid();
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditEvent("campaign.schedule-changed", "campaign", campaign.Id.ToString(),
            changed.ToDictionary(d => d.Key, d => ScheduleInput.Show(ScheduleInput.Local(before[d.Key], zone))),
            changed.ToDictionary(d => d.Key, d => ScheduleInput.Show(ScheduleInput.Local(d.Value, zone))),
            Detail: $"{rescheduled} pending timer(s) moved", CampaignId: campaign.Id), ct);
        await transaction.CommitAsync(ct);
        return campaign;
    }
}
