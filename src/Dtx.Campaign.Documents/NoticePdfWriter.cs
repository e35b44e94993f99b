using System.Text;
using PdfSharp;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

namespace Dtx.Campaign.Documents;

/// <summary>Lays out an official notice on A4 with PDFsharp: header, number, place and date, title, subject, body, tables, recipients, signature.</summary>
public static class NoticePdfWriter
{
    private const double Mm = 72 / 25.4;
    private const double Left = 30 * Mm;
    private const double Right = 15 * Mm;
    private const double Top = 20 * Mm;
    private const double Bottom = 20 * Mm;

    /// <summary>
    /// Renders <paramref name="notice"/> with the wording of <paramref name="rendered"/> (from <see cref="TemplateRenderer.RenderNotice"/>),
    /// signed with <paramref name="signer"/> (the issuing authority's certificate); without one the page says the copy is not signed.
    /// </summary>
    public static byte[] Write(Notice notice, RenderedNotice rendered, string lang = "vi", DocumentSigner? signer = null)
    {
        ArgumentNullException.ThrowIfNull(notice);
        ArgumentNullException.ThrowIfNull(rendered);
        EmbeddedFontResolver.EnsureInstalled();
        var content = NoticeContent.FromHtml(rendered.Html);
        var en = DocFormat.IsEnglish(lang);

        using var document = PdfFiles.New();
        document.Info.Title = $"{content.Title} {notice.Number}";
        document.Info.Subject = content.Subject;
        document.Info.Author = notice.Authority.Name;
        var writer = new PageWriter(document);

        // Header: authority on the left, national title on the right, each centred in its column.
        var width = writer.Width;
        var leftCol = width * 0.40;
        var rightCol = width - leftCol;
        var y0 = writer.Y;
        var yLeft = writer.Centered(notice.Authority.ParentName, Fonts.Regular12, 0, leftCol, y0);
        yLeft = writer.Centered(notice.Authority.Name, writer.Fit(notice.Authority.Name, Fonts.Bold12, leftCol), 0, leftCol, yLeft);
        writer.Rule(leftCol / 2 - 25, leftCol / 2 + 25, yLeft + 1);
        yLeft = writer.Centered((en ? "No. " : "Số: ") + notice.Number, Fonts.Regular12, 0, leftCol, yLeft + 6);
        // Decree 30/2020: the national title stands on one line; DejaVu is wider than the usual Times, so it may shrink a little.
        var nation = en ? "SOCIALIST REPUBLIC OF VIET NAM" : "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
        var yRight = writer.Centered(nation, writer.Fit(nation, Fonts.Bold12, rightCol), leftCol, rightCol, y0);
        var motto = en ? "Independence - Freedom - Happiness" : "Độc lập - Tự do - Hạnh phúc";
        yRight = writer.Centered(motto, Fonts.Bold13, leftCol, rightCol, yRight);
        var mottoWidth = writer.Measure(motto, Fonts.Bold13);
        writer.Rule(leftCol + (rightCol - mottoWidth) / 2, leftCol + (rightCol + mottoWidth) / 2, yRight + 1);
        yRight = writer.Centered(DocFormat.PlaceAndDate(notice.Authority.Place, notice.IssuedAt, notice.TimeZoneId, lang), Fonts.Italic13, leftCol, rightCol, yRight + 6);
        writer.Y = Math.Max(yLeft, yRight) + 18;

        writer.CenteredBlock(content.Title, Fonts.Bold14);
        writer.CenteredBlock(content.Subject, Fonts.Bold13);
        writer.Y += 10;

        foreach (var block in content.Blocks)
        {
            switch (block)
            {
                case ParagraphBlock p:
                    writer.Paragraph(p.Text, Fonts.Regular13, indent: 10 * Mm);
                    break;
                case TableBlock t:
                    writer.Table(t.Rows);
                    break;
            }
        }

        // Recipients (left) and signature (right).
        writer.Y += 14;
        writer.EnsureSpace(120);
        var top = writer.Y;
        var y = writer.Wrapped(en ? "Recipients:" : "Nơi nhận:", Fonts.BoldItalic12, 0, width * 0.45, top);
        foreach (var r in notice.Recipients)
        {
            y = writer.Wrapped("- " + r, Fonts.Regular11, 0, width * 0.45, y);
        }

        var ys = writer.Centered(notice.Signer.Capacity, Fonts.Bold13, width * 0.45, width * 0.55, top);
        ys = writer.Centered(notice.Signer.Title, Fonts.Bold13, width * 0.45, width * 0.55, ys);
        ys = writer.Centered(notice.Signer.Name, Fonts.Bold13, width * 0.45, width * 0.55, ys + 60);
        writer.Y = Math.Max(y, ys);
        if (signer is null)
            writer.Note(en ? "Electronic copy not digitally signed (no signing certificate is configured for the issuing authority)." : "Bản điện tử chưa được ký số (cơ quan ban hành chưa cấu hình chứng thư số).");
        writer.Dispose();
        if (signer is not null)
            return signer.SaveSigned(document, (en ? "Issued: " : "Ban hành văn bản số ") + notice.Number, notice.Authority.Place);

        using var output = new MemoryStream();
        document.Save(output, false);
        return output.ToArray();
    }

