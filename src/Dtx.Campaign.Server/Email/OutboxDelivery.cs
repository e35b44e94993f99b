using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Telemetry;
using Dtx.Campaign.Workflows.Storage;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Email;

/// <summary>
/// Delivers due outbox e-mails, one at a time (after <see cref="NoticeFanOut"/> has turned pending notices into e-mails). On PostgreSQL a row is claimed with
/// <c>FOR UPDATE SKIP LOCKED</c> in a transaction held through the send, so several nodes share the work
/// and never send the same row twice. On SQLite, whose one write lock would make every other write wait
/// for the SMTP server, a short transaction leases the message (due again only after
/// <see cref="Lease"/>), the send runs outside any transaction, and the outcome is saved after.
/// A transient failure is retried with back-off, a message that keeps failing ends as failed for an
/// administrator to see. Delivery is at least once: a crash between the send and the save resends,
/// with the same Message-Id.
/// </summary>
internal sealed partial class OutboxDelivery(CampaignDbContext db, IMailTransport transport, EmailComposer composer, Notices.NoticeArchive archive,
    CampaignTelemetry telemetry, TimeProvider clock, ILogger<OutboxDelivery> logger, NoticeFanOut? notices = null)
{
    public sealed record Report(int Sent, int Failed);

    /// <summary>On SQLite, how long a message being sent stays claimed: longer than the SMTP client's time-outs.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    public async Task<Report> DeliverDueAsync(int max, CancellationToken ct)
    {
        int sent = 0, failed = 0;
        // Notices to an audience become e-mails to its people first, so they go out in this same round.
        if (notices is not null)
            await notices.ExpandPendingAsync(clock.GetUtcNow().UtcDateTime, max, ct);
        for (var i = 0; i < max; i++)
        {
            var now = clock.GetUtcNow().UtcDateTime;
            await using var transaction = db.Database.IsNpgsql() ? await db.Database.BeginTransactionAsync(ct) : null;
            var message = transaction is not null ? await ClaimNextAsync(now, ct) : await LeaseNextAsync(now, ct);
            if (message is null)
                break;
            using var activity = CampaignTelemetry.Source.StartActivity("email.deliver");
            activity?.SetTag("dtx.outbox.message_id", message.Id.ToString());
            try
            {
                await transport.SendAsync(composer.Compose(message.IdempotencyKey, message.PayloadJson, await archive.AttachmentAsync(message.PayloadJson, ct)), ct);
                WorkflowOutbox.MarkSent(message, now);
                telemetry.EmailsSent.Add(1);
                sent++;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                WorkflowOutbox.MarkFailed(message, e.Message, now);
                telemetry.EmailsFailed.Add(1, new KeyValuePair<string, object?>("final", message.Status == OutboxStatus.Failed));
                activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, e.Message);
                LogFailed(logger, message.Id, message.Attempts, e.Message);
                failed++;
            }
            await db.SaveChangesAsync(ct);
            if (transaction is not null)
                await transaction.CommitAsync(ct);
            // Done with this row: a round of hundreds would otherwise make every save compare all the rows before it.
            db.ChangeTracker.Clear();
        }
        if (telemetry.BacklogObserved)
            telemetry.ReportBacklog(await db.Set<OutboxMessage>().CountAsync(m => m.Kind == "email" && m.Status == OutboxStatus.Pending, ct));
        return new Report(sent, failed);
    }

    private async Task<OutboxMessage?> LeaseNextAsync(DateTime now, CancellationToken ct)
    {
        await using var lease = await db.Database.BeginTransactionAsync(ct);
        var message = await ClaimNextAsync(now, ct);
        if (message is null)
            return null;
        message.NextAttemptAt = now + Lease;
        await db.SaveChangesAsync(ct);
        await lease.CommitAsync(ct);
        return message;
    }

    private async Task<OutboxMessage?> ClaimNextAsync(DateTime now, CancellationToken ct)
    {
        var due = db.Set<OutboxMessage>().Where(m => m.Kind == "email" && m.Status == OutboxStatus.Pending && (m.NextAttemptAt == null || m.NextAttemptAt <= now));
        if (!db.Database.IsNpgsql())
            return await due.OrderBy(m => m.CreatedAt).FirstOrDefaultAsync(ct);
        return await db.Set<OutboxMessage>()
            .FromSqlInterpolated($"""
                SELECT * FROM wf_outbox
                WHERE "Kind" = 'email' AND "Status" = {OutboxStatus.Pending.ToString()} AND ("NextAttemptAt" IS NULL OR "NextAttemptAt" <= {now})
                ORDER BY "CreatedAt" LIMIT 1 FOR UPDATE SKIP LOCKED
                """)
            .FirstOrDefaultAsync(ct);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "E-mail {MessageId} failed (attempt {Attempts}): {Error}")]
    private static partial void LogFailed(ILogger logger, Guid messageId, int attempts, string error);
}

/// <summary>Runs the delivery on every node every few seconds.</summary>
internal sealed partial class OutboxDeliveryService(IServiceScopeFactory scopes, Microsoft.Extensions.Options.IOptions<EmailOptions> options, ILogger<OutboxDeliveryService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Real time, not the application clock: polling is infrastructure.
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.PollSeconds));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<OutboxDelivery>().DeliverDueAsync(options.Value.BatchSize, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogRoundFailed(logger, e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "An outbox delivery round failed; the next round retries")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);
}
