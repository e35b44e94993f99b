namespace Dtx.Campaign.Documents.Tests;

public class TemplateTests
{
    public static TheoryData<int, string> Cases()
    {
        var data = new TheoryData<int, string>();
        for (var i = 0; i < Samples.AllNotices.Count; i++)
        {
            data.Add(i, "vi");
            data.Add(i, "en");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_shipped_template_renders_with_its_key_fields(int index, string lang)
    {
        var notice = Samples.AllNotices[index];
        var result = Shipped.Renderer().RenderNotice(notice, lang);

        Assert.Contains("SỞ KHOA HỌC VÀ CÔNG NGHỆ", result.Html, StringComparison.Ordinal);
        Assert.Contains("UBND THÀNH PHỐ HÀ NỘI", result.Html, StringComparison.Ordinal);
        Assert.Contains(notice.Number.ToString(), result.Html, StringComparison.Ordinal);
        Assert.Contains("Nguyễn Văn Bình", result.Html, StringComparison.Ordinal);
        Assert.Contains(lang == "vi" ? "Nơi nhận:" : "Recipients:", result.Html, StringComparison.Ordinal);
        if (lang == "vi")
        {
            Assert.Contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", result.Html, StringComparison.Ordinal);
            Assert.Contains("Độc lập - Tự do - Hạnh phúc", result.Html, StringComparison.Ordinal);
            Assert.Contains("Hà Nội, ngày 23 tháng 10 năm 2025", result.Html, StringComparison.Ordinal);
        }
        else
        {
            Assert.Contains("SOCIALIST REPUBLIC OF VIET NAM", result.Html, StringComparison.Ordinal);
            Assert.Contains("Hà Nội, 23 October 2025", result.Html, StringComparison.Ordinal);
        }

        Assert.Contains("2025", result.Subject, StringComparison.Ordinal);
        Assert.DoesNotContain("\n", result.Subject, StringComparison.Ordinal);
        // What a queued copy records for the inbox is the subject the sent e-mail carries.
        Assert.Equal(result.Subject, Shipped.Renderer().RenderNoticeSubject(notice, lang));
        Assert.Contains(notice.Number.ToString(), result.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("{{", result.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("<p></p>", result.Html, StringComparison.Ordinal);

        var unitName = notice switch
        {
            SelfAssessmentOpeningNotice n => n.Unit.Name,
            DeadlineReminderNotice n => n.Unit.Name,
            ClarificationRequestNotice n => n.Unit.Name,
            PreliminaryResultsNotice n => n.Unit.Name,
            DisputeOutcomeNotice n => n.Unit.Name,
            _ => null,
        };
        if (unitName is not null)
        {
            Assert.Contains(unitName, result.Html, StringComparison.Ordinal);
            Assert.Contains(unitName, result.Text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Preliminary_results_show_Vietnamese_numbers_and_the_score_table()
    {
        var html = Shipped.Renderer().RenderNotice(Samples.PreliminaryResults).Html;
        Assert.Contains("136,69/200,00 điểm", html, StringComparison.Ordinal);
        Assert.Contains("68,35%", html, StringComparison.Ordinal);
        Assert.Contains("22,19", html, StringComparison.Ordinal);
        Assert.Contains("Chưa phê duyệt cấp độ hệ thống thông tin", html, StringComparison.Ordinal);
        Assert.Contains("17 giờ 00 ngày 20/12/2025", html, StringComparison.Ordinal);

        var en = Shipped.Renderer().RenderNotice(Samples.PreliminaryResults, "en").Html;
        Assert.Contains("136.69/200.00 points", en, StringComparison.Ordinal);
        Assert.Contains("68.35%", en, StringComparison.Ordinal);
    }

    [Fact]
    public void Award_decision_names_the_classes()
    {
        var html = Shipped.Renderer().RenderNotice(Samples.AwardDecision).Html;
        Assert.Contains("QUYẾT ĐỊNH", html, StringComparison.Ordinal);
        Assert.Contains("23/QĐ-SKHCN", html, StringComparison.Ordinal);
        Assert.Contains("Giải Nhất", html, StringComparison.Ordinal);
        Assert.Contains("BK-2025-0003", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_shipped_template_parses()
    {
        foreach (var name in Shipped.Templates.Names)
        {
            Assert.True(Shipped.Templates.TryGet(name, out var text));
            Assert.Empty(TemplateValidator.Validate(text, name));
        }

        Assert.Equal(Samples.AllNotices.Count * 2 * 3, Shipped.Templates.Names.Count(n => n.StartsWith("notices/", StringComparison.Ordinal)));
    }
}
