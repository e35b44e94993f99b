using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dtx.Campaign.Server.Email;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Dtx.Campaign.Server.Tests.Inbox;

/// <summary>
/// The in-app inbox (issue #20): each person finds there the campaign e-mails sent to them — the same subject and text
/// the SMTP server received — read or unread; nobody else's, and never an account e-mail (its link is a secret).
/// </summary>
public abstract class InboxTests(CampaignApp app)
{
    private const string Officer = "daumoi.p-ba-dinh@demo.hanoi.invalid"; // the ward's focal contact in the units file
    private const string Stranger = "nguoi.khac@test.local";
    private const string Password = "Inbox-Password-2025";

    private async Task DeliverAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<OutboxDelivery>().DeliverDueAsync(1000, CancellationToken.None);
    }

    [Fact]
    public async Task A_person_reads_the_campaign_emails_sent_to_them_and_no_one_elses()
    {
        var admin = await app.LoginAsAdminAsync();
        await app.ImportHanoiUnitsAsync(admin);
        await app.CreateUserAsync(Officer, Password);
        await app.CreateUserAsync(Stranger, Password);
        var set = await TestIndexSets.UploadAsync(admin, TestIndexSets.Small($"ib-{Guid.NewGuid():N}"[..16], "commune"));
        await TestCampaigns.CreateAsync(admin, new() { ["commune"] = set });
        // An account e-mail to the officer: delivered, but not filed in the inbox.
        (await app.CreateClient().PostAsJsonAsync("/api/auth/password-reset", new { email = Officer })).EnsureSuccessStatusCode();
        app.Clock.SetUtcNow(new DateTimeOffset(2025, 11, 1, 8, 0, 0, TimeSpan.FromHours(7)).ToUniversalTime());
        await app.FireDueTimersAsync();
        await DeliverAsync();

        var officer = await app.LoginAsync(Officer, Password);
        var inbox = await officer.GetFromJsonAsync<JsonElement>("/api/inbox");
        var messages = inbox.GetProperty("messages").EnumerateArray().ToList();
        // The index publication and the opening notice, both to the ward's focal officer, both unread.
        Assert.Equal(2, messages.Count);
        Assert.Equal(2, inbox.GetProperty("unread").GetInt32());
        Assert.All(messages, m => Assert.False(m.GetProperty("read").GetBoolean()));
        // The same subjects the SMTP server received for this address, decoded, and nothing from the account e-mails.
        var received = app.Smtp!.Messages().Where(m => m.To.Mailboxes.Single().Address == Officer).ToList();
        var campaignMail = received.Where(m => !m.Subject!.Contains("mật khẩu", StringComparison.OrdinalIgnoreCase)).Select(m => m.Subject).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(3, received.Count); // two notices and the password reset
        Assert.Equal(campaignMail, messages.Select(m => m.GetProperty("subject").GetString()).Order(StringComparer.Ordinal).ToList());
        Assert.Contains(messages, m => m.GetProperty("subject").GetString()!.Contains("mở kỳ", StringComparison.Ordinal));

        // Opening one shows its text as e-mailed and marks it read; the list then counts one unread.
        var opening = messages.Single(m => m.GetProperty("subject").GetString()!.Contains("mở kỳ", StringComparison.Ordinal));
        var id = opening.GetProperty("id").GetGuid();
        var opened = await officer.GetFromJsonAsync<JsonElement>($"/api/inbox/{id}");
        var sent = received.Single(m => m.Subject == opening.GetProperty("subject").GetString());
        Assert.Equal(sent.TextBody!.ReplaceLineEndings("\n").Trim(), opened.GetProperty("text").GetString()!.ReplaceLineEndings("\n").Trim());
        Assert.Equal(JsonValueKind.String, opened.GetProperty("readAt").ValueKind);
        Assert.Equal(1, (await officer.GetFromJsonAsync<JsonElement>("/api/inbox")).GetProperty("unread").GetInt32());

        // Someone else cannot open it (404, as if it did not exist) and has none of their own.
        var stranger = await app.LoginAsync(Stranger, Password);
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.GetAsync($"/api/inbox/{id}")).StatusCode);
        Assert.Equal(0, (await stranger.GetFromJsonAsync<JsonElement>("/api/inbox")).GetProperty("messages").GetArrayLength());
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync("/api/inbox")).StatusCode);

        // The page: the header counts the unread one, the list marks it, and "mark all read" clears it.
        var page = await officer.GetStringAsync("/inbox");
        Assert.Contains("1 chưa đọc", page, StringComparison.Ordinal);
        Assert.Contains($"data-message=\"{id}\"", page, StringComparison.Ordinal);
        Assert.Contains("<h1>Hộp thư", page, StringComparison.Ordinal); // Vietnamese first: no English word or text key on the page
        Assert.DoesNotContain("Inbox", page, StringComparison.Ordinal);
        var marked = await (await officer.PostAsync("/api/inbox/read-all", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(1, marked.GetProperty("marked").GetInt32());
        Assert.Equal(0, (await officer.GetFromJsonAsync<JsonElement>("/api/inbox")).GetProperty("unread").GetInt32());
    }
}

public sealed class InboxTests_Postgres(PostgresMailApp app) : InboxTests(app), IClassFixture<PostgresMailApp>;

public sealed class InboxTests_Sqlite(SqliteMailApp app) : InboxTests(app), IClassFixture<SqliteMailApp>;
