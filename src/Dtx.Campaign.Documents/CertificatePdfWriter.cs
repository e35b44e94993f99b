using System.Text;
using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Pdf;
using QRCoder;

namespace Dtx.Campaign.Documents;

/// <summary>Certificates of Merit (Bằng khen): landscape A4, decorative border, awardee, award, campaign, serial and a QR code of the verification URL.</summary>
public static class CertificatePdfWriter
{
    private static readonly XColor Red = XColor.FromArgb(176, 18, 24);
    private static readonly XColor Gold = XColor.FromArgb(191, 144, 0);

    /// <summary>One certificate as a one-page PDF, signed with <paramref name="signer"/> if given (else the page says it is not signed).</summary>
    public static byte[] Write(CertificateOfMerit certificate, string lang = "vi", DocumentSigner? signer = null) => WriteMany([certificate], lang, signer);

    /// <summary>Several certificates, one page each, in one PDF (e.g. all awards of a campaign for printing).</summary>
    public static byte[] WriteMany(IEnumerable<CertificateOfMerit> certificates, string lang = "vi", DocumentSigner? signer = null)
    {
        ArgumentNullException.ThrowIfNull(certificates);
        EmbeddedFontResolver.EnsureInstalled();
        using var document = PdfFiles.New();
        document.Info.Title = DocFormat.IsEnglish(lang) ? "Certificate of Merit" : "Bằng khen";
        CertificateOfMerit? last = null;
        foreach (var c in certificates)
        {
            DrawPage(document, c, lang, signed: signer is not null);
            last = c;
        }

        if (signer is not null && last is not null)
            return signer.SaveSigned(document, DocFormat.IsEnglish(lang) ? "Certificate of Merit " + last.Serial : "Bằng khen số " + last.Serial, last.Authority.Place);

        using var output = new MemoryStream();
        document.Save(output, false);
        return output.ToArray();
    }

    /// <summary>
    /// "Đã có thành tích xuất sắc, đạt Giải Nhất khối Sở, ban, ngành trong Đánh giá chuyển đổi số năm 2025": the year is
    /// added only when the campaign's name does not already say it.
    /// </summary>
    public static string Achievement(CertificateOfMerit c, string lang = "vi")
    {
        ArgumentNullException.ThrowIfNull(c);
        var en = DocFormat.IsEnglish(lang);
        var award = DocFormat.AwardClass(c.Class, lang);
        var campaign = DocFormat.CampaignWithYear(c.CampaignName, c.Year, lang);
        var category = string.IsNullOrWhiteSpace(c.Category) ? "" : " " + c.Category.Normalize(NormalizationForm.FormC).Trim();
        return en
            ? $"for outstanding achievement: {award}{category} in the {campaign}"
            : $"Đã có thành tích xuất sắc, đạt {award}{category} trong {campaign}";
    }

    /// <summary>"Quyết định số 23/QĐ-UBND ngày 23/10/2025".</summary>
    public static string Decision(CertificateOfMerit c, string lang = "vi")
    {
        ArgumentNullException.ThrowIfNull(c);
        var date = DocFormat.ShortDate(c.DecisionDate ?? c.IssuedAt, c.TimeZoneId, lang);
        return DocFormat.IsEnglish(lang) ? $"Decision No. {c.DecisionNumber} of {date}" : $"Quyết định số {c.DecisionNumber} ngày {date}";
    }

    /// <summary>PNG bytes of a QR code for <paramref name="url"/>.</summary>
    public static byte[] QrPng(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(url.ToString(), QRCodeGenerator.ECCLevel.M);
        return new PngByteQRCode(data).GetGraphic(8, [0, 0, 0, 255], [255, 255, 255, 255], drawQuietZones: true);
    }

