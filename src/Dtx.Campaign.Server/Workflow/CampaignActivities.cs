using Dtx.Campaign.Server.Campaigns;
using Dtx.Campaign.Server.Notices;
using Dtx.Campaign.Server.Units;
using Dtx.Campaign.Workflows.Activities;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Workflow;

/// <summary>Finds the campaign a workflow instance runs: its correlation id is the campaign's, or "campaign/unit" for one unit's workflow.</summary>
internal static class ActivityCampaign
{
    public static Guid CampaignId(ActivityContext context) => Guid.Parse(context.CorrelationId.Split('/')[0]);

    /// <summary>The unit a unit's workflow runs for; null for the campaign's own workflow.</summary>
    public static Guid? UnitId(ActivityContext context) => context.CorrelationId.Split('/') is [_, var unit] ? Guid.Parse(unit) : null;

    public static async Task<Campaigns.Campaign> LoadAsync(ActivityContext context, CancellationToken ct) =>
        await context.Db.Set<Campaigns.Campaign>().FirstOrDefaultAsync(c => c.Id == CampaignId(context), ct)
        ?? throw new InvalidOperationException($"Workflow instance {context.InstanceId} runs campaign {context.CorrelationId}, which does not exist.");
}

/// <summary>
/// Closes self-assessment at the deadline: every unit that has not submitted and has no later
/// extension is recorded as not submitted. Its saved draft stays for the council to see.
/// </summary>
internal sealed class CloseSelfAssessmentActivity : IActivity
{
    public string Name => "close-self-assessment";

    public async ValueTask<ActivityOutcome> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var campaign = await ActivityCampaign.LoadAsync(context, cancellationToken);
        var now = new DateTimeOffset(context.NowUtc, TimeSpan.Zero);
        var unitId = ActivityCampaign.UnitId(context);
        var open = await context.Db.Set<Participant>()
            .Where(p => p.CampaignId == campaign.Id && ParticipantStatuses.Unsubmitted.Contains(p.Status))
            .Where(p => unitId == null || p.UnitId == unitId)
            .ToListAsync(cancellationToken);
        // A unit with an extension is closed by its own workflow, at the end of its own grace period.
        var closing = open.Where(p => campaign.DueToClose(p, now)).ToList();
        foreach (var participant in closing)
            participant.CloseAsNotSubmitted();
        return new ActivityOutcome("closed", $"{closing.Count} unit(s) recorded as not submitted; {open.Count - closing.Count} still open under an extension");
    }
}

/// <summary>
/// An official notice to an audience of the campaign: one e-mail per recipient, keyed so that a
/// re-run of the step cannot send it twice. Units are reached through their focal officers; the
/// council through its members (or only its chair).
/// </summary>
internal sealed class SendNoticeActivity(NoticeDesk notices, NoticeBuilders builders) : IActivity
{
    public string Name => "send-notice";

    private sealed record Recipient(string To, string Name, Unit? Unit);

    public async ValueTask<ActivityOutcome> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var campaign = await context.Db.Set<Campaigns.Campaign>().Include(c => c.Council)
            .FirstOrDefaultAsync(c => c.Id == ActivityCampaign.CampaignId(context), cancellationToken)
            ?? throw new InvalidOperationException($"Campaign {context.CorrelationId} does not exist.");
        var template = context.Parameter("template") ?? "notice";
        var audience = context.Parameter("audience") ?? "all-units";
        List<Recipient> recipients = audience switch
        {
            // A public notice (the final results) is filed and published, and each unit gets its copy by e-mail too.
            "all-units" or "public" => (await (from p in context.Db.Set<Participant>()
                                   join u in context.Db.Set<Unit>().Include(u => u.Contacts) on p.UnitId equals u.Id
                                   where p.CampaignId == campaign.Id
                                   orderby u.Code
                                   select u).ToListAsync(cancellationToken))
                .SelectMany(u => u.Contacts.Where(c => c.Role == ContactRole.FocalOfficer).Select(c => new Recipient(c.Email, c.FullName, u)))
                .ToList(),
            "council-members" => campaign.Council.Select(m => new Recipient(m.Email, m.FullName, null)).ToList(),
            "council-chair" => campaign.Council.Where(m => m.Role == CouncilRole.Chair).Select(m => new Recipient(m.Email, m.FullName, null)).ToList(),
            _ => [],
        };
        if (recipients.Count == 0)
        {
            // An audience the host cannot resolve yet stays a single notice row for a person to act on.
            context.AddToOutbox("notice", new { template, audience, campaignId = campaign.Id, year = campaign.Year });
            return new ActivityOutcome("queued", $"notice for '{audience}' (no individual recipients)");
        }
        var copies = builders.TryGet(template, out var builder) ? await builder.BuildAsync(campaign, cancellationToken) : null;
        if (copies is null)
        {
            foreach (var r in recipients)
                context.AddToOutbox("email", new { template, audience, campaignId = campaign.Id, unitId = r.Unit?.Id, unitCode = r.Unit?.Code, to = r.To, name = r.Name, year = campaign.Year },
                    keySuffix: $"{r.Unit?.Id:N}/{r.To.ToLowerInvariant()}");
            return new ActivityOutcome("queued", $"{recipients.Count} e-mail(s) '{template}' to {audience}");
        }

