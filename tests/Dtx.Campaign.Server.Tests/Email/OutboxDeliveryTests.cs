using System.Text.Json;
using Dtx.Campaign.Server.Audit;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Email;
using Dtx.Campaign.Server.Notices;
using Dtx.Campaign.Server.Telemetry;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Dtx.Campaign.Workflows.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MimeKit;

namespace Dtx.Campaign.Server.Tests.Email;

/// <summary>
/// A slow SMTP server must not hold up the rest of the server: while a message is being sent, other
/// requests still write (on SQLite the send used to hold the database's only write lock), and the message
/// is neither sent twice nor lost.
/// </summary>
public abstract class OutboxDeliveryTests(CampaignApp app)
{
    /// <summary>A transport that stops in the middle of a send until the test lets it go on.</summary>
    private sealed class HeldTransport : IMailTransport
    {
        public TaskCompletionSource Sending { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public List<MimeMessage> Sent { get; } = [];

        public async Task SendAsync(MimeMessage message, CancellationToken ct)
        {
            Sending.TrySetResult();
            await Release.Task.WaitAsync(ct);
            Sent.Add(message);
        }
    }

    /// <summary>Records what it sends, in order; refuses one address as an SMTP server would.</summary>
    private sealed class RecordingTransport : IMailTransport
    {
        public List<string> Sent { get; } = [];

        public Task SendAsync(MimeMessage message, CancellationToken ct)
        {
            if (message.To.Mailboxes.Any(m => m.Address.StartsWith("refused", StringComparison.Ordinal)))
                throw new MailKit.Net.Smtp.SmtpCommandException(MailKit.Net.Smtp.SmtpErrorCode.RecipientNotAccepted, MailKit.Net.Smtp.SmtpStatusCode.MailboxUnavailable, "550 mailbox unavailable");
            Sent.Add(message.Subject ?? "");
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task Messages_go_out_in_order_in_chunks_and_one_that_cannot_be_composed_or_sent_fails_alone_with_every_outcome_saved()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var start = app.Clock.GetUtcNow().UtcDateTime;
        // More than one chunk: the second is leased after the first is done.
        const int count = OutboxDelivery.Chunk + 8;
        await QueueAsync($"test/order/{run}", start, count, i => i == 5
            // Number 5 cannot be composed: its progress is not a number.
            ? (object)new { template = "deadline-reminder", to = "u5@example.vn", name = "Cán bộ 5", unitCode = "X", applicable = "many" }
            : new { to = i == 9 ? "refused@example.vn" : $"u{i}@example.vn", name = $"Cán bộ {i}", Subject = $"{run} thư {i:D2}", Text = "Nội dung", Html = "<p>Nội dung</p>" });

        var transport = new RecordingTransport();
        await using (var scope = app.Services.CreateAsyncScope())
            await Delivery(scope.ServiceProvider, transport).DeliverDueAsync(10_000, CancellationToken.None); // and whatever else is due in this database

        Assert.Equal(Enumerable.Range(0, count).Where(i => i is not (5 or 9)).Select(i => $"{run} thư {i:D2}"), transport.Sent.Where(s => s.StartsWith(run, StringComparison.Ordinal)));
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var rows = await scope.ServiceProvider.GetRequiredService<CampaignDbContext>().Set<OutboxMessage>().AsNoTracking()
                .Where(m => m.IdempotencyKey.StartsWith($"test/order/{run}/")).ToListAsync();
            Assert.Equal(count - 2, rows.Count(m => m.Status == OutboxStatus.Sent && m.Attempts == 1 && m.LastError == null));
            var failed = rows.Where(m => m.Status != OutboxStatus.Sent).OrderBy(m => m.IdempotencyKey, StringComparer.Ordinal).ToList();
            Assert.Equal([$"test/order/{run}/05", $"test/order/{run}/09"], failed.Select(m => m.IdempotencyKey));
            // Each failure is kept with its reason, to be tried again later (not within its lease's time).
            Assert.All(failed, m => Assert.Equal((OutboxStatus.Pending, 1), (m.Status, m.Attempts)));
            Assert.All(failed, m => Assert.True(m.NextAttemptAt > start, $"{m.IdempotencyKey} is due again at {m.NextAttemptAt:O}"));
            Assert.Contains("550", failed[1].LastError, StringComparison.Ordinal);
            Assert.False(string.IsNullOrEmpty(failed[0].LastError));
        }
    }

    /// <summary>Takes four minutes of the app's clock over its first message, as a stuck SMTP server would.</summary>
    private sealed class SlowFirstTransport(Microsoft.Extensions.Time.Testing.FakeTimeProvider clock) : IMailTransport
    {
        public List<string> Sent { get; } = [];

        public Task SendAsync(MimeMessage message, CancellationToken ct)
        {
            if (Sent.Count == 0)
                clock.Advance(TimeSpan.FromMinutes(4));
            Sent.Add(message.Subject ?? "");
            return Task.CompletedTask;
        }
    }

    /// <summary>
    /// A round past most of its lease stops, and what it holds goes back to the queue at once: the rest of its chunk and
    /// the chunk it leased ahead while sending, none left claimed until its lease ends.
    /// </summary>
    [Fact]
    public async Task Past_most_of_its_lease_a_round_gives_back_what_it_has_not_sent_and_the_chunk_it_leased_ahead()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var start = app.Clock.GetUtcNow().UtcDateTime;
        // Older than anything else due in this database, so that they are the first two chunks (a whole one and 8).
        await QueueAsync($"test/slow/{run}", start.AddDays(-1), OutboxDelivery.Chunk + 8,
            i => new { to = $"u{i}@example.vn", name = $"Cán bộ {i}", Subject = $"{run} thư {i:D2}", Text = "Nội dung", Html = "<p>Nội dung</p>" });

