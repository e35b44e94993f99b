using System.Text;
using DocumentFormat.OpenXml.Packaging;
using MimeKit;

namespace Dtx.Campaign.Documents.Tests;

/// <summary>
/// Every precomposed Vietnamese letter, in every shipped template, language and format: the text layer says it
/// (pdftotext, DOCX XML, e-mail parsed by MimeKit) and the PDF draws it (glyphs in the embedded fonts; OCR of a few pages).
/// </summary>
public class VietnameseLettersTests
{
    private static readonly string[] Tones = ["", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"];

    /// <summary>Groups like "aàáảãạ ăằắẳẵặ …", lower then upper case, then "đ Đ": 12 vowels × 6 forms × 2 cases + 2.</summary>
    public static readonly string AllLetters = string.Join(' ',
        "aăâeêioôơuưy".Select(v => string.Concat(Tones.Select(t => (v + t).Normalize(NormalizationForm.FormC))))
            .Concat("AĂÂEÊIOÔƠUƯY".Select(v => string.Concat(Tones.Select(t => (v + t).Normalize(NormalizationForm.FormC)))))
            .Append("đ").Append("Đ"));

    private static readonly string DotBelowUnit = "UBND phường Ngọc Hà, quận Ba Đình (Hợp tác xã Thuận Tiến)";

    public static TheoryData<string, string> NoticesAndLanguages()
    {
        var data = new TheoryData<string, string>();
        foreach (var notice in Samples.AllNotices)
        {
            data.Add(notice.TemplateName, "vi");
            data.Add(notice.TemplateName, "en");
        }

        return data;
    }

    /// <summary>The sample notice with every letter in the authority's name (header, e-mail footer) and the signer's and a recipient's names.</summary>
    private static Notice WithAllLetters(string template, bool decomposed = false)
    {
        var letters = decomposed ? AllLetters.Normalize(NormalizationForm.FormD) : AllLetters;
        var notice = Samples.AllNotices.Single(n => n.TemplateName == template);
        return notice with
        {
            Authority = notice.Authority with { Name = letters },
            Signer = notice.Signer with { Name = letters },
            Recipients = [.. notice.Recipients, letters],
        };
    }

    private static string Collapse(string s) => string.Join(' ', s.Split((char[])[' ', '\n', '\r', '\t', '\f'], StringSplitOptions.RemoveEmptyEntries));

    private static void AssertAllLettersIn(string text, string where)
    {
        Assert.True(text.IsNormalized(NormalizationForm.FormC), $"{where}: text is not NFC");
        // Every group stands whole in the text (lines may wrap between groups).
        foreach (var group in AllLetters.Split(' '))
            Assert.True(text.Contains(group, StringComparison.Ordinal), $"{where}: '{group}' not found in: {text}");
    }

    [Theory]
    [MemberData(nameof(NoticesAndLanguages))]
    public void Pdf_text_layer_and_embedded_glyphs_carry_every_letter(string template, string lang)
    {
        var notice = WithAllLetters(template);
        var pdf = NoticePdfWriter.Write(notice, Shipped.Renderer().RenderNotice(notice, lang), lang);
        var path = Tools.Save(pdf, "all-letters", $"{template}.{lang}");

        AssertAllLettersIn(Collapse(Tools.PdfToText(path)), path);
        var problems = EmbeddedGlyphs.Problems(pdf, out var count);
        Assert.True(count > 100, $"only {count} glyphs found in {path}");
        Assert.Empty(problems);
    }

    [Theory]
    [MemberData(nameof(NoticesAndLanguages))]
    public void Docx_text_carries_every_letter(string template, string lang)
    {
        var notice = WithAllLetters(template);
        var bytes = NoticeDocxWriter.Write(notice, Shipped.Renderer().RenderNotice(notice, lang), lang);
        using var doc = WordprocessingDocument.Open(new MemoryStream(bytes), false);
        var text = string.Join("\n", doc.MainDocumentPart!.Document!.Body!.Descendants<DocumentFormat.OpenXml.Wordprocessing.Paragraph>().Select(p => p.InnerText));
        AssertAllLettersIn(text, $"{template}.{lang}.docx");
    }

    [Theory]
    [MemberData(nameof(NoticesAndLanguages))]
    public void Email_parts_and_subject_carry_every_letter_as_received(string template, string lang)
    {
        var notice = WithAllLetters(template, decomposed: true);
        var rendered = Shipped.Renderer().RenderNotice(notice, lang);
        var message = new MimeMessage { Subject = rendered.Subject };
        message.From.Add(new MailboxAddress("Sở", "so@example.test"));
        message.To.Add(new MailboxAddress("Đơn vị", "unit@example.test"));
        message.Body = new BodyBuilder { HtmlBody = rendered.Html, TextBody = rendered.Text }.ToMessageBody();
        using var wire = new MemoryStream();
        message.WriteTo(wire);
        wire.Position = 0;
        var received = MimeMessage.Load(wire);

        var expectedSubject = Shipped.Renderer().RenderNotice(WithAllLetters(template), lang).Subject;
        Assert.Equal(expectedSubject, received.Subject);
        Assert.True((received.Subject ?? "").IsNormalized(NormalizationForm.FormC));
        AssertAllLettersIn(received.TextBody ?? "", $"{template}.{lang} text e-mail");
        AssertAllLettersIn(received.HtmlBody ?? "", $"{template}.{lang} HTML e-mail");
    }

    [Fact]
    public void Certificate_text_layer_and_embedded_glyphs_carry_every_letter()
    {
        // Lower case in the awardee, upper case in the campaign's name: one line each, as a certificate has.
        var half = AllLetters.IndexOf('A', StringComparison.Ordinal);
        var certificate = Samples.Certificate with { Awardee = AllLetters[..half].Trim(), CampaignName = AllLetters[half..] };
        var pdf = CertificatePdfWriter.Write(certificate);
        var path = Tools.Save(pdf, "all-letters", "certificate.vi");
        AssertAllLettersIn(Collapse(Tools.PdfToText(path)), path);
        Assert.Empty(EmbeddedGlyphs.Problems(pdf, out _));
    }

    [Fact]
    public void A_pdf_with_a_glyph_missing_from_its_subset_is_caught()
    {
        // A font whose composite glyphs keep their nested components out of the subset, as before the fix.
        var pdf = CertificatePdfWriter.Write(Samples.Certificate);
        Assert.Empty(EmbeddedGlyphs.Problems(pdf, out _));
        var broken = Corrupt(pdf);
        Assert.NotEmpty(EmbeddedGlyphs.Problems(broken, out _));
    }

    /// <summary>Empties every glyph of every embedded font by zeroing the loca table of the first font file (uncompressed copy).</summary>
    private static byte[] Corrupt(byte[] pdf)
    {
        using var document = PdfSharp.Pdf.IO.PdfReader.Open(new MemoryStream(pdf), PdfSharp.Pdf.IO.PdfDocumentOpenMode.Modify);
        foreach (var file in document.Internals.GetAllObjects().OfType<PdfSharp.Pdf.PdfDictionary>().Where(d => d.Elements.ContainsKey("/Length1")))
        {
            var bytes = file.Stream.UnfilteredValue;
            var tables = System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(4));
            for (var i = 0; i < tables; i++)
            {
                var record = 12 + 16 * i;
                if (Encoding.ASCII.GetString(bytes, record, 4) != "loca")
                    continue;
                var offset = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(record + 8));
                var length = (int)System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(record + 12));
                Array.Clear(bytes, offset, length);
            }

