using System.Text.Json;
using Dtx.Campaign.Server.Campaigns;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Identity;
using Dtx.Campaign.Server.Units;
using Dtx.Campaign.Workflows.Storage;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Email;

/// <summary>
/// Turns each pending outbox row of kind <c>notice</c> (a notice to an audience the step could not
/// resolve into people: the public, the campaign's administrators, the council chair's reminder, a
/// reminder to all units) into one <c>email</c> row per recipient, in one transaction with marking the
/// notice sent, so that the e-mail delivery sends them and a re-run adds nothing twice.
/// Audiences: <c>all-units</c> and <c>units-not-submitted</c> (focal officers), <c>council-members</c>,
/// <c>council-chair</c>, <c>campaign-admins</c> (people with the campaign- or system-administrator role); <c>public</c> goes to the administrators, who publish it
/// on the portal. A notice with nobody to write to ends <c>failed</c>, with the reason, for an administrator to see.
/// </summary>
internal sealed class NoticeFanOut(CampaignDbContext db)
{
    private sealed record Recipient(string To, string Name, Unit? Unit, string Lang = "vi");

    public async Task<int> ExpandPendingAsync(DateTime now, int max, CancellationToken ct)
    {
        var expanded = 0;
        for (var i = 0; i < max; i++)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var notice = db.Database.IsNpgsql()
                ? await db.Set<OutboxMessage>().FromSqlInterpolated($"""
                    SELECT * FROM wf_outbox WHERE "Kind" = 'notice' AND "Status" = {OutboxStatus.Pending.ToString()}
                    ORDER BY "CreatedAt" LIMIT 1 FOR UPDATE SKIP LOCKED
                    """).FirstOrDefaultAsync(ct)
                : await db.Set<OutboxMessage>().Where(m => m.Kind == "notice" && m.Status == OutboxStatus.Pending)
                    .OrderBy(m => m.CreatedAt).FirstOrDefaultAsync(ct);
            if (notice is null)
                return expanded;

            var payload = JsonDocument.Parse(notice.PayloadJson).RootElement;
            string? Text(string name) => payload.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            var template = Text("template") ?? "notice";
            var audience = Text("audience") ?? "all-units";
            var campaignText = (Text("campaignId") ?? Text("correlationId") ?? "").Split('/')[0];
            // A reminder names the deadline it speaks of and the campaign's year: each e-mail states them.
            var deadlineUtc = payload.TryGetProperty("deadlineUtc", out var d) && d.ValueKind == JsonValueKind.String ? d.GetDateTimeOffset() : (DateTimeOffset?)null;
            var year = payload.TryGetProperty("year", out var y) && y.ValueKind == JsonValueKind.Number ? y.GetInt32() : 0;
            var recipients = Guid.TryParse(campaignText, out var campaignId) ? await RecipientsAsync(campaignId, audience, ct) : [];
            if (recipients.Count == 0)
            {
                notice.Status = OutboxStatus.Failed;
                notice.LastError = $"Không có người nhận cho đối tượng '{audience}' / nobody to send the notice '{template}' to (audience '{audience}', campaign '{campaignText}')";
            }
            else
            {
                // A unit's reminder wording names the unit; to anyone else the notice goes out under its own name.
                var asTemplate = recipients.Any(r => r.Unit is null) ? $"{template} ({audience})" : template;
                foreach (var r in recipients.DistinctBy(r => (r.Unit?.Id, r.To.ToLowerInvariant())))
                {
                    db.Add(new OutboxMessage
                    {
                        Id = Guid.NewGuid(),
                        CreatedAt = now,
                        InstanceId = notice.InstanceId,
                        Kind = "email",
                        IdempotencyKey = $"{notice.IdempotencyKey}/{r.Unit?.Id:N}/{r.To.ToLowerInvariant()}",
                        PayloadJson = JsonSerializer.Serialize(new
                        {
                            template = asTemplate, audience, campaignId, unitId = r.Unit?.Id, unitCode = r.Unit?.Code, to = r.To, name = r.Name, lang = r.Lang,
                            deadlineUtc, year,
                        }),
                    });
                }

                WorkflowOutbox.MarkSent(notice, now);
                notice.LastError = $"{recipients.Count} e-mail(s)";
            }

            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            expanded++;
        }

        return expanded;
    }

    private async Task<List<Recipient>> RecipientsAsync(Guid campaignId, string audience, CancellationToken ct)
    {
        var campaign = await db.Campaigns.AsNoTracking().Include(c => c.Council).FirstOrDefaultAsync(c => c.Id == campaignId, ct);
        if (campaign is null)
            return [];
        switch (audience)
        {
            case "all-units" or "units-not-submitted":
                var open = audience == "units-not-submitted";
                var units = await (from p in db.Participants.AsNoTracking()
                                   join u in db.Units.AsNoTracking().Include(u => u.Contacts) on p.UnitId equals u.Id
                                   where p.CampaignId == campaignId
                                       && (!open || ParticipantStatuses.Unsubmitted.Contains(p.Status))
                                   orderby u.Code
                                   select u).ToListAsync(ct);
                return units.SelectMany(u => u.Contacts.Where(c => c.Role == ContactRole.FocalOfficer).Select(c => new Recipient(c.Email, c.FullName, u))).ToList();
            case "council-members" or "council-chair":
                var members = campaign.Council.Where(m => audience == "council-members" || m.Role == CouncilRole.Chair).ToList();
                var emails = members.Select(m => m.Email.ToUpperInvariant()).ToList();
                // The language a member chose on their account, if they have one; Vietnamese otherwise.
                var languages = await db.Users.AsNoTracking().Where(u => u.NormalizedEmail != null && emails.Contains(u.NormalizedEmail))
                    .Select(u => new { u.NormalizedEmail, u.Language }).ToListAsync(ct);
                return members.Select(m => new Recipient(m.Email, m.FullName, null,
                    languages.FirstOrDefault(l => l.NormalizedEmail == m.Email.ToUpperInvariant())?.Language ?? "vi")).ToList();
            case "campaign-admins" or "public":
                var admins = await (from ur in db.UserRoles
                                    join r in db.Roles on ur.RoleId equals r.Id
                                    join u in db.Users on ur.UserId equals u.Id
                                    where (r.Name == Roles.CampaignAdmin || r.Name == Roles.SystemAdmin) && u.Email != null
                                    orderby u.Email
                                    select new { Email = u.Email!, u.Language }).ToListAsync(ct);
                return admins.DistinctBy(a => a.Email.ToLowerInvariant()).Select(a => new Recipient(a.Email, a.Email, null, a.Language)).ToList();
            default:
                return [];
        }
    }
}
