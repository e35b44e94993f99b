using UglyToad.PdfPig;

namespace Dtx.Campaign.Documents.Tests;

public class PdfTests
{
    private static string Squash(string s) => new(s.Where(c => !char.IsWhiteSpace(c)).ToArray());

    /// <summary>The phrase's words appear in order in the extracted text (columns on the same baseline interleave).</summary>
    private static void AssertWords(string phrase, string text)
    {
        var words = text.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
        var i = 0;
        foreach (var w in words)
        {
            if (i < phrase.Split(' ').Length && w == phrase.Split(' ')[i])
            {
                i++;
            }
        }

        Assert.True(i == phrase.Split(' ').Length, $"'{phrase}' not found in order in: {text}");
    }

    private static (string Text, int Images, int Pages, double Width, double Height) Extract(byte[] pdf)
    {
        using var doc = PdfDocument.Open(pdf);
        var text = string.Join("\n", doc.GetPages().Select(p => string.Join(" ", p.GetWords().Select(w => w.Text))));
        var images = doc.GetPages().Sum(p => p.GetImages().Count());
        var first = doc.GetPage(1);
        return (text, images, doc.NumberOfPages, first.Width, first.Height);
    }

    [Theory]
    [InlineData("vi")]
    [InlineData("en")]
    public void Notice_pdf_text_carries_Vietnamese_diacritics(string lang)
    {
        var notice = Samples.PreliminaryResults;
        var rendered = Shipped.Renderer().RenderNotice(notice, lang);
        var pdf = NoticePdfWriter.Write(notice, rendered, lang);
        Assert.StartsWith("%PDF", System.Text.Encoding.ASCII.GetString(pdf, 0, 4), StringComparison.Ordinal);

        var raw = Extract(pdf).Text;
        var text = Squash(raw);
        Assert.Contains(Squash("Sở Y tế Hà Nội"), text, StringComparison.Ordinal);
        AssertWords("SỞ KHOA HỌC VÀ CÔNG NGHỆ", raw);
        Assert.Contains("20/TB-SKHCN", text, StringComparison.Ordinal);
        Assert.Contains(Squash("Nguyễn Văn Bình"), text, StringComparison.Ordinal);
        AssertWords("Chưa phê duyệt cấp độ hệ thống thông tin", raw);
        if (lang == "vi")
        {
            AssertWords("Độc lập - Tự do - Hạnh phúc", raw);
            AssertWords("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", raw);
            AssertWords("Hà Nội, ngày 23 tháng 10 năm 2025", raw);
            Assert.Contains("68,35%", text, StringComparison.Ordinal);
            Assert.Contains(Squash("Nơi nhận:"), text, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("68.35%", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_sample_notice_renders_to_pdf()
    {
        foreach (var notice in Samples.AllNotices)
        {
            var pdf = NoticePdfWriter.Write(notice, Shipped.Renderer().RenderNotice(notice));
            var text = Squash(Extract(pdf).Text);
            Assert.Contains(notice.Number.ToString(), text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Long_tables_break_onto_more_pages()
    {
        var sample = Samples.FinalResults;
        var notice = sample with { Rankings = Enumerable.Range(1, 126).Select(i => new RankingRow(i, $"UBND phường số {i}", 300m - i, 75m, "Khá")).ToList() };
        var extracted = Extract(NoticePdfWriter.Write(notice, Shipped.Renderer().RenderNotice(notice)));
        Assert.True(extracted.Pages >= 3);
        Assert.Contains(Squash("UBND phường số 126"), Squash(extracted.Text), StringComparison.Ordinal);
    }

    [Fact]
    public void Certificate_is_landscape_with_serial_awardee_and_a_QR_image()
    {
        var pdf = CertificatePdfWriter.Write(Samples.Certificate);
        var extracted = Extract(pdf);
        Assert.True(extracted.Width > extracted.Height);
        Assert.Equal(1, extracted.Images);
        var text = Squash(extracted.Text);
        Assert.Contains("BK-2025-0001", text, StringComparison.Ordinal);
        Assert.Contains("7KQ4-M2ZP", text, StringComparison.Ordinal);
        Assert.Contains(Squash("BẰNG KHEN"), text, StringComparison.Ordinal);
        Assert.Contains(Squash("Sở Khoa học và Công nghệ"), text, StringComparison.Ordinal);
        Assert.Contains(Squash("Giải Nhất"), text, StringComparison.Ordinal);

        var en = Squash(Extract(CertificatePdfWriter.Write(Samples.Certificate with { Class = AwardClass.Second }, "en")).Text);
        Assert.Contains("Secondclass", en, StringComparison.Ordinal);
    }

    [Fact]
    public void Certificates_of_a_campaign_go_one_per_page()
    {
        var all = Samples.AwardDecision.Awards.Select(a => Samples.Certificate with { Awardee = a.UnitName, Class = a.Class, Serial = a.CertificateSerial });
        var extracted = Extract(CertificatePdfWriter.WriteMany(all));
        Assert.Equal(3, extracted.Pages);
        Assert.Equal(3, extracted.Images);
    }

    [Fact]
    public void Pdf_rendering_is_safe_in_parallel()
    {
        var renderer = Shipped.Renderer();
        Parallel.For(0, 16, i =>
        {
            Assert.NotEmpty(CertificatePdfWriter.Write(Samples.Certificate));
            var notice = Samples.AllNotices[i % Samples.AllNotices.Count];
            Assert.NotEmpty(NoticePdfWriter.Write(notice, renderer.RenderNotice(notice)));
        });
    }

    [Fact]
    public void All_text_stays_inside_the_page_margins()
    {
        foreach (var pdf in Samples.AllNotices.Select(n => NoticePdfWriter.Write(n, Shipped.Renderer().RenderNotice(n)))
                     .Append(CertificatePdfWriter.Write(Samples.Certificate))
                     .Append(CertificatePdfWriter.Write(Samples.Certificate with
                     {
                         Awardee = "Ủy ban nhân dân phường Hoàn Kiếm, thành phố Hà Nội và Tổ công nghệ số cộng đồng phường Hoàn Kiếm",
                         CampaignName = "Đánh giá, xếp hạng mức độ chuyển đổi số của các sở, ban, ngành và UBND các xã, phường",
                     })))
        {
            using var doc = PdfDocument.Open(pdf);
            foreach (var page in doc.GetPages())
            {
                foreach (var word in page.GetWords())
                {
                    Assert.True(word.BoundingBox.Left >= 30 && word.BoundingBox.Right <= page.Width - 30, $"'{word.Text}' at {word.BoundingBox} outside page width {page.Width}");
                    Assert.True(word.BoundingBox.Bottom >= 30 && word.BoundingBox.Top <= page.Height - 30, $"'{word.Text}' at {word.BoundingBox} outside page height {page.Height}");
                }
            }
        }
    }

    [Fact]
    public void Hostile_names_are_plain_text_in_the_pdf()
    {
        var notice = Samples.DeadlineReminder with { Unit = Samples.Unit with { Name = "<script>alert(1)</script>" } };
        var text = Squash(Extract(NoticePdfWriter.Write(notice, Shipped.Renderer().RenderNotice(notice))).Text);
        Assert.Contains("<script>alert(1)</script>", text, StringComparison.Ordinal);
    }
}
