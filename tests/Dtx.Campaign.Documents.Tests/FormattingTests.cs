namespace Dtx.Campaign.Documents.Tests;

public class FormattingTests
{
    [Fact]
    public void Numbers_use_Vietnamese_separators()
    {
        Assert.Equal("136,69", DocFormat.Number(136.69m));
        Assert.Equal("68,35%", DocFormat.Percent(68.35m));
        Assert.Equal("1.234", DocFormat.Integer(1234));
        Assert.Equal("1.234,50", DocFormat.Number(1234.5m));
        Assert.Equal("136.69", DocFormat.Number(136.69m, "en"));
        Assert.Equal("68.35%", DocFormat.Percent(68.35m, "en"));
        Assert.Equal("1,234", DocFormat.Integer(1234, "en"));
    }

    [Fact]
    public void Dates_are_in_the_campaign_zone()
    {
        var at = DateTimeOffset.Parse("2025-10-23T03:00Z", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal("ngày 23 tháng 10 năm 2025", DocFormat.LongDate(at, "Asia/Ho_Chi_Minh"));
        Assert.Equal("23/10/2025", DocFormat.ShortDate(at));
        Assert.Equal("10 giờ 00 ngày 23/10/2025", DocFormat.DateTime(at));
        Assert.Equal("23 October 2025", DocFormat.LongDate(at, "Asia/Ho_Chi_Minh", "en"));
        Assert.Equal("Hà Nội, ngày 23 tháng 10 năm 2025", DocFormat.PlaceAndDate("Hà Nội", at));
        // 20:00 UTC is already the next day in Hanoi; single-digit day and month are not zero-padded.
        Assert.Equal("ngày 2 tháng 3 năm 2025", DocFormat.LongDate(new DateTimeOffset(2025, 3, 1, 20, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void Document_number_and_award_class()
    {
        Assert.Equal("15/TB-UBND", new DocumentNumber(15, "TB", "UBND").ToString());
        Assert.Equal("Giải Nhì", DocFormat.AwardClass(AwardClass.Second));
        Assert.Equal("Third class", DocFormat.AwardClass(AwardClass.Third, "en"));
    }
}