    private static class Fonts
    {
        public static readonly XFont Regular11 = new(EmbeddedFontResolver.Serif, 11, XFontStyleEx.Regular);
        public static readonly XFont Regular12 = new(EmbeddedFontResolver.Serif, 12, XFontStyleEx.Regular);
        public static readonly XFont Regular13 = new(EmbeddedFontResolver.Serif, 13, XFontStyleEx.Regular);
        public static readonly XFont Bold11 = new(EmbeddedFontResolver.Serif, 11, XFontStyleEx.Bold);
        public static readonly XFont Bold12 = new(EmbeddedFontResolver.Serif, 12, XFontStyleEx.Bold);
        public static readonly XFont Bold13 = new(EmbeddedFontResolver.Serif, 13, XFontStyleEx.Bold);
        public static readonly XFont Bold14 = new(EmbeddedFontResolver.Serif, 14, XFontStyleEx.Bold);
        public static readonly XFont Italic9 = new(EmbeddedFontResolver.Serif, 9, XFontStyleEx.Italic);
        public static readonly XFont Italic13 = new(EmbeddedFontResolver.Serif, 13, XFontStyleEx.Italic);
        public static readonly XFont BoldItalic12 = new(EmbeddedFontResolver.Serif, 12, XFontStyleEx.BoldItalic);
    }

    /// <summary>A top-to-bottom cursor over A4 pages with word wrapping and page breaks.</summary>
    private sealed class PageWriter(PdfDocument document) : IDisposable
    {
        private XGraphics? _gfx;
        private PdfPage? _page;

        public double Y { get; set; }

        public double Width => (_page ?? NewPage()).Width.Point - Left - Right;

        private PdfPage NewPage()
        {
            _gfx?.Dispose();
            _page = document.AddPage();
            _page.Size = PageSize.A4;
            _gfx = XGraphics.FromPdfPage(_page);
            Y = Top;
            return _page;
        }

        private XGraphics G => _gfx ?? (NewPage() is not null ? _gfx! : throw new InvalidOperationException());

        public double Measure(string text, XFont font) => G.MeasureString(text, font).Width;

        /// <summary><paramref name="font"/>, made smaller (not under 10 pt) until <paramref name="text"/> fits on one line of <paramref name="width"/>.</summary>
        public XFont Fit(string text, XFont font, double width)
        {
            var size = font.Size;
            while (size > 10 && Measure(text, font) > width)
            {
                size -= 0.5;
                font = new XFont(font.FontFamily.Name, size, font.Style);
            }

            return font;
        }

        /// <summary>A small grey line in the bottom margin of the current page.</summary>
        public void Note(string text) =>
            G.DrawString(text, Fonts.Italic9, XBrushes.Gray, new XRect(Left, _page!.Height.Point - Bottom + 8, Width, 12), XStringFormats.TopLeft);

        public void EnsureSpace(double height)
        {
            if (_page is null || Y + height > _page.Height.Point - Bottom)
            {
                NewPage();
            }
        }