    private static void DrawPage(PdfDocument document, CertificateOfMerit c, string lang, bool signed)
    {
        // Names arrive decomposed (NFD) from some imports and forms; print the precomposed letters the fonts draw well.
        c = c with
        {
            Awardee = c.Awardee.Normalize(NormalizationForm.FormC),
            CampaignName = c.CampaignName.Normalize(NormalizationForm.FormC),
            Authority = new(c.Authority.ParentName.Normalize(NormalizationForm.FormC), c.Authority.Name.Normalize(NormalizationForm.FormC), c.Authority.Place.Normalize(NormalizationForm.FormC)),
            Signer = new(c.Signer.Capacity.Normalize(NormalizationForm.FormC), c.Signer.Title.Normalize(NormalizationForm.FormC), c.Signer.Name.Normalize(NormalizationForm.FormC)),
        };
        var en = DocFormat.IsEnglish(lang);
        var page = document.AddPage();
        page.Size = PageSize.A4;
        page.Orientation = PageOrientation.Landscape;
        using var g = XGraphics.FromPdfPage(page);
        var w = page.Width.Point;
        var h = page.Height.Point;

        // Border: a thick red frame, a thin gold frame inside it and gold diamonds in the corners.
        g.DrawRectangle(new XPen(Red, 6), 22, 22, w - 44, h - 44);
        g.DrawRectangle(new XPen(Gold, 1.5), 34, 34, w - 68, h - 68);
        g.DrawRectangle(new XPen(Gold, 0.6), 40, 40, w - 80, h - 80);
        foreach (var (x, y) in new[] { (34.0, 34.0), (w - 34, 34.0), (34.0, h - 34), (w - 34, h - 34) })
        {
            var p = new[] { new XPoint(x, y - 10), new XPoint(x + 10, y), new XPoint(x, y + 10), new XPoint(x - 10, y) };
            g.DrawPolygon(new XPen(Red, 1), new XSolidBrush(Gold), p, XFillMode.Winding);
        }

        var serif = EmbeddedFontResolver.Serif;
        double line = 70;
        void Center(string text, double size, XFontStyleEx style, XColor color, double gap = 6)
        {
            var font = new XFont(serif, size, style);
            while (size > 8 && g.MeasureString(text, font).Width > w - 140)
            {
                size -= 1;
                font = new XFont(serif, size, style);
            }

            g.DrawString(text, font, new XSolidBrush(color), new XRect(60, line, w - 120, size * 1.3), XStringFormats.TopCenter);
            line += size * 1.3 + gap;
        }

        Center(en ? "SOCIALIST REPUBLIC OF VIET NAM" : "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 14, XFontStyleEx.Bold, XColors.Black, 0);
        Center(en ? "Independence - Freedom - Happiness" : "Độc lập - Tự do - Hạnh phúc", 14, XFontStyleEx.Bold, XColors.Black, 14);
        Center((en ? "THE CHAIRMAN OF " : "CHỦ TỊCH ") + c.Authority.Name, 15, XFontStyleEx.Bold, XColors.Black, 2);
        Center(en ? "awards" : "TẶNG", 15, XFontStyleEx.Bold, XColors.Black, 4);
        Center(en ? "CERTIFICATE OF MERIT" : "BẰNG KHEN", 44, XFontStyleEx.Bold, Red, 10);
        Center(c.Awardee, 24, XFontStyleEx.Bold, XColor.FromArgb(20, 40, 120), 10);
        Center(Achievement(c, lang), 16, XFontStyleEx.Italic, XColors.Black, 4);
        Center(Decision(c, lang), 12, XFontStyleEx.Regular, XColors.Black, 4);

        // Bottom row: QR code and serial on the left, place/date and signature on the right.
        using (var qr = XImage.FromStream(new MemoryStream(QrPng(c.VerificationUrl))))
        {
            g.DrawImage(qr, 70, h - 190, 100, 100);
        }

        var small = new XFont(serif, 10, XFontStyleEx.Regular);
        var bold = new XFont(serif, 11, XFontStyleEx.Bold);
        g.DrawString((en ? "Serial No.: " : "Số: ") + c.Serial, bold, XBrushes.Black, new XPoint(70, h - 76));
        g.DrawString((en ? "Verification code: " : "Mã xác thực: ") + c.VerificationCode, small, XBrushes.Black, new XPoint(70, h - 62));
        g.DrawString(c.VerificationUrl.ToString(), new XFont(serif, 7, XFontStyleEx.Regular), XBrushes.Black, new XPoint(70, h - 52));

        var right = new XRect(w / 2 + 40, h - 200, w / 2 - 110, 20);
        var italic = new XFont(serif, 13, XFontStyleEx.Italic);
        var sign = new XFont(serif, 13, XFontStyleEx.Bold);
        g.DrawString(DocFormat.PlaceAndDate(c.Authority.Place, c.IssuedAt, c.TimeZoneId, lang), italic, XBrushes.Black, right, XStringFormats.TopCenter);
        right.Offset(0, 22);
        g.DrawString(c.Signer.Capacity, sign, XBrushes.Black, right, XStringFormats.TopCenter);
        right.Offset(0, 18);
        g.DrawString(c.Signer.Title, sign, XBrushes.Black, right, XStringFormats.TopCenter);
        right.Offset(0, 80);
        g.DrawString(c.Signer.Name, sign, XBrushes.Black, right, XStringFormats.TopCenter);
        if (!signed)
        {
            right.Offset(0, 24);
            g.DrawString(en ? "Electronic copy not digitally signed." : "Bản điện tử chưa được ký số.", new XFont(serif, 8, XFontStyleEx.Italic), XBrushes.Gray, right, XStringFormats.TopCenter);
        }
    }
}
