using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Email;
using Dtx.Campaign.Workflows.Storage;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Inbox;

/// <summary>
/// A person's in-app inbox: the campaign e-mails addressed to them (assignments, reminders, clarification requests,
/// dispute outcomes, approvals due — the same events that are e-mailed), newest first, read or unread. A message is
/// rendered as the e-mail was (its subject and text), so the two never disagree.
/// </summary>
internal sealed class PersonalInbox(CampaignDbContext db, EmailComposer composer, Notices.NoticeArchive archive, TimeProvider clock)
{
    // Language: the one the e-mail is written in (vi or en), whatever the reader's pages speak; the page marks it so.
    public sealed record Item(Guid Id, Guid CampaignId, string Subject, DateTimeOffset At, bool Read, string Language);

    public sealed record Message(Guid Id, Guid CampaignId, string Subject, DateTimeOffset At, DateTimeOffset? ReadAt, string Text, string Language);

    /// <summary>The newest <paramref name="max"/> messages of the person with this normalised e-mail.</summary>
    public async Task<IReadOnlyList<Item>> ListAsync(string recipient, int max, CancellationToken ct)
    {
        var rows = await (from i in db.Set<InboxItem>().AsNoTracking()
                          join m in db.Set<OutboxMessage>().AsNoTracking() on i.MessageId equals m.Id
                          where i.Recipient == recipient
                          orderby i.CreatedAt descending
                          select new { i, m.PayloadJson }).Take(Math.Clamp(max, 1, 500)).ToListAsync(ct);
        return [.. rows.Select(r => (r.i, Heading: composer.Heading(r.PayloadJson)))
            .Select(r => new Item(r.i.MessageId, r.i.CampaignId, r.Heading.Subject, r.i.CreatedAt, r.i.ReadAt is not null, r.Heading.Language))];
    }

    public Task<int> UnreadAsync(string recipient, CancellationToken ct) =>
        db.Set<InboxItem>().CountAsync(i => i.Recipient == recipient && i.ReadAt == null, ct);

    /// <summary>One message of this person, marked read on opening; null when there is none of theirs with this id.</summary>
    public async Task<Message?> OpenAsync(string recipient, Guid id, CancellationToken ct)
    {
        var row = await (from i in db.Set<InboxItem>().AsNoTracking()
                         join m in db.Set<OutboxMessage>().AsNoTracking() on i.MessageId equals m.Id
                         where i.Recipient == recipient && i.MessageId == id
                         select new { i, m.IdempotencyKey, m.PayloadJson }).FirstOrDefaultAsync(ct);
        if (row is null)
            return null;
        var readAt = row.i.ReadAt;
        if (readAt is null)
        {
            readAt = clock.GetUtcNow();
            await db.Set<InboxItem>().Where(i => i.MessageId == id && i.ReadAt == null).ExecuteUpdateAsync(s => s.SetProperty(i => i.ReadAt, readAt), ct);
        }
        var letter = await archive.LetterAsync(row.PayloadJson, withPdf: false, ct);
        var mail = composer.Compose(row.IdempotencyKey, row.PayloadJson, letter: letter?.Rendered);
        return new Message(id, row.i.CampaignId, mail.Subject ?? "", row.i.CreatedAt, readAt, mail.TextBody ?? "", EmailComposer.LanguageOf(row.PayloadJson));
    }

    /// <summary>Marks every unread message of this person read; answers how many were.</summary>
    public Task<int> MarkAllReadAsync(string recipient, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        return db.Set<InboxItem>().Where(i => i.Recipient == recipient && i.ReadAt == null).ExecuteUpdateAsync(s => s.SetProperty(i => i.ReadAt, now), ct);
    }
}
