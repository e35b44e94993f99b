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

    private OutboxDelivery Delivery(IServiceProvider services, IMailTransport transport) =>
        new(services.GetRequiredService<CampaignDbContext>(), transport, services.GetRequiredService<EmailComposer>(),
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
