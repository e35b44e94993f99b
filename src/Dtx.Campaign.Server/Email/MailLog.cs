using System.Text.Json;
using Dtx.Campaign.Server.Audit;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Workflows.Storage;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Email;

/// <summary>
/// Which e-mails of a campaign went to whom: each outbox e-mail with its recipient, the notice it carries, when
/// it was queued and sent, and whether it was delivered, is being retried or failed; an administrator can send
/// one again (audited). Reads the outbox that <see cref="OutboxDelivery"/> works through; resending only puts
/// the row back in its queue, so delivery keeps its one-at-a-time, at-least-once rules.
/// </summary>
internal sealed class MailLog(CampaignDbContext db, AuditTrail audit, TimeProvider clock)
{
    public sealed record Entry(Guid Id, string To, string? Name, string? UnitCode, string Notice, DateTimeOffset QueuedAt, DateTimeOffset? SentAt,
        string State, int Attempts, string? LastError);

    /// <summary>"delivered", "retrying" (failed at least once, will try again), "queued" or "failed" (gave up).</summary>
    public static string StateOf(OutboxStatus status, int attempts) => status switch
    {
        OutboxStatus.Sent => "delivered",
        OutboxStatus.Failed => "failed",
        _ => attempts > 0 ? "retrying" : "queued",
    };

    /// <summary>The notice an e-mail carries: its template name without the audience ("index-publication (all-units)").</summary>
    public static string NoticeOf(string? template) =>
        string.IsNullOrEmpty(template) ? "notice" : template.Split(' ', 2)[0];

    public async Task<IReadOnlyList<Entry>?> ListAsync(Guid campaignId, string? state, int max, CancellationToken ct)
    {
        var instance = await db.Campaigns.Where(c => c.Id == campaignId).Select(c => new { c.WorkflowInstanceId }).FirstOrDefaultAsync(ct);
        if (instance is null)
            return null;
        if (instance.WorkflowInstanceId is not { } workflow)
            return [];
        var rows = await db.Set<OutboxMessage>().AsNoTracking().Where(m => m.InstanceId == workflow && m.Kind == "email")
            .OrderByDescending(m => m.CreatedAt).Take(5000).ToListAsync(ct);
        return [.. rows.Select(ToEntry).Where(e => state is null || e.State == state).Take(max)];
    }

    public async Task<Entry> ResendAsync(Guid campaignId, Guid messageId, CancellationToken ct)
    {
        var workflow = await db.Campaigns.Where(c => c.Id == campaignId).Select(c => c.WorkflowInstanceId).FirstOrDefaultAsync(ct);
        var message = workflow is null ? null
            : await db.Set<OutboxMessage>().FirstOrDefaultAsync(m => m.Id == messageId && m.InstanceId == workflow && m.Kind == "email", ct);
        if (message is null)
            throw new KeyNotFoundException($"E-mail {messageId} of campaign {campaignId}");
        var before = new { Status = message.Status.ToString(), message.Attempts, message.LastError, message.SentAt };
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Back in the queue with a fresh set of attempts; the Message-Id stays, so a mail client sees the same message.
        message.Status = OutboxStatus.Pending;
        message.Attempts = 0;
        message.NextAttemptAt = null;
        message.LastError = null;
        await db.SaveChangesAsync(ct);
        var entry = ToEntry(message);
        await audit.RecordAsync(new AuditEvent("email.resent", "outbox", message.Id.ToString(), Before: before,
            After: new { entry.To, entry.Notice, At = clock.GetUtcNow() }, CampaignId: campaignId), ct);
        await transaction.CommitAsync(ct);
        return entry;
    }

    private static Entry ToEntry(OutboxMessage m)
    {
        var p = JsonDocument.Parse(m.PayloadJson).RootElement;
        string? Text(string name) => p.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        return new Entry(m.Id, Text("to") ?? "", Text("name"), Text("unitCode"), Text("template") is { } template ? NoticeOf(template) : Text("Subject") ?? "notice",
            new DateTimeOffset(DateTime.SpecifyKind(m.CreatedAt, DateTimeKind.Utc)),
            m.SentAt is { } sent ? new DateTimeOffset(DateTime.SpecifyKind(sent, DateTimeKind.Utc)) : null,
            StateOf(m.Status, m.Attempts), m.Attempts, m.LastError);
    }
}
