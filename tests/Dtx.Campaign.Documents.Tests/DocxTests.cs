using DocumentFormat.OpenXml.Packaging;

namespace Dtx.Campaign.Documents.Tests;

public class DocxTests
{
    [Theory]
    [InlineData("vi")]
    [InlineData("en")]
    public void Notice_docx_opens_and_contains_the_key_fields(string lang)
    {
        var notice = Samples.PreliminaryResults;
        var bytes = NoticeDocxWriter.Write(notice, Shipped.Renderer().RenderNotice(notice, lang), lang);

        using var doc = WordprocessingDocument.Open(new MemoryStream(bytes), false);
        var body = doc.MainDocumentPart!.Document!.Body!;
        var text = string.Join("\n", body.Descendants<DocumentFormat.OpenXml.Wordprocessing.Paragraph>().Select(p => p.InnerText));

        Assert.Contains("SỞ KHOA HỌC VÀ CÔNG NGHỆ", text, StringComparison.Ordinal);
        Assert.Contains("20/TB-SKHCN", text, StringComparison.Ordinal);
        Assert.Contains("Sở Y tế Hà Nội", text, StringComparison.Ordinal);
        Assert.Contains("Nguyễn Văn Bình", text, StringComparison.Ordinal);
        Assert.Contains("Chưa phê duyệt cấp độ hệ thống thông tin", text, StringComparison.Ordinal);
        Assert.Equal(3, body.Elements<DocumentFormat.OpenXml.Wordprocessing.Table>().Count());
        if (lang == "vi")
        {
            Assert.Contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", text, StringComparison.Ordinal);
            Assert.Contains("Độc lập - Tự do - Hạnh phúc", text, StringComparison.Ordinal);
            Assert.Contains("Hà Nội, ngày 23 tháng 10 năm 2025", text, StringComparison.Ordinal);
            Assert.Contains("68,35%", text, StringComparison.Ordinal);
            Assert.Contains("Nơi nhận:", text, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("68.35%", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_sample_notice_renders_to_docx_and_hostile_text_stays_text()
    {
        foreach (var notice in Samples.AllNotices)
        {
            var bytes = NoticeDocxWriter.Write(notice, Shipped.Renderer().RenderNotice(notice));
            using var doc = WordprocessingDocument.Open(new MemoryStream(bytes), false);
            Assert.Contains(notice.Number.ToString(), doc.MainDocumentPart!.Document!.Body!.InnerText, StringComparison.Ordinal);
        }

        var hostile = Samples.DeadlineReminder with { Unit = Samples.Unit with { Name = "<script>alert(1)</script> & Co" } };
        var hostileBytes = NoticeDocxWriter.Write(hostile, Shipped.Renderer().RenderNotice(hostile));
        using var hostileDoc = WordprocessingDocument.Open(new MemoryStream(hostileBytes), false);
        Assert.Contains("<script>alert(1)</script> & Co", hostileDoc.MainDocumentPart!.Document!.Body!.InnerText, StringComparison.Ordinal);
    }
}
