using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using MimeKit;

namespace Dtx.Campaign.Server.Email;

/// <summary>
/// Turns an outbox e-mail into a MIME message: multipart text and HTML, Vietnamese first, with a
/// Message-Id derived from the outbox idempotency key so that a resend is recognisably the same message.
/// </summary>
/// <remarks>
/// A notice rendered from the Scriban templates when it was issued arrives with its subject, text and
/// HTML (and its PDF as an attachment); the rest still use the interim wording written here.
/// </remarks>
internal sealed class EmailComposer(EmailOptions options, Documents.TemplateSet templates)
{
    public sealed record Attachment(string FileName, byte[] Content);

    /// <summary>
    /// The message of an outbox e-mail. An issued notice's copy is composed from <paramref name="letter"/>, its rendering as
    /// issued (<see cref="Notices.NoticeArchive.LetterAsync"/>); without it such an e-mail is refused rather than worded otherwise.
    /// </summary>
    public MimeMessage Compose(string idempotencyKey, string payloadJson, Attachment? attachment = null, Documents.RenderedNotice? letter = null)
    {
        using var payload = JsonDocument.Parse(payloadJson);
        var content = letter is not null
            ? new Parts(Text(payload.RootElement, "name"), Text(payload.RootElement, "to"), letter.Subject, letter.Text, letter.Html)
            : Content(payload.RootElement, subjectOnly: false);
        return Message(idempotencyKey, content.Name, content.To, content.Subject, content.Text, content.Html, attachment);
    }

    /// <summary>
    /// The subject and language of an outbox e-mail, written by the same code as <see cref="Compose"/> without the
    /// bodies: the inbox lists hundreds of subjects and builds no message for them.
    /// </summary>
    public (string Subject, string Language) Heading(string payloadJson)
    {
        using var payload = JsonDocument.Parse(payloadJson);
        return (Content(payload.RootElement, subjectOnly: true).Subject, LanguageOf(payload.RootElement));
    }

    private sealed record Parts(string Name, string To, string Subject, string Text, string Html);

    // With subjectOnly the text and HTML are left empty: what is not asked for is not rendered.
    private static string Text(JsonElement p, string name) => p.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()! : "";

    private Parts Content(JsonElement p, bool subjectOnly)
    {
        string Text(string name) => EmailComposer.Text(p, name);
        // Rendered when queued (account mails, and notices queued before their bodies were rendered at sending).
        if (Text("Html").Length > 0)
            return new Parts(Text("name"), Text("to"), Text("Subject"), Text("Text"), Text("Html"));
        if (Text("ModelJson").Length > 0)
            return subjectOnly ? new Parts(Text("name"), Text("to"), Text("Subject"), "", "")
                : throw new InvalidOperationException("An issued notice's e-mail is composed from its rendered letter (NoticeArchive.LetterAsync).");
        var zone = TimeZoneInfo.FindSystemTimeZoneById(Documents.DocFormat.DefaultTimeZoneId);
        var deadline = p.TryGetProperty("deadlineUtc", out var d) && d.ValueKind == JsonValueKind.String ? TimeZoneInfo.ConvertTime(d.GetDateTimeOffset(), zone) : (DateTimeOffset?)null;
        if (Text("template") != "deadline-reminder")
            return Announcement(Text("template").Split(' ')[0], Text("name"), Text("to"), Text("lang"), deadline,
                p.TryGetProperty("year", out var y) && y.ValueKind == JsonValueKind.Number ? y.GetInt32() : 0, subjectOnly);
        var when = deadline?.ToString("HH:mm 'ngày' dd/MM/yyyy", CultureInfo.InvariantCulture) ?? "";
        var subject = $"[Nhắc hạn] Tự đánh giá chuyển đổi số – đơn vị {Text("unitCode")} – hạn {when}";
        if (subjectOnly)
            return new Parts(Text("name"), Text("to"), subject, "", "");
        var graceEnds = p.TryGetProperty("graceEndsUtc", out var g) && g.ValueKind == JsonValueKind.String
            ? TimeZoneInfo.ConvertTime(g.GetDateTimeOffset(), zone).ToString("HH:mm 'ngày' dd/MM/yyyy", CultureInfo.InvariantCulture) : null;
        var progress = p.TryGetProperty("applicable", out var a) && a.GetInt32() > 0 ? $"{p.GetProperty("answered").GetInt32()}/{a.GetInt32()}" : "";
        string[] lines =
        [
            $"Kính gửi {Text("name")},",
            $"Đơn vị {Text("unitCode")} chưa nộp kết quả tự đánh giá chuyển đổi số. Hạn nộp: {when} (giờ Việt Nam).",
            graceEnds is null ? "" : $"Đơn vị đã quá hạn; hồ sơ nộp muộn được nhận đến {graceEnds} và được ghi nhận là nộp muộn.",
            progress.Length > 0 ? $"Số chỉ số đã trả lời: {progress}." : "",
            $"Vui lòng hoàn thành và nộp tại {options.PublicBaseUrl}.",
            "",
            $"Dear {Text("name")}, unit {Text("unitCode")} has not yet submitted its digital-transformation self-assessment. Deadline: {when} (Vietnam time)."
                + (graceEnds is null ? "" : $" It is overdue; a late submission is accepted until {graceEnds} and recorded as late."),
        ];
        var html = new StringBuilder("<!doctype html><html lang=\"vi\"><body style=\"font-family:serif\">");
        foreach (var line in lines)
            html.Append("<p>").Append(System.Net.WebUtility.HtmlEncode(line)).Append("</p>");
        html.Append("</body></html>");
        return new Parts(Text("name"), Text("to"), subject, string.Join("\n", lines), html.ToString());
    }

