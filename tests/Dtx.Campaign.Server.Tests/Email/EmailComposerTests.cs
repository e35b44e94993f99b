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
}
