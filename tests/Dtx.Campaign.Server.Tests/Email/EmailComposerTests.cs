using System.Text.Json;
using Dtx.Campaign.Documents;
using Dtx.Campaign.Server.Email;
using Dtx.Campaign.Server.Tests.Infrastructure;

namespace Dtx.Campaign.Server.Tests.Email;

/// <summary>The inbox's subject line without the message (<see cref="EmailComposer.Heading"/>) is the message's subject, for every kind of payload.</summary>
public sealed class EmailComposerTests
{
    private static readonly EmailComposer Composer = new(new EmailOptions(), TemplateSet.FromDirectory(Path.Combine(RepositoryFiles.Root, "templates")));

    public static TheoryData<string, string, string> Payloads => new()
    {
        // A notice rendered when it was issued carries its own subject.
        { JsonSerializer.Serialize(new { to = "a@x.invalid", name = "A", Subject = "Về việc mở kỳ tự đánh giá", Text = "t", Html = "<p>h</p>" }), "Về việc mở kỳ tự đánh giá", "vi" },
        // The reminder written here.
        { JsonSerializer.Serialize(new { template = "deadline-reminder", to = "b@x.invalid", name = "B", unitCode = "S-TC", deadlineUtc = "2025-11-30T10:00:00Z" }),
            "[Nhắc hạn] Tự đánh giá chuyển đổi số – đơn vị S-TC – hạn 17:00 ngày 30/11/2025", "vi" },
        // An announcement rendered from the e-mail templates, in English for an account that chose it.
        { JsonSerializer.Serialize(new { template = "verification-approval-due", to = "c@x.invalid", name = "C", lang = "en", year = 2025 }), "", "en" },
    };

    [Theory]
    [MemberData(nameof(Payloads))]
    public void The_heading_is_the_composed_subject_and_the_mails_language(string payload, string subject, string language)
    {
        var (heading, lang) = Composer.Heading(payload);
        Assert.Equal(Composer.Compose("key", payload).Subject, heading);
        Assert.NotEmpty(heading);
        if (subject.Length > 0)
            Assert.Equal(subject, heading);
        Assert.Equal(language, lang);
    }

    [Fact]
    public void An_issued_notices_copy_is_composed_from_its_letter_and_refused_without_it()
    {
        // As a round queues it: the subject for the inbox, the model its body and PDF are rendered from when it is sent.
        var payload = JsonSerializer.Serialize(new { to = "d@x.invalid", name = "D", documentId = Guid.NewGuid(), Subject = "Về việc đôn đốc tự đánh giá",
            ModelType = "DeadlineReminderNotice", ModelJson = "{}" });
        Assert.Equal("Về việc đôn đốc tự đánh giá", Composer.Heading(payload).Subject);
        var mail = Composer.Compose("key", payload, letter: new RenderedNotice("Về việc đôn đốc tự đánh giá", "<p>Kính gửi D</p>", "Kính gửi D\n"));
        Assert.Equal("Về việc đôn đốc tự đánh giá", mail.Subject);
        Assert.Equal("Kính gửi D\n", mail.TextBody);
        Assert.Equal("<p>Kính gửi D</p>", mail.HtmlBody);
        // Never worded otherwise (the interim reminder text) when its letter is missing.
        Assert.Throws<InvalidOperationException>(() => Composer.Compose("key", payload));
    }
}