    /// <summary>
    /// The language an outbox e-mail is written in: English only when it was addressed in English (an announcement to
    /// an account that chose English); Vietnamese otherwise, which includes the authority's notices (issued in
    /// Vietnamese, Decree 30/2020) and the bilingual account and reminder mails, whose Vietnamese comes first.
    /// </summary>
    public static string LanguageOf(string payloadJson)
    {
        using var payload = JsonDocument.Parse(payloadJson);
        return LanguageOf(payload.RootElement);
    }

    private static string LanguageOf(JsonElement p) =>
        p.TryGetProperty("lang", out var lang) && lang.ValueKind == JsonValueKind.String && lang.GetString() == "en" ? "en" : "vi";

    /// <summary>
    /// A notice to people who are not a unit (the council chair, the campaign's administrators), worded from
    /// <c>templates/emails/</c> in the recipient's language (Vietnamese unless their account says English): what the
    /// notice is about (<c>about-{template}</c>, else <c>about-notice</c>) inside the <c>announcement</c> subject, text and HTML.
    /// A reminder states its deadline (in the campaign's zone) and the campaign's year.
    /// </summary>
    private Parts Announcement(string template, string name, string to, string lang, DateTimeOffset? deadline, int year, bool subjectOnly)
    {
        lang = lang == "en" ? "en" : "vi";
        var renderer = new Documents.TemplateRenderer(templates);
        var aboutName = templates.TryGet($"emails/about-{template}.{lang}", out _) ? $"emails/about-{template}.{lang}" : $"emails/about-notice.{lang}";
        var when = deadline?.ToString(lang == "en" ? "HH:mm, d MMMM yyyy" : "HH:mm 'ngày' dd/MM/yyyy", CultureInfo.GetCultureInfo(lang == "en" ? "en-GB" : "vi-VN")) ?? "";
        var model = new Documents.Announcement(name, renderer.Render(aboutName, new Documents.AnnouncementTopic(year), lang, html: false).Trim(), options.PublicBaseUrl, when);
        var subject = renderer.Render($"emails/announcement.{lang}.subject", model, lang, html: false).Trim();
        return subjectOnly
            ? new Parts(name, to, subject, "", "")
            : new Parts(name, to, subject, renderer.Render($"emails/announcement.{lang}.text", model, lang, html: false), renderer.Render($"emails/announcement.{lang}.html", model, lang, html: true));
    }

    private MimeMessage Message(string idempotencyKey, string name, string to, string subject, string text, string html, Attachment? attachment)
    {
        var body = new BodyBuilder { TextBody = text, HtmlBody = html };
        if (attachment is not null)
            body.Attachments.Add(attachment.FileName, attachment.Content, new ContentType("application", "pdf"));
        var message = new MimeMessage
        {
            Subject = subject,
            MessageId = $"{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey)))[..32]}@dtx-campaign",
            Body = body.ToMessageBody(),
        };
        message.From.Add(new MailboxAddress(options.FromName, options.FromAddress));
        message.To.Add(new MailboxAddress(name, to));
        message.Headers.Add("X-Dtx-Idempotency-Key", idempotencyKey);
        return message;
    }
}
