using Dtx.Campaign.Workflows.Storage;

namespace Dtx.Campaign.Workflows.Tests.Runtime;

public class WorkflowOutboxTests
{
    private static OutboxMessage Message() => new()
    {
        Id = Guid.NewGuid(),
        Kind = "notice",
        IdempotencyKey = "k",
        PayloadJson = "{}",
        Status = OutboxStatus.Pending,
    };

    [Fact]
    public void A_failed_delivery_backs_off_and_gives_up_after_the_last_attempt()
    {
        var now = new DateTime(2026, 4, 1, 0, 0, 0, DateTimeKind.Utc);
        var message = Message();

        WorkflowOutbox.MarkFailed(message, "smtp down", now, maxAttempts: 3);
        Assert.Equal((OutboxStatus.Pending, now.AddMinutes(1)), (message.Status, message.NextAttemptAt));
        WorkflowOutbox.MarkFailed(message, "smtp down", now, maxAttempts: 3);
        Assert.Equal(now.AddMinutes(2), message.NextAttemptAt);
        WorkflowOutbox.MarkFailed(message, "smtp down", now, maxAttempts: 3);
        Assert.Equal((OutboxStatus.Failed, (DateTime?)null, 3), (message.Status, message.NextAttemptAt, message.Attempts));
    }

    [Fact]
    public void A_sent_message_records_when()
    {
        var now = new DateTime(2026, 4, 1, 0, 0, 0, DateTimeKind.Utc);
        var message = Message();
        WorkflowOutbox.MarkSent(message, now);
        Assert.Equal((OutboxStatus.Sent, (DateTime?)now, 1), (message.Status, message.SentAt, message.Attempts));
    }
}
