using System.Text.Json;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Workflows.Storage;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Email;

/// <summary>
/// Queues a short e-mail about something that happened to one person in a campaign (a form waiting for its head, a form
/// sent back, verification assigned), in the outbox of the caller's transaction. <see cref="EmailComposer"/> words it
/// from <c>templates/emails/about-{topic}</c> in the recipient's language; the inbox files it like every campaign e-mail.
/// </summary>
internal static class Announcements
{
    public sealed record To(string Email, string Name, string Lang = "vi");

    public static void Queue(CampaignDbContext db, DateTimeOffset now, string topic, Campaigns.Campaign campaign, To to, DateTimeOffset? deadline = null, Units.Unit? unit = null,
        bool once = false) =>
        db.Add(new OutboxMessage
        {
            Id = Guid.NewGuid(), CreatedAt = now.UtcDateTime, Kind = "email", Status = OutboxStatus.Pending, NextAttemptAt = now.UtcDateTime,
            // Each happening is its own message (a form sent back twice is told twice), unless it can happen only once per campaign.
            IdempotencyKey = OnceKey(topic, campaign, to) + (once ? "" : "/" + Guid.NewGuid().ToString("N")),
            PayloadJson = JsonSerializer.Serialize(new
            {
                template = topic, campaignId = campaign.Id, unitId = unit?.Id, unitCode = unit?.Code, to = to.Email, name = to.Name, lang = to.Lang,
                deadlineUtc = deadline, year = campaign.Year,
            }),
        });

    /// <summary>The key of a message sent once per campaign and person (<c>once</c>): its presence says it was sent.</summary>
    public static string OnceKey(string topic, Campaigns.Campaign campaign, To to) => $"{topic}/{campaign.Id:N}/{to.Email.ToLowerInvariant()}";

    /// <summary>The people with these addresses as the announcement greets them: their account's name and language, else the given name in Vietnamese.</summary>
    public static async Task<List<To>> RecipientsAsync(CampaignDbContext db, IEnumerable<(string Email, string Name)> people, CancellationToken ct)
    {
        var list = people.DistinctBy(p => p.Email.ToUpperInvariant()).ToList();
        var normalized = list.Select(p => p.Email.ToUpperInvariant()).ToList();
        var accounts = await db.Users.AsNoTracking().Where(u => normalized.Contains(u.NormalizedEmail!))
            .Select(u => new { u.NormalizedEmail, u.FullName, u.Language }).ToListAsync(ct);
        return [.. list.Select(p => accounts.FirstOrDefault(a => a.NormalizedEmail == p.Email.ToUpperInvariant()) is { } a
            ? new To(p.Email, string.IsNullOrWhiteSpace(a.FullName) ? p.Name : a.FullName, a.Language)
            : new To(p.Email, p.Name))];
    }
}