        var issue = copies.Issued is { } issued ? await notices.ReopenAsync(campaign, issued, cancellationToken)
            : await notices.IssueAsync(campaign, copies.Filed, context.Actor.Id, recipients.Count, null, cancellationToken);
        foreach (var r in recipients)
        {
            var letter = NoticeDesk.Letter(issue, copies.ForUnit(issue.Context, r.Unit));
            context.AddToOutbox("email", new
            {
                template, audience, campaignId = campaign.Id, unitId = r.Unit?.Id, unitCode = r.Unit?.Code, to = r.To, name = r.Name,
                documentId = issue.Document.Id, document = issue.Document.Display, letter.Subject, letter.ModelType, letter.ModelJson,
            }, keySuffix: $"{r.Unit?.Id:N}/{r.To.ToLowerInvariant()}");
        }
        return new ActivityOutcome("queued", $"{recipients.Count} e-mail(s) '{template}' to {audience}, document {issue.Document.Display}");
    }
}

/// <summary>
/// The daily reminder round: a unit that has not submitted is written to on the campaign's reminder
/// days before its own deadline (its focal officers; on the last of those days its head too), and every
/// day of the grace period once overdue (focal officers and head). A unit with an extension is left to
/// its own workflow's round. One outbox message per round, unit and recipient, so a re-run sends nothing twice.
/// </summary>
internal sealed class SendReminderActivity(NoticeDesk notices) : IActivity
{
    public string Name => "send-reminder";

    public async ValueTask<ActivityOutcome> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var audience = context.Parameter("audience");
        var campaign = await ActivityCampaign.LoadAsync(context, cancellationToken);
        var now = new DateTimeOffset(context.NowUtc, TimeSpan.Zero);
        if (audience != "units-not-submitted")
            return RemindOfStageDeadline(context, campaign, audience, now);
        var only = ActivityCampaign.UnitId(context);
        // The last call (annual-campaign v3): every unit still open, hours before the deadline, its head too.
        var hoursRound = context.Parameter("round") == "hours";
        var units = await (from p in context.Db.Set<Participant>()
                           join u in context.Db.Set<Unit>().Include(u => u.Contacts) on p.UnitId equals u.Id
                           where p.CampaignId == campaign.Id && ParticipantStatuses.Unsubmitted.Contains(p.Status)
                               && (only == null || p.UnitId == only)
                           select new { p, u }).ToListAsync(cancellationToken);
        var due = new List<(Participant Participant, Unit Unit, DateTimeOffset Deadline, DateTimeOffset GraceEnd, int DaysLeft, bool Overdue, bool WithHead)>();
        foreach (var (participant, unit) in units.Select(x => (x.p, x.u)))
        {
            if (only is null && participant.ExtendedUntil is not null)
                continue;
            var deadline = campaign.DeadlineOf(participant);
            var graceEnd = campaign.GraceEnd(deadline);
            var daysLeft = Campaigns.Campaign.DaysLeft(deadline, now, context.TimeZone);
            var overdue = deadline <= now;
            if (hoursRound)
            {
                if (!overdue && campaign.ReminderHours > 0)
                    due.Add((participant, unit, deadline, graceEnd, daysLeft, false, true));
                continue;
            }
            if (overdue ? campaign.DueToClose(participant, now) : !campaign.ReminderDays.Contains(daysLeft))
                continue;
            due.Add((participant, unit, deadline, graceEnd, daysLeft, overdue, overdue || daysLeft == campaign.ReminderDays.Min()));
        }
        if (due.Count == 0)
            return new ActivityOutcome("none", $"no unit of {units.Count} that have not submitted is due a reminder today");