        public void Rule(double x1, double x2, double y) => G.DrawLine(new XPen(XColors.Black, 0.6), Left + x1, y, Left + x2, y);

        /// <summary>Draws text wrapped and centred within a column starting at <paramref name="y"/>; returns the next y.</summary>
        public double Centered(string text, XFont font, double x, double width, double y)
        {
            var lineHeight = font.GetHeight() * 1.15;
            foreach (var line in Wrap(text, font, width))
            {
                G.DrawString(line, font, XBrushes.Black, new XRect(Left + x, y, width, lineHeight), XStringFormats.TopCenter);
                y += lineHeight;
            }

            return y;
        }

        public double Wrapped(string text, XFont font, double x, double width, double y, double indent = 0)
        {
            var lineHeight = font.GetHeight() * 1.2;
            var first = true;
            foreach (var line in Wrap(text, font, width - indent, width))
            {
                G.DrawString(line, font, XBrushes.Black, new XRect(Left + x + (first ? indent : 0), y, width, lineHeight), XStringFormats.TopLeft);
                y += lineHeight;
                first = false;
            }

            return y;
        }

        public void CenteredBlock(string text, XFont font)
        {
            EnsureSpace(font.GetHeight() * 2);
            Y = Centered(text, font, 0, Width, Y);
        }

        public void Paragraph(string text, XFont font, double indent)
        {
            var lineHeight = font.GetHeight() * 1.2;
            var first = true;
            foreach (var line in Wrap(text, font, Width - indent, Width))
            {
                EnsureSpace(lineHeight);
                G.DrawString(line, font, XBrushes.Black, new XRect(Left + (first ? indent : 0), Y, Width, lineHeight), XStringFormats.TopLeft);
                Y += lineHeight;
                first = false;
            }

            Y += 4;
        }

        public void Table(IReadOnlyList<IReadOnlyList<string>> rows)
        {
            var columns = rows.Max(r => r.Count);
            var weights = Enumerable.Range(0, columns)
                .Select(c => Math.Clamp(rows.Max(r => c < r.Count ? r[c].Length : 0), 4, 40))
                .Select(w => (double)w)
                .ToArray();
            var total = weights.Sum();
            var widths = weights.Select(w => Width * w / total).ToArray();
            const double pad = 3;
            var pen = new XPen(XColors.Black, 0.5);
            for (var ri = 0; ri < rows.Count; ri++)
            {
                var font = ri == 0 ? Fonts.Bold11 : Fonts.Regular11;
                var lineHeight = font.GetHeight() * 1.15;
                var cells = Enumerable.Range(0, columns)
                    .Select(c => Wrap(c < rows[ri].Count ? rows[ri][c] : "", font, widths[c] - 2 * pad).ToList())
                    .ToList();
                var height = cells.Max(c => Math.Max(1, c.Count)) * lineHeight + 2 * pad;
                EnsureSpace(height);
                var x = Left;
                for (var c = 0; c < columns; c++)
                {
                    G.DrawRectangle(pen, x, Y, widths[c], height);
                    var y = Y + pad;
                    foreach (var line in cells[c])
                    {
                        G.DrawString(line, font, XBrushes.Black, new XRect(x + pad, y, widths[c] - 2 * pad, lineHeight), XStringFormats.TopLeft);
                        y += lineHeight;
                    }

                    x += widths[c];
                }

                Y += height;
            }

            Y += 8;
        }

        private IEnumerable<string> Wrap(string text, XFont font, double firstWidth, double? nextWidth = null)
        {
            var width = firstWidth;
            var line = "";
            // NFD input (combining marks) would be drawn as separate marks; the fonts' precomposed letters are meant.
            text = text.Normalize(NormalizationForm.FormC);
            foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var candidate = line.Length == 0 ? word : line + " " + word;
                if (line.Length > 0 && G.MeasureString(candidate, font).Width > width)
                {
                    yield return line;
                    width = nextWidth ?? firstWidth;
                    line = word;
                }
                else
                {
                    line = candidate;
                }
            }

            if (line.Length > 0)
            {
                yield return line;
            }
        }

        public void Dispose() => _gfx?.Dispose();
    }
}
