using System.Text.Json;
using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Audit;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Hosting;
using Dtx.Campaign.Server.Notices;
using Dtx.Campaign.Server.Units;
using Dtx.Campaign.Workflows.Storage;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Campaigns;

public sealed record RemindNowRequest(List<Guid>? Units);

/// <summary>What a reminder sent now did: the document, the units written to, and those left out with why.</summary>
public sealed record RemindNowResult(string? Document, IReadOnlyList<string> Reminded, IReadOnlyDictionary<string, string> Skipped);

/// <summary>
/// An administrator's reminder, now, to chosen units: one numbered reminder notice, each open unit's focal
/// officers and head receiving their own deadline and progress. A unit that submitted (or is closed) gets none.
/// </summary>
internal sealed class RemindNow(CampaignDbContext db, NoticeDesk notices, AuditTrail audit, TimeProvider clock)
{
    public async Task<RemindNowResult> HandleAsync(Guid campaignId, RemindNowRequest request, string? user, CancellationToken ct)
    {
        if (request.Units is not { Count: > 0 } chosen)
            throw Refusal.Invalid("units", "reminders.units-required");
        if (chosen.Count > 10_000)
            throw Refusal.Invalid("units", "reminders.too-many", ("count", chosen.Count));
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var campaign = await db.Set<Campaign>().FirstOrDefaultAsync(c => c.Id == campaignId, ct) ?? throw Refusal.NotFound("not-found", ("what", $"Campaign {campaignId}"));
        if (campaign.Status != CampaignStatus.Launched)
            throw Refusal.Invalid("status", "reminders.not-running", ("status", ApiNames.Label("campaign", campaign.Status)));
        var rows = await (from p in db.Set<Participant>()
                          join u in db.Units.Include(u => u.Contacts) on p.UnitId equals u.Id
                          where p.CampaignId == campaignId && chosen.Contains(p.UnitId)
                          select new { p, u }).ToListAsync(ct);
        var unknown = chosen.Distinct().Where(id => rows.All(r => r.u.Id != id)).ToList();
        if (unknown.Count > 0)
            throw Refusal.Invalid("units", "reminders.not-participating", ("units", unknown.Take(20).ToList()));

        var now = clock.GetUtcNow();
        var skipped = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var open = new List<(Participant P, Unit U, DateTimeOffset Deadline)>();
        foreach (var r in rows.OrderBy(r => r.u.Code, StringComparer.Ordinal))
        {
            var deadline = campaign.DeadlineOf(r.p);
            if (!ParticipantStatuses.Unsubmitted.Contains(r.p.Status))
                skipped[r.u.Code] = ApiNames.Of(r.p.Status);
            else if (campaign.DueToClose(r.p, now))
                skipped[r.u.Code] = "closed: the deadline has passed";
            else
                open.Add((r.p, r.u, deadline));
        }
        if (open.Count == 0)
            return new RemindNowResult(null, [], skipped);

        var zone = TimeZoneInfo.FindSystemTimeZoneById(campaign.TimeZone);
        int DaysLeft(DateTimeOffset deadline) => Campaign.DaysLeft(deadline, now, zone);
        var remindedUnits = open.Select(o => $"{o.U.NameVi} ({o.P.AnsweredCount}/{o.P.ApplicableCount})").ToList();
        var issue = await notices.IssueAsync(campaign, c => NoticeModels.Reminder(c, NoticeDesk.EveryUnit, open[0].Deadline, DaysLeft(open[0].Deadline), 0, 0) with { RemindedUnits = remindedUnits },
            user ?? "system", open.Count, open.Count == 1 ? open[0].U.Id : null, ct);
        foreach (var (p, u, deadline) in open)
        {
            var daysLeft = DaysLeft(deadline);
            var overdue = deadline <= now;
            var letter = NoticeDesk.Letter(issue, NoticeModels.Reminder(issue.Context, NoticeDesk.UnitModel(u), deadline, daysLeft, p.AnsweredCount, p.ApplicableCount) with
            {
                GraceEndsAt = overdue ? campaign.GraceEnd(deadline) : null,
                HoursLeft = !overdue && daysLeft == 0 ? (int)Math.Ceiling((deadline - now).TotalHours) : 0,
            });
            foreach (var contact in u.Contacts.Where(c => c.Role is ContactRole.FocalOfficer or ContactRole.Head))
                db.Add(new OutboxMessage
                {
                    Id = Guid.NewGuid(), CreatedAt = now.UtcDateTime, Kind = "email", Status = OutboxStatus.Pending, NextAttemptAt = now.UtcDateTime,
                    IdempotencyKey = $"remind-now/{issue.Document.Id:N}/{u.Id:N}/{contact.Email.ToLowerInvariant()}",
                    PayloadJson = JsonSerializer.Serialize(new
                    {
                        template = "deadline-reminder", campaignId, unitId = u.Id, unitCode = u.Code, to = contact.Email, name = contact.FullName,
                        role = contact.Role == ContactRole.Head ? "head" : "focal-officer", deadlineUtc = deadline, overdue, daysLeft,
                        documentId = issue.Document.Id, document = issue.Document.Display, letter.Subject, letter.ModelType, letter.ModelJson,
                    }),
                });
        }
        await db.SaveChangesAsync(ct);
        var reminded = open.Select(o => o.U.Code).ToList();
        await audit.RecordAsync(new AuditEvent("campaign.reminded", "campaign", campaignId.ToString(),
            After: new { Document = issue.Document.Display, Reminded = reminded, Skipped = skipped }, CampaignId: campaignId), ct);
        await transaction.CommitAsync(ct);
        return new RemindNowResult(issue.Document.Display, reminded, skipped);
    }
}
