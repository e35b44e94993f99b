using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace Dtx.Campaign.Documents.Tests;

/// <summary>
/// Decree 30/2020/NĐ-CP layout of every notice, read from the PDF's word boxes (pdftotext -bbox): national title and
/// motto top right, issuing authority top left with number and symbol under it, place and date right, type and summary
/// centred, body, then "Nơi nhận" bottom left and the signer bottom right. Pages are left as PNGs in rendered/layout.
/// </summary>
public partial class LayoutTests
{
    private sealed record Word(int Page, double X0, double Y0, double X1, double Y1, string Text);

    private sealed record Box(int Page, double X0, double Y0, double X1, double Y1)
    {
        public double CenterX => (X0 + X1) / 2;

        /// <summary>Reading order: a later page, or lower on the same page.</summary>
        public bool IsBelow(Box other) => Page > other.Page || (Page == other.Page && Y0 >= other.Y1 - 1);
    }

    [GeneratedRegex("<page width=\"([0-9.]+)\"|<word xMin=\"([0-9.]+)\" yMin=\"([0-9.]+)\" xMax=\"([0-9.]+)\" yMax=\"([0-9.]+)\">([^<]*)</word>")]
    private static partial Regex BboxItem();

    private static (List<Word> Words, double Width) Words(string pdfPath)
    {
        var words = new List<Word>();
        var page = 0;
        double width = 0;
        foreach (Match m in BboxItem().Matches(Tools.Run("pdftotext", "-bbox", pdfPath, "-")))
        {
            if (m.Groups[1].Success)
            {
                page++;
                width = D(m.Groups[1].Value);
                continue;
            }

            words.Add(new(page, D(m.Groups[2].Value), D(m.Groups[3].Value), D(m.Groups[4].Value), D(m.Groups[5].Value), WebUtility.HtmlDecode(m.Groups[6].Value)));
        }

        return (words, width);
    }

    private static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    /// <summary>The box of the first run of words on one line that reads <paramref name="phrase"/>.</summary>
    private static Box Find(List<Word> words, string phrase, string pdf)
    {
        var parts = phrase.Split(' ');
        for (var i = 0; i + parts.Length <= words.Count; i++)
        {
            var run = words.Skip(i).Take(parts.Length).ToList();
            if (run.Select(w => w.Text).SequenceEqual(parts) && run.All(w => w.Page == run[0].Page && Math.Abs(w.Y0 - run[0].Y0) < 3))
                return new(run[0].Page, run.Min(w => w.X0), run.Min(w => w.Y0), run.Max(w => w.X1), run.Max(w => w.Y1));
        }

        throw new Xunit.Sdk.XunitException($"'{phrase}' not found on one line in {pdf}");
    }

    public static TheoryData<string> Notices() => [.. Samples.AllNotices.Select(n => n.TemplateName)];

    [Theory]
    [MemberData(nameof(Notices))]
    public void Notice_blocks_stand_where_Decree_30_puts_them(string template)
    {
        var notice = Samples.AllNotices.Single(n => n.TemplateName == template);
        var rendered = Shipped.Renderer().RenderNotice(notice);
        var path = Tools.Save(NoticePdfWriter.Write(notice, rendered), "layout", template + ".vi");
        Tools.Png(path);
        var (words, width) = Words(path);
        Box Find(string phrase) => LayoutTests.Find(words, phrase, path);
        var middle = width / 2;
        var textCentre = (30 + (width * 25.4 / 72 - 15)) / 2 * 72 / 25.4;   // between the 30 mm and 15 mm margins

        var nation = Find("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM");
        var motto = Find("Độc lập - Tự do - Hạnh phúc");
        var parent = Find(notice.Authority.ParentName);
        var authority = Find(notice.Authority.Name.Split(' ')[0]);
        var number = Find("Số: " + notice.Number);
        var placeDate = Find(notice.Authority.Place + ", ngày");
        var title = Find(Regex.Match(rendered.Html, "<h1[^>]*>(.*?)</h1>").Groups[1].Value);
        var recipients = Find("Nơi nhận:");
        var signer = Find(notice.Signer.Name);

        // Header: national title and motto top right; authority top left; the two start on the same line.
        Assert.Equal(1, nation.Page);
        Assert.True(nation.Y0 < 100, $"national title at y={nation.Y0}, not at the top");
        Assert.True(nation.X0 > width * 0.35, $"national title starts at x={nation.X0}: not in the right column");
        Assert.True(motto.IsBelow(nation) && Math.Abs(motto.CenterX - nation.CenterX) < 5, "the motto is not centred under the national title");
        Assert.True(parent.X1 < nation.X0 && Math.Abs(parent.Y0 - nation.Y0) < 3, "the parent authority is not top left beside the national title");
        Assert.True(authority.IsBelow(parent) && authority.X1 < nation.X0, "the issuing authority is not under its parent, on the left");
        Assert.True(number.IsBelow(authority) && number.X1 < nation.X0, "number and symbol are not under the authority, on the left");
        Assert.True(placeDate.IsBelow(motto) && placeDate.X0 > width * 0.35, "place and date are not under the motto, on the right");

        // Type and summary centred under the header, then the body, then recipients left and signer right.
        Assert.True(title.IsBelow(number) && title.IsBelow(placeDate), "the document type is not under the header");
        Assert.True(Math.Abs(title.CenterX - textCentre) < 3, $"the document type is centred at x={title.CenterX:0.0}, not {textCentre:0.0}");
        Assert.True(recipients.IsBelow(title) && recipients.X0 < middle / 2, "'Nơi nhận' is not bottom left");
        Assert.True(signer.IsBelow(recipients) && signer.X0 > middle, "the signer's name is not bottom right, under the signature space");
        Assert.True(signer.Page == recipients.Page, "recipients and signature split across pages");
    }
}