            file.Elements.Remove("/Filter");
            file.Stream.Value = bytes;
            file.Elements.SetInteger("/Length", bytes.Length);
        }

        using var output = new MemoryStream();
        document.Save(output, false);
        return output.ToArray();
    }

    [Fact]
    public void Ocr_reads_the_certificate_as_written_including_an_NFD_unit_name()
    {
        var certificate = Samples.Certificate with { Awardee = DotBelowUnit.Normalize(NormalizationForm.FormD) };
        var path = Tools.Save(CertificatePdfWriter.Write(certificate), "ocr", "certificate.vi");
        Tools.Png(Tools.Save(CertificatePdfWriter.Write(Samples.Certificate), "layout", "certificate.vi"));
        Assert.Contains(DotBelowUnit, Collapse(Tools.PdfToText(path)), StringComparison.Ordinal);
        var read = Tools.Ocr(path);
        Assert.Contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", read, StringComparison.Ordinal);
        Assert.Contains("Độc lập - Tự do - Hạnh phúc", read, StringComparison.Ordinal);
        Assert.Contains("BẰNG KHEN", read, StringComparison.Ordinal);
        Assert.Contains("Ngọc Hà", read, StringComparison.Ordinal);
        Assert.Contains("Hợp tác xã Thuận Tiến", Collapse(read), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("vi")]
    [InlineData("en")]
    public void Ocr_reads_a_notice_as_written(string lang)
    {
        var notice = Samples.DeadlineReminder with { Unit = Samples.Unit with { Name = DotBelowUnit.Normalize(NormalizationForm.FormD) } };
        var path = Tools.Save(NoticePdfWriter.Write(notice, Shipped.Renderer().RenderNotice(notice, lang), lang), "ocr", $"deadline-reminder.{lang}");
        var read = Collapse(Tools.Ocr(path));
        Assert.Contains("Ngọc Hà", read, StringComparison.Ordinal);
        Assert.Contains("Hợp tác xã Thuận Tiến", read, StringComparison.Ordinal);
        Assert.Contains("UBND THÀNH PHỐ HÀ NỘI", read, StringComparison.Ordinal);
        if (lang == "vi")
        {
            Assert.Contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", read, StringComparison.Ordinal);
            Assert.Contains("Độc lập - Tự do - Hạnh phúc", read, StringComparison.Ordinal);
            Assert.Contains("Về việc nhắc hạn nộp kết quả tự đánh giá", read, StringComparison.Ordinal);
        }
    }
}