        // One official reminder (công văn đôn đốc) per round, each unit receiving its own figures.
        var template = context.Parameter("template") ?? "deadline-reminder";
        var remindedUnits = due.Select(d => $"{d.Unit.NameVi} ({d.Participant.AnsweredCount}/{d.Participant.ApplicableCount})").ToList();
        var issue = await notices.IssueAsync(campaign, c => NoticeModels.Reminder(c, NoticeDesk.EveryUnit, due[0].Deadline, due.Min(d => d.DaysLeft), 0, 0) with { RemindedUnits = remindedUnits },
            context.Actor.Id, due.Count, only, cancellationToken);
        var queued = 0;
        foreach (var (participant, unit, deadline, graceEnd, daysLeft, overdue, withHead) in due)
        {
            // Overdue, the template states until when a late submission is still accepted instead of the days left.
            var letter = NoticeDesk.Letter(issue, NoticeModels.Reminder(issue.Context, NoticeDesk.UnitModel(unit), deadline, daysLeft,
                participant.AnsweredCount, participant.ApplicableCount) with
            {
                GraceEndsAt = overdue ? graceEnd : null, HoursLeft = hoursRound ? (int)Math.Ceiling((deadline - now).TotalHours) : 0,
            });
            foreach (var contact in unit.Contacts.Where(c => c.Role == ContactRole.FocalOfficer || (withHead && c.Role == ContactRole.Head)))
            {
                context.AddToOutbox("email", new
                {
                    template,
                    campaignId = campaign.Id,
                    unitId = unit.Id,
                    unitCode = unit.Code,
                    to = contact.Email,
                    name = contact.FullName,
                    role = contact.Role == ContactRole.Head ? "head" : "focal-officer",
                    deadlineUtc = deadline,
                    overdue,
                    graceEndsUtc = overdue ? graceEnd : (DateTimeOffset?)null,
                    daysLeft,
                    answered = participant.AnsweredCount,
                    applicable = participant.ApplicableCount,
                    documentId = issue.Document.Id,
                    document = issue.Document.Display,
                    letter.Subject, letter.ModelType, letter.ModelJson,
                }, keySuffix: $"{unit.Id:N}/{contact.Email.ToLowerInvariant()}");
                queued++;
            }
        }
        var reminded = due.Count;
        return new ActivityOutcome("queued", $"{queued} reminder(s) to {reminded} of {units.Count} unit(s) that have not submitted");
    }

    /// <summary>
    /// A reminder of the council's deadline or of the dispute deadline, sent as a notice to its audience with the
    /// deadline it speaks of. With a <c>round</c> (annual-campaign v4) these deadlines follow the units' schedule: the
    /// morning round writes on the campaign's reminder days only, the hours round is the last call; without one (v1-v3)
    /// the step's own timer was the one reminder.
    /// </summary>
    private static ActivityOutcome RemindOfStageDeadline(ActivityContext context, Campaigns.Campaign campaign, string? audience, DateTimeOffset now)
    {
        var template = context.Parameter("template") ?? "notice";
        // v1-v3 name the self-assessment template for their one reminder to every unit (the day before disputes close)
        // and to the chair (two days before verification ends): each is sent as the reminder of its own deadline.
        if (template == "deadline-reminder")
            template = audience == "all-units" ? "disputes-closing" : "verification-closing";
        var deadline = CampaignDates.ReminderDeadline(template, campaign.Schedule);
        if (context.Parameter("round") is { } round && deadline is { } due && !campaign.RemindsOf(due, now, context.TimeZone, round == "hours"))
            return new ActivityOutcome("none", $"no '{template}' reminder today: {Campaigns.Campaign.DaysLeft(due, now, context.TimeZone)} day(s) before the deadline");
        context.AddToOutbox("notice", new { template, audience, campaignId = context.CorrelationId, deadlineUtc = deadline, year = campaign.Year });
        return new ActivityOutcome("queued", $"'{template}' to {audience}");
    }
}
