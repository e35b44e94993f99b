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
/// one before it is being sent (one SMTP connection, in order); outcomes are saved every few messages, and the next chunk
/// leased, on a second database connection while sending goes on. A transient
/// failure is retried with back-off, a message that keeps failing ends as failed for an administrator to see. Delivery is
/// at least once: a crash between sends and their save resends those messages after their lease, with the same Message-Id.
/// </summary>
internal sealed partial class OutboxDelivery(CampaignDbContext db, IServiceScopeFactory scopes, IMailTransport transport, EmailComposer composer, Notices.NoticeArchive archive,
    CampaignTelemetry telemetry, TimeProvider clock, ILogger<OutboxDelivery> logger, NoticeFanOut? notices = null)
{
    public sealed record Report(int Sent, int Failed);

    /// <summary>How long a leased message stays claimed: longer than the SMTP client's time-outs.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    /// <summary>A chunk is sent only while its lease has this much left, so that no other node can lease a message being sent.</summary>
    private static readonly TimeSpan LeaseMargin = TimeSpan.FromMinutes(2);

    /// <summary>Messages leased at a time: few round trips per message, and a short wait for the other nodes.</summary>
    internal const int Chunk = 64;

    /// <summary>
    /// Outcomes are saved together, at most this many or this long after the first unsaved one: a crash resends only those
    /// (at least once, as ever), and sending does not wait for a round trip per message. Chunks of 64 and saves of 32 (were
    /// 32 and 16) halved PostgreSQL's CPU per message and added a tenth to the rate (reminders benchmark, 2026-12-07).
    /// </summary>
    private const int OutcomesPerSave = 32;
    private static readonly TimeSpan OutcomesAtMost = TimeSpan.FromSeconds(1);

    private sealed record Prepared(MimeMessage? Message, Exception? Error);

    public async Task<Report> DeliverDueAsync(int max, CancellationToken ct)
    {
        int sent = 0, failed = 0;
        // Notices to an audience become e-mails to its people first, so they go out in this same round.
        if (notices is not null)
            await notices.ExpandPendingAsync(clock.GetUtcNow().UtcDateTime, max, ct);
        // Leases and outcomes go through a second connection, one after the other, while this loop sends: the sending waits
        // for neither (they took 40 % of a round of 3 000). The first context serves the preparation of each message.
        // A round that fails does not leave a lease or a save running on the context being disposed (DisposeAsync waits).
        await using var books = new Bookkeeping(scopes.CreateAsyncScope(), clock);
        var leasing = books.Lease(Math.Min(Chunk, max), ct);
        while (true)
        {
            var (leasedAt, chunk) = await leasing;
            if (chunk.Count == 0)
                break;
            // The next chunk is leased while this one is sent, if the round may take it.
            var room = max - sent - failed - chunk.Count;
            leasing = room > 0 ? books.Lease(Math.Min(Chunk, room), ct) : Task.FromResult((leasedAt, new List<OutboxMessage>()));
            // The next message is prepared on another thread while this one is sent: rendering its text and PDF is CPU work,
            // sending mostly waits for the SMTP server.
            var next = PrepareAsync(chunk[0], ct);
            var outcomes = new List<OutboxMessage>();
            var firstUnsaved = 0L;
            for (var i = 0; i < chunk.Count; i++)
            {
                var message = chunk[i];
                var now = clock.GetUtcNow().UtcDateTime;
                if (now - leasedAt > Lease - LeaseMargin)
                {
                    // A slow server: what is left goes back to the queue now rather than when its lease ends, and so does
                    // the chunk leased meanwhile.
                    await next;
                    foreach (var unsent in chunk.Skip(i))
                        unsent.NextAttemptAt = now;
                    books.Save([.. outcomes, .. chunk.Skip(i)], ct);
                    outcomes.Clear();
                    var (_, ahead) = await leasing;
                    foreach (var unsent in ahead)
                        unsent.NextAttemptAt = now;
                    books.Save(ahead, ct);
                    leasing = Task.FromResult((now, new List<OutboxMessage>()));
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
                if (outcomes.Count == 0)
                    firstUnsaved = clock.GetTimestamp();
                outcomes.Add(message);
                if (outcomes.Count >= OutcomesPerSave || clock.GetElapsedTime(firstUnsaved) >= OutcomesAtMost)
                {
                    books.Save(outcomes, ct);
                    outcomes = [];
                }
            }
            books.Save(outcomes, ct);
        }
        // Every outcome is saved before the round ends (a failed save fails the round, as it did when saved in line).
        await books.DrainAsync();
        if (telemetry.BacklogObserved)
            telemetry.ReportBacklog(await db.Set<OutboxMessage>().CountAsync(m => m.Kind == "email" && m.Status == OutboxStatus.Pending, ct));
        return new Report(sent, failed);
    }

    /// <summary>
    /// The round's leases and saved outcomes, on a context of their own, one after the other in the order asked. Outcomes are
    /// copied when handed over (the loop goes on with the next message); a failure fails every later step and the round.
    /// </summary>
    private sealed class Bookkeeping(AsyncServiceScope scope, TimeProvider clock) : IAsyncDisposable
    {
        private readonly CampaignDbContext books = scope.ServiceProvider.GetRequiredService<CampaignDbContext>();
        private Task _last = Task.CompletedTask;

        private Task<T> Then<T>(Func<Task<T>> step)
        {
            var task = After(_last, step);
            _last = task;
            return task;
        }

        private static async Task<T> After<T>(Task before, Func<Task<T>> step)
        {
            await before;
            return await step();
        }

        public Task<(DateTime LeasedAt, List<OutboxMessage> Chunk)> Lease(int count, CancellationToken ct) => Then(async () =>
        {
            var leasedAt = clock.GetUtcNow().UtcDateTime;
            var chunk = await LeaseAsync(books, leasedAt, count, ct);
            books.ChangeTracker.Clear();
            return (leasedAt, chunk);
        });

        public void Save(IReadOnlyList<OutboxMessage> outcomes, CancellationToken ct)
        {
            if (outcomes.Count == 0)
                return;
            var copies = outcomes.Select(m => new OutboxMessage
            {
                Id = m.Id, Kind = m.Kind, IdempotencyKey = m.IdempotencyKey, PayloadJson = m.PayloadJson,
                Status = m.Status, Attempts = m.Attempts, NextAttemptAt = m.NextAttemptAt, LastError = m.LastError, SentAt = m.SentAt,
            }).ToList();
            Then(async () =>
            {
                if (books.Database.IsNpgsql())
                {
                    await SaveInOneStatementAsync(copies, ct);
                    return true;
                }
                foreach (var copy in copies)
                {
                    var entry = books.Attach(copy);
                    foreach (var property in Outcome)
                        entry.Property(property).IsModified = true;
                }
                await books.SaveChangesAsync(ct);
                books.ChangeTracker.Clear();
                return true;
            });
        }

        /// <summary>
        /// PostgreSQL: the outcomes in one UPDATE over arrays, not one statement per message: the saves had taken a tenth of
        /// the delivery's rate (reminders benchmark, 2026-12-07: 2 186–2 201 messages/s with them, 2 370–2 497 without).
        /// The error texts are stored NFC, as SaveChanges would store them.
        /// </summary>
        private async Task SaveInOneStatementAsync(List<OutboxMessage> outcomes, CancellationToken ct)
        {
            await books.Database.OpenConnectionAsync(ct);
            try
            {
                await using var update = new Npgsql.NpgsqlCommand(
                    """
                    UPDATE wf_outbox AS m SET "Status" = v.status, "Attempts" = v.attempts, "NextAttemptAt" = v.next_attempt_at, "LastError" = v.last_error, "SentAt" = v.sent_at
                    FROM unnest($1::uuid[], $2::varchar[], $3::integer[], $4::timestamptz[], $5::varchar[], $6::timestamptz[]) AS v(id, status, attempts, next_attempt_at, last_error, sent_at)
                    WHERE m."Id" = v.id
                    """, (Npgsql.NpgsqlConnection)books.Database.GetDbConnection())
                {
                    Parameters =
                    {
                        new() { Value = outcomes.Select(m => m.Id).ToArray() },
                        new() { Value = outcomes.Select(m => m.Status.ToString()).ToArray() },
                        new() { Value = outcomes.Select(m => m.Attempts).ToArray() },
                        new() { Value = outcomes.Select(m => m.NextAttemptAt).ToArray() },
                        new() { Value = outcomes.Select(m => NfcText.Normalize(m.LastError)).ToArray() },
                        new() { Value = outcomes.Select(m => m.SentAt).ToArray() },
                    },
                };
                await update.ExecuteNonQueryAsync(ct);
            }
            finally
            {
                await books.Database.CloseConnectionAsync();
            }
        }

        public Task DrainAsync() => _last;

        public async ValueTask DisposeAsync()
        {
            try
            {
                await _last;
            }
            catch (Exception)
            {
                // Already surfaced through the step the round awaited, or the round failed first and reports that.
            }
            await scope.DisposeAsync();
        }

        private static readonly string[] Outcome =
            [nameof(OutboxMessage.Status), nameof(OutboxMessage.Attempts), nameof(OutboxMessage.NextAttemptAt), nameof(OutboxMessage.LastError), nameof(OutboxMessage.SentAt)];
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

    private static async Task<List<OutboxMessage>> LeaseAsync(CampaignDbContext db, DateTime now, int count, CancellationToken ct)
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