        var transport = new SlowFirstTransport(app.Clock);
        await using (var scope = app.Services.CreateAsyncScope())
            await Delivery(scope.ServiceProvider, transport).DeliverDueAsync(10_000, CancellationToken.None);

        Assert.Equal([$"{run} thư 00"], transport.Sent);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var rows = await scope.ServiceProvider.GetRequiredService<CampaignDbContext>().Set<OutboxMessage>().AsNoTracking()
                .Where(m => m.IdempotencyKey.StartsWith($"test/slow/{run}/")).OrderBy(m => m.IdempotencyKey).ToListAsync();
            Assert.Equal((OutboxStatus.Sent, 1), (rows[0].Status, rows[0].Attempts));
            // Due again now (four minutes on), not when the five-minute lease ends, and not counted as an attempt.
            var now = app.Clock.GetUtcNow().UtcDateTime;
            Assert.All(rows.Skip(1), m => Assert.True(m is { Status: OutboxStatus.Pending, Attempts: 0 } && m.NextAttemptAt <= now && m.NextAttemptAt > start.AddMinutes(3),
                $"{m.IdempotencyKey}: {m.Status}, {m.Attempts} attempts, due {m.NextAttemptAt:O} (now {now:O})"));
            // Not left due for the other tests of this database to send.
            await scope.ServiceProvider.GetRequiredService<CampaignDbContext>().Set<OutboxMessage>().Where(m => m.IdempotencyKey.StartsWith($"test/slow/{run}/")).ExecuteDeleteAsync();
        }
    }

    /// <summary>Queues <paramref name="count"/> due e-mails keyed <c>prefix/00</c>…, created a millisecond apart in that order.</summary>
    private async Task QueueAsync(string prefix, DateTime firstCreatedAt, int count, Func<int, object> payload)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CampaignDbContext>();
        for (var i = 0; i < count; i++)
            db.Add(new OutboxMessage
            {
                Id = Guid.NewGuid(), CreatedAt = firstCreatedAt.AddMilliseconds(i), Kind = "email", IdempotencyKey = $"{prefix}/{i:D2}", Status = OutboxStatus.Pending,
                PayloadJson = JsonSerializer.Serialize(payload(i)),
            });
        await db.SaveChangesAsync();
    }

    private OutboxDelivery Delivery(IServiceProvider services, IMailTransport transport) =>
        new(services.GetRequiredService<CampaignDbContext>(), services.GetRequiredService<IServiceScopeFactory>(), transport, services.GetRequiredService<EmailComposer>(),
            services.GetRequiredService<NoticeArchive>(), services.GetRequiredService<CampaignTelemetry>(), app.Clock, NullLogger<OutboxDelivery>.Instance);

    [Fact]
    public async Task While_an_email_is_being_sent_the_server_still_writes_and_the_email_goes_once()
    {
        var key = $"test/held/{Guid.NewGuid():N}";
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CampaignDbContext>();
            db.Add(new OutboxMessage
            {
                Id = Guid.NewGuid(), CreatedAt = app.Clock.GetUtcNow().UtcDateTime, Kind = "email", IdempotencyKey = key, Status = OutboxStatus.Pending,
                PayloadJson = JsonSerializer.Serialize(new { to = "cham@example.vn", name = "Cán bộ đầu mối", Subject = "Thử gửi chậm", Text = "Nội dung", Html = "<p>Nội dung</p>" }),
            });
            await db.SaveChangesAsync();
        }

        var transport = new HeldTransport();
        await using var deliveryScope = app.Services.CreateAsyncScope();
        var delivering = Delivery(deliveryScope.ServiceProvider, transport).DeliverDueAsync(10, CancellationToken.None);
        await transport.Sending.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // Mid-send: another request records something (a write with its own transaction), and a second
        // delivery round finds nothing to send.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var write = scope.ServiceProvider.GetRequiredService<AuditTrail>().RecordAsync(new AuditEvent("test.written-during-send"), CancellationToken.None);
            // Far below SQLite's 30-second busy wait, which is what a held write lock would cost.
            Assert.Same(write, await Task.WhenAny(write, Task.Delay(TimeSpan.FromSeconds(10))));
            await write;
        }
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var other = new HeldTransport();
            other.Release.SetResult();
            Assert.Equal(new OutboxDelivery.Report(0, 0), await Delivery(scope.ServiceProvider, other).DeliverDueAsync(10, CancellationToken.None));
            Assert.Empty(other.Sent);
        }
        Assert.False(delivering.IsCompleted);

        transport.Release.SetResult();
        Assert.Equal(new OutboxDelivery.Report(1, 0), await delivering);
        Assert.Equal("Thử gửi chậm", Assert.Single(transport.Sent).Subject);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var message = await scope.ServiceProvider.GetRequiredService<CampaignDbContext>().Set<OutboxMessage>().SingleAsync(m => m.IdempotencyKey == key);
            Assert.Equal(OutboxStatus.Sent, message.Status);
            Assert.Equal(1, message.Attempts);
        }
    }
}

public sealed class OutboxDeliveryTests_Postgres(PostgresApp app) : OutboxDeliveryTests(app), IClassFixture<PostgresApp>;

public sealed class OutboxDeliveryTests_Sqlite(SqliteApp app) : OutboxDeliveryTests(app), IClassFixture<SqliteApp>;
