namespace Dtx.Campaign.Documents.Tests;

public class CertificateWordingTests
{
    [Theory]
    [InlineData(AwardClass.First, "Giải Nhất")]
    [InlineData(AwardClass.Second, "Giải Nhì")]
    [InlineData(AwardClass.Third, "Giải Ba")]
    public void Each_award_class_reads_once_with_its_category_and_the_year_once(AwardClass awardClass, string award)
    {
        // The stored campaign name often says the year already ("… năm 2025"): it is not said twice.
        var named = Samples.Certificate with { Class = awardClass, CampaignName = "Đánh giá chuyển đổi số năm 2025" };
        Assert.Equal($"Đã có thành tích xuất sắc, đạt {award} khối Sở, ban, ngành trong Đánh giá chuyển đổi số năm 2025", CertificatePdfWriter.Achievement(named));
        Assert.Equal($"Đã có thành tích xuất sắc, đạt {award} khối Sở, ban, ngành trong Đánh giá chuyển đổi số năm 2025",
            CertificatePdfWriter.Achievement(named with { CampaignName = "Đánh giá chuyển đổi số" }));

        var text = Tools.PdfToText(Tools.Save(CertificatePdfWriter.Write(named), "wording", $"certificate-{awardClass}"));
        var oneLine = string.Join(' ', text.Split((char[])[' ', '\n', '\f'], StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"đạt {award} khối Sở, ban, ngành trong Đánh giá chuyển đổi số năm 2025", oneLine, StringComparison.Ordinal);
        Assert.DoesNotContain("2025 năm 2025", oneLine, StringComparison.Ordinal);
        Assert.Contains("Quyết định số 23/QĐ-UBND ngày 23/10/2025", oneLine, StringComparison.Ordinal);
    }

    [Fact]
    public void The_decision_has_its_own_date_and_english_wording()
    {
        var c = Samples.Certificate with { DecisionDate = new DateTimeOffset(2025, 10, 20, 20, 0, 0, TimeSpan.Zero) };
        Assert.Equal("Quyết định số 23/QĐ-UBND ngày 21/10/2025", CertificatePdfWriter.Decision(c));   // 03:00 on the 21st in Hanoi
        Assert.Equal("for outstanding achievement: First class khối Sở, ban, ngành in the Đánh giá chuyển đổi số 2025", CertificatePdfWriter.Achievement(c, "en"));
    }
}
