using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Telemetry;
using Dtx.Campaign.Workflows.Storage;
using Microsoft.EntityFrameworkCore;
using MimeKit;

namespace Dtx.Campaign.Server.Email;

/// <summary>
/// Delivers due outbox e-mails (after <see cref="NoticeFanOut"/> has turned pending notices into e-mails). A chunk of due
/// messages is leased in one short transaction (on PostgreSQL claimed with <c>FOR UPDATE SKIP LOCKED</c>, so several nodes
/// share the work): each stays claimed for <see cref="Lease"/>, longer than the SMTP client's time-outs, and nothing holds a
/// transaction or SQLite's one write lock while the SMTP server answers. Each message is composed, its PDF drawn, while the
/// one before it is being sent (one connection, in order), and the outcomes are saved every few messages. A transient
/// failure is retried with back-off, a message that keeps failing ends as failed for an administrator to see. Delivery is
/// at least once: a crash between sends and their save resends those messages after their lease, with the same Message-Id.
/// </summary>
internal sealed partial class OutboxDelivery(CampaignDbContext db, IMailTransport transport, EmailComposer composer, Notices.NoticeArchive archive,
    CampaignTelemetry telemetry, TimeProvider clock, ILogger<OutboxDelivery> logger, NoticeFanOut? notices = null)
{
    public sealed record Report(int Sent, int Failed);

    /// <summary>How long a leased message stays claimed: longer than the SMTP client's time-outs.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    /// <summary>A chunk is sent only while its lease has this much left, so that no other node can lease a message being sent.</summary>
    private static readonly TimeSpan LeaseMargin = TimeSpan.FromMinutes(2);

    /// <summary>Messages leased at a time: few round trips per message, and a short wait for the other nodes.</summary>
    private const int Chunk = 32;

    /// <summary>
    /// Outcomes are saved together, at most this many or this long after the first unsaved one: a crash resends only those
    /// (at least once, as ever), and sending does not wait for a round trip per message.
    /// </summary>
    private const int OutcomesPerSave = 16;
    private static readonly TimeSpan OutcomesAtMost = TimeSpan.FromSeconds(1);

    private sealed record Prepared(MimeMessage? Message, Exception? Error);

    public async Task<Report> DeliverDueAsync(int max, CancellationToken ct)
    {
        int sent = 0, failed = 0;
        // Notices to an audience become e-mails to its people first, so they go out in this same round.
        if (notices is not null)
            await notices.ExpandPendingAsync(clock.GetUtcNow().UtcDateTime, max, ct);
        while (sent + failed < max)
        {
            var leasedAt = clock.GetUtcNow().UtcDateTime;
            var chunk = await LeaseAsync(leasedAt, Math.Min(Chunk, max - sent - failed), ct);
            if (chunk.Count == 0)
                break;
            // The next message is prepared on another thread while this one is sent: rendering its text and PDF is CPU work,
            // sending mostly waits for the SMTP server. Only the preparation uses the database context meanwhile (the
            // issued document of an attachment); outcomes are saved after both are done.
            var next = PrepareAsync(chunk[0], ct);
            var unsaved = 0;
            var firstUnsaved = 0L;
            for (var i = 0; i < chunk.Count; i++)
            {
                var message = chunk[i];
                var now = clock.GetUtcNow().UtcDateTime;
                if (now - leasedAt > Lease - LeaseMargin)
                {
                    // A slow server: what is left goes back to the queue now rather than when its lease ends.
                    await next;
                    foreach (var unsent in chunk.Skip(i))
                        unsent.NextAttemptAt = now;
                    await db.SaveChangesAsync(ct);
                    break;
                }
                var prepared = await next;
                next = i + 1 < chunk.Count ? PrepareAsync(chunk[i + 1], ct) : Task.FromResult(new Prepared(null, null));
                using var activity = CampaignTelemetry.Source.StartActivity("email.deliver");
                activity?.SetTag("dtx.outbox.message_id", message.Id.ToString());
                var error = prepared.Error;
                if (prepared.Message is { } mime)
                {
                    try
                    {
                        await transport.SendAsync(mime, ct);
                    }
                    catch (Exception e) when (e is not OperationCanceledException)
                    {
                        error = e;
                    }
                }
                await next;
                if (error is null)
                {
                    WorkflowOutbox.MarkSent(message, now);
                    telemetry.EmailsSent.Add(1);
                    sent++;
                }
                else
                {
                    WorkflowOutbox.MarkFailed(message, error.Message, now);
                    telemetry.EmailsFailed.Add(1, new KeyValuePair<string, object?>("final", message.Status == OutboxStatus.Failed));
                    activity?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, error.Message);
                    LogFailed(logger, message.Id, message.Attempts, error.Message);
                    failed++;
                }
                if (unsaved++ == 0)
                    firstUnsaved = clock.GetTimestamp();
                if (unsaved >= OutcomesPerSave || clock.GetElapsedTime(firstUnsaved) >= OutcomesAtMost)
                {
                    await db.SaveChangesAsync(ct);
                    unsaved = 0;
                }
            }
            await db.SaveChangesAsync(ct);
            // Done with this chunk: a round of hundreds would otherwise make every save compare all the rows before it.
            db.ChangeTracker.Clear();
        }
        if (telemetry.BacklogObserved)
            telemetry.ReportBacklog(await db.Set<OutboxMessage>().CountAsync(m => m.Kind == "email" && m.Status == OutboxStatus.Pending, ct));
        return new Report(sent, failed);
    }

    // On the thread pool, so that it runs beside the send; a failure is the message's, reported with its outcome.
    private Task<Prepared> PrepareAsync(OutboxMessage message, CancellationToken ct) => Task.Run(async () =>
    {
        try
        {
            var letter = await archive.LetterAsync(message.PayloadJson, withPdf: true, ct);
            return new Prepared(composer.Compose(message.IdempotencyKey, message.PayloadJson, letter?.Pdf, letter?.Rendered), null);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return new Prepared(null, e);
        }
    }, ct);

    private async Task<List<OutboxMessage>> LeaseAsync(DateTime now, int count, CancellationToken ct)
    {
        if (db.Database.IsNpgsql())
        {
            // Claimed and leased by one statement in one round trip, committed on its own (it was four: begin and select,
            // update, commit). RETURNING gives the rows as leased, in no particular order.
            var leased = await db.Set<OutboxMessage>()
                .FromSqlInterpolated($"""
                    UPDATE wf_outbox SET "NextAttemptAt" = {now + Lease}
                    WHERE "Id" IN (
                        SELECT "Id" FROM wf_outbox
                        WHERE "Kind" = 'email' AND "Status" = {OutboxStatus.Pending.ToString()} AND ("NextAttemptAt" IS NULL OR "NextAttemptAt" <= {now})
                        ORDER BY "CreatedAt" LIMIT {count} FOR UPDATE SKIP LOCKED)
                    RETURNING *
                    """)
                .ToListAsync(ct);
            return [.. leased.OrderBy(m => m.CreatedAt)];
        }
        await using var lease = await db.Database.BeginTransactionAsync(ct);
        var chunk = await db.Set<OutboxMessage>()
            .Where(m => m.Kind == "email" && m.Status == OutboxStatus.Pending && (m.NextAttemptAt == null || m.NextAttemptAt <= now))
            .OrderBy(m => m.CreatedAt).Take(count).ToListAsync(ct);
        foreach (var message in chunk)
            message.NextAttemptAt = now + Lease;
        await db.SaveChangesAsync(ct);
        await lease.CommitAsync(ct);
        return chunk;
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
