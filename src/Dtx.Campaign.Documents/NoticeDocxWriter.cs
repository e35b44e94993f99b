using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Wordprocessing;

namespace Dtx.Campaign.Documents;

/// <summary>The notice as an editable Word document for the office that signs it (Times New Roman, A4, Decree 30 layout).</summary>
public static class NoticeDocxWriter
{
    private const string Font = "Times New Roman";

    /// <summary>Writes <paramref name="notice"/> with the wording of <paramref name="rendered"/> to DOCX bytes.</summary>
    public static byte[] Write(Notice notice, RenderedNotice rendered, string lang = "vi")
    {
        ArgumentNullException.ThrowIfNull(notice);
        ArgumentNullException.ThrowIfNull(rendered);
        var en = DocFormat.IsEnglish(lang);
        var content = NoticeContent.FromHtml(rendered.Html);

        using var stream = new MemoryStream();
        using (var doc = WordprocessingDocument.Create(stream, WordprocessingDocumentType.Document))
        {
            var main = doc.AddMainDocumentPart();
            var body = new Body();
            main.Document = new Document(body);
            doc.PackageProperties.Title = $"{content.Title} {notice.Number}";
            doc.PackageProperties.Subject = content.Subject;
            doc.PackageProperties.Creator = notice.Authority.Name;

            body.Append(TwoColumns(
                [
                    Para(notice.Authority.ParentName, 26, JustificationValues.Center),
                    Para(notice.Authority.Name, 26, JustificationValues.Center, bold: true, underline: true),
                    Para((en ? "No. " : "Số: ") + notice.Number, 26, JustificationValues.Center),
                ],
                [
                    Para(en ? "SOCIALIST REPUBLIC OF VIET NAM" : "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", 26, JustificationValues.Center, bold: true),
                    Para(en ? "Independence - Freedom - Happiness" : "Độc lập - Tự do - Hạnh phúc", 28, JustificationValues.Center, bold: true, underline: true),
                    Para(DocFormat.PlaceAndDate(notice.Authority.Place, notice.IssuedAt, notice.TimeZoneId, lang), 28, JustificationValues.Center, italic: true),
                ],
                42));

            body.Append(Para("", 28, JustificationValues.Center));
            body.Append(Para(content.Title, 28, JustificationValues.Center, bold: true));
            body.Append(Para(content.Subject, 28, JustificationValues.Center, bold: true));
            body.Append(Para("", 28, JustificationValues.Center));

            foreach (var block in content.Blocks)
            {
                switch (block)
                {
                    case ParagraphBlock p:
                        body.Append(Para(p.Text, 28, JustificationValues.Both, firstLineIndent: true));
                        break;
                    case TableBlock t:
                        body.Append(Grid(t.Rows));
                        body.Append(Para("", 20, JustificationValues.Left));
                        break;
                }
            }

            var recipients = new List<Paragraph> { Para(en ? "Recipients:" : "Nơi nhận:", 24, JustificationValues.Left, bold: true, italic: true) };
            recipients.AddRange(notice.Recipients.Select(r => Para("- " + r, 22, JustificationValues.Left)));
            body.Append(TwoColumns(
                recipients,
                [
                    Para(notice.Signer.Capacity, 28, JustificationValues.Center, bold: true),
                    Para(notice.Signer.Title, 28, JustificationValues.Center, bold: true),
                    Para("", 28, JustificationValues.Center), Para("", 28, JustificationValues.Center), Para("", 28, JustificationValues.Center),
                    Para(notice.Signer.Name, 28, JustificationValues.Center, bold: true),
                ],
                45));

            // A4, margins per Decree 30: top/bottom 20 mm, left 30 mm, right 15 mm (1 mm = 56.7 twips).
            body.Append(new SectionProperties(
                new PageSize { Width = 11906U, Height = 16838U },
                new PageMargin { Top = 1134, Bottom = 1134, Left = 1701U, Right = 850U, Header = 709U, Footer = 709U, Gutter = 0U }));
            main.Document.Save();
        }

        return stream.ToArray();
    }

    private static Paragraph Para(string text, int halfPoints, JustificationValues align, bool bold = false, bool italic = false, bool underline = false, bool firstLineIndent = false)
    {
        var runProps = new RunProperties(new RunFonts { Ascii = Font, HighAnsi = Font, ComplexScript = Font, EastAsia = Font });
        if (bold)
        {
            runProps.Append(new Bold());
        }

        if (italic)
        {
            runProps.Append(new Italic());
        }

        if (underline)
        {
            runProps.Append(new Underline { Val = UnderlineValues.Single });
        }

        runProps.Append(new FontSize { Val = halfPoints.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        var paraProps = new ParagraphProperties(new SpacingBetweenLines { Before = "0", After = "60" }, new Justification { Val = align });
        if (firstLineIndent)
        {
            paraProps.Append(new Indentation { FirstLine = "567" });
        }

        return new Paragraph(paraProps, new Run(runProps, new Text(text.Normalize(System.Text.NormalizationForm.FormC)) { Space = SpaceProcessingModeValues.Preserve }));
    }

    private static Table TwoColumns(IEnumerable<Paragraph> left, IEnumerable<Paragraph> right, int leftPercent)
    {
        var table = new Table(new TableProperties(
            new TableWidth { Width = "5000", Type = TableWidthUnitValues.Pct },
            new TableBorders(new TopBorder { Val = BorderValues.None }, new BottomBorder { Val = BorderValues.None },
                new LeftBorder { Val = BorderValues.None }, new RightBorder { Val = BorderValues.None },
                new InsideHorizontalBorder { Val = BorderValues.None }, new InsideVerticalBorder { Val = BorderValues.None })));
        var row = new TableRow();
        row.Append(Cell(left, leftPercent * 50), Cell(right, (100 - leftPercent) * 50));
        table.Append(row);
        return table;
    }

    private static TableCell Cell(IEnumerable<Paragraph> paragraphs, int fiftiethsPercent)
    {
        var cell = new TableCell(new TableCellProperties(new TableCellWidth { Width = fiftiethsPercent.ToString(System.Globalization.CultureInfo.InvariantCulture), Type = TableWidthUnitValues.Pct }));
        var any = false;
        foreach (var p in paragraphs)
        {
            cell.Append(p);
            any = true;
        }

        if (!any)
        {
            cell.Append(new Paragraph());
        }

        return cell;
    }

    private static Table Grid(IReadOnlyList<IReadOnlyList<string>> rows)
    {
        static BorderType Line<T>() where T : BorderType, new() => new T { Val = BorderValues.Single, Size = 4U };
        var table = new Table(new TableProperties(
            new TableWidth { Width = "5000", Type = TableWidthUnitValues.Pct },
            new TableBorders(Line<TopBorder>(), Line<BottomBorder>(), Line<LeftBorder>(), Line<RightBorder>(),
                Line<InsideHorizontalBorder>(), Line<InsideVerticalBorder>())));
        for (var i = 0; i < rows.Count; i++)
        {
            var row = new TableRow();
            foreach (var text in rows[i])
            {
                row.Append(new TableCell(Para(text, 24, JustificationValues.Left, bold: i == 0)));
            }

            table.Append(row);
        }

        return table;
    }
}
