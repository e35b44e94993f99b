using System.Text.Json;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Dtx.Campaign.Workflows.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace Dtx.Campaign.Server.Tests.Email;

/// <summary>
/// A notice to the council chair or the administrators is worded from templates/emails in the recipient's language
/// (Vietnamese unless their account says English), received on the real SMTP test server and parsed as a person's mail client would.
/// </summary>
public abstract class AnnouncementMailTests(CampaignApp app)
{
    [Fact]
    public async Task The_chair_and_administrators_read_the_announcement_in_their_own_language_without_a_template_key()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var vi = $"chair-{run}@example.vn";
        var en = $"admin-{run}@example.vn";
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CampaignDbContext>();
            foreach (var (to, lang, template) in new[] { (vi, "vi", "disputes-closed (council-chair)"), (en, "en", "final-results (public)") })
                db.Add(new OutboxMessage
                {
                    Id = Guid.NewGuid(), CreatedAt = app.Clock.GetUtcNow().UtcDateTime, NextAttemptAt = app.Clock.GetUtcNow().UtcDateTime, Kind = "email",
                    IdempotencyKey = $"test/announcement/{run}/{to}", Status = OutboxStatus.Pending,
                    PayloadJson = JsonSerializer.Serialize(new { template, audience = "public", to, name = "Lê Minh Quang", lang }),
                });
            await db.SaveChangesAsync();
        }

        await app.DeliverMailAsync();

        var received = app.Smtp!.Messages();
        var chair = Assert.Single(received, m => m.To.Mailboxes.Single().Address == vi);
        Assert.Equal("Về việc kết thúc thời hạn tiếp nhận kiến nghị kết quả đánh giá chuyển đổi số", chair.Subject);
        Assert.StartsWith("Kính gửi Lê Minh Quang,", chair.TextBody, StringComparison.Ordinal);
        Assert.Contains("thông báo về việc kết thúc thời hạn tiếp nhận kiến nghị", chair.HtmlBody, StringComparison.Ordinal);
        var admin = Assert.Single(received, m => m.To.Mailboxes.Single().Address == en);
        Assert.Equal("Notice: the final results have been published", admin.Subject);
        Assert.StartsWith("Dear Lê Minh Quang,", admin.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("Kính gửi", admin.TextBody, StringComparison.Ordinal);
        foreach (var m in new[] { chair, admin })
        {
            Assert.DoesNotMatch(@"\b[a-z]+(-[a-z]+)+\b", m.Subject);
            Assert.DoesNotContain("{{", m.TextBody, StringComparison.Ordinal);
            Assert.DoesNotContain("final-results", m.TextBody, StringComparison.Ordinal);
            Assert.DoesNotContain("disputes-closed", m.HtmlBody, StringComparison.Ordinal);
        }
    }
}

public sealed class AnnouncementMailTests_Postgres(PostgresMailApp app) : AnnouncementMailTests(app), IClassFixture<PostgresMailApp>;

public sealed class AnnouncementMailTests_Sqlite(SqliteMailApp app) : AnnouncementMailTests(app), IClassFixture<SqliteMailApp>;
