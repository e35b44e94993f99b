using Dtx.Campaign.Server.Email;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Dtx.Campaign.Server.Tests.Email;

/// <summary>A reminder round to the 143 Hanoi units, delivered to a real SMTP server, each message once, a failure retried.</summary>
[LongRunning]
public abstract class ReminderDeliveryTests(CampaignApp app)
{
    private async Task<OutboxDelivery.Report> DeliverAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<OutboxDelivery>().DeliverDueAsync(1000, CancellationToken.None);
    }

    [Fact]
    public async Task A_reminder_round_reaches_every_unit_once_and_survives_a_relay_outage()
    {
        var admin = await app.LoginAsAdminAsync();
        await app.ImportHanoiUnitsAsync(admin);
        var city = await TestIndexSets.UploadAsync(admin, TestIndexSets.Small($"rm-city-{Guid.NewGuid():N}"[..20], "department"));
        var commune = await TestIndexSets.UploadAsync(admin, TestIndexSets.Small($"rm-com-{Guid.NewGuid():N}"[..20], "commune"));
        await TestCampaigns.CreateAsync(admin, new() { ["department"] = city, ["commune"] = commune });

        // Publication and opening notices first: one to each unit each. Each stage is entered on its own
        // date: a stage already over when entered would not announce itself (catch-up rule, docs/workflows.md).
        app.Clock.SetUtcNow(new DateTimeOffset(2025, 10, 23, 1, 0, 0, TimeSpan.Zero));
        await app.FireDueTimersAsync();
        app.Clock.SetUtcNow(new DateTimeOffset(2025, 11, 2, 1, 0, 0, TimeSpan.Zero));
        await app.FireDueTimersAsync();
        Assert.Equal(new OutboxDelivery.Report(286, 0), await DeliverAsync());

        // 7 days before the deadline, 08:00 in Hanoi.
        app.Clock.SetUtcNow(new DateTimeOffset(2025, 11, 23, 1, 0, 0, TimeSpan.Zero));
        await app.FireDueTimersAsync();
        var first = await DeliverAsync();
        Assert.Equal(new OutboxDelivery.Report(143, 0), first);

        IReadOnlyList<MimeKit.MimeMessage> Reminders() => app.Smtp!.Messages().Where(m => m.Subject?.StartsWith("Về việc nhắc hạn", StringComparison.Ordinal) == true).ToList();
        var messages = Reminders();
        Assert.Equal(143, messages.Count);
        Assert.Equal(143, messages.Select(m => m.To.Mailboxes.Single().Address).Distinct().Count());
        var skhcn = messages.Single(m => m.To.Mailboxes.Single().Address == "daumoi.skhcn@demo.hanoi.invalid");
        // Rendered from the notice templates: the unit's own copy of the round's official reminder, with its PDF.
        Assert.Equal("Về việc nhắc hạn nộp kết quả tự đánh giá chuyển đổi số năm 2025", skhcn.Subject);
        Assert.Contains("Kính gửi: Sở Khoa học và Công nghệ.", skhcn.TextBody, StringComparison.Ordinal);
        Assert.Contains("(còn 7 ngày)", skhcn.TextBody, StringComparison.Ordinal);
        // A unit that has not begun is reminded of its whole form, not of "0/0 chỉ số".
        Assert.Matches(@"đã hoàn thành 0/[1-9][0-9]* chỉ số", skhcn.TextBody);
        Assert.Contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", skhcn.HtmlBody, StringComparison.Ordinal);
        Assert.Single(skhcn.Attachments, a => a.ContentType.MimeType == "application/pdf");

        // Nothing is sent twice.
        Assert.Equal(new OutboxDelivery.Report(0, 0), await DeliverAsync());
        Assert.Equal(143, Reminders().Count);

        // The relay is down for the 3-day round: every message fails once and waits.
        await app.Smtp!.StopAsync();
        app.Clock.SetUtcNow(new DateTimeOffset(2025, 11, 27, 1, 0, 0, TimeSpan.Zero));
        await app.FireDueTimersAsync();
        Assert.Equal(new OutboxDelivery.Report(0, 143), await DeliverAsync());
        await app.Smtp.StartAsync();
        Assert.Equal(new OutboxDelivery.Report(0, 0), await DeliverAsync());   // not due again yet: back-off

        app.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(new OutboxDelivery.Report(143, 0), await DeliverAsync());
        var all = Reminders();
        Assert.Equal(286, all.Count);
        Assert.Equal(286, all.Select(m => m.MessageId).Distinct().Count());
    }
}

public sealed class ReminderDeliveryTests_Postgres(PostgresMailApp app) : ReminderDeliveryTests(app), IClassFixture<PostgresMailApp>;

public sealed class ReminderDeliveryTests_Sqlite(SqliteMailApp app) : ReminderDeliveryTests(app), IClassFixture<SqliteMailApp>;
