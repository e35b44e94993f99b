using Dtx.Campaign.Scoring.Refusals;

namespace Dtx.Campaign.Server.Evidence;

/// <summary>
/// The kinds of evidence file accepted. A file is accepted only when its name's extension and its
/// first bytes agree, so a renamed executable is not stored as a PDF. Served back with the type here,
/// never with one the uploader claimed.
/// </summary>
internal sealed record EvidenceFileType(string Extension, string ContentType, byte[] Magic)
{
    private static readonly byte[] Zip = "PK\u0003\u0004"u8.ToArray();

    public static readonly IReadOnlyList<EvidenceFileType> Accepted =
    [
        new(".pdf", "application/pdf", "%PDF-"u8.ToArray()),
        new(".png", "image/png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
        new(".jpg", "image/jpeg", [0xFF, 0xD8, 0xFF]),
        new(".jpeg", "image/jpeg", [0xFF, 0xD8, 0xFF]),
        new(".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", Zip),
        new(".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Zip),
        new(".pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", Zip),
    ];

    public static string AcceptedList => string.Join(", ", Accepted.Select(t => t.Extension));

    /// <summary>The accepted type for a file name and its first bytes, or a reason for refusing it.</summary>
    public static (EvidenceFileType? Type, Reason? Refusal) Detect(string fileName, ReadOnlySpan<byte> head)
    {
        var extension = Path.GetExtension(fileName).ToLowerInvariant();
        var type = Accepted.FirstOrDefault(t => t.Extension == extension);
        if (type is null)
            return (null, Reason.Of("evidence.type-not-accepted", ("type", extension.Length == 0 ? new Label("evidence.no-extension") : extension), ("accepted", AcceptedList)));
        if (!head.StartsWith(type.Magic))
            return (null, Reason.Of("evidence.content-mismatch", ("file", fileName), ("type", extension)));
        return (type, null);
    }

    /// <summary>
    /// Whether the whole content has the structure of its type, beyond the first bytes: a PDF ends with its
    /// cross-reference trailer and <c>%%EOF</c>, an OOXML file is a package with <c>[Content_Types].xml</c> and its
    /// main part (within the import zip limits), a PNG starts with its IHDR chunk, a JPEG with a marker segment.
    /// </summary>
    public Reason? StructureProblem(Stream content, string fileName)
    {
        content.Position = 0;
        try
        {
            switch (Extension)
            {
                case ".pdf":
                    return PdfStructureProblem(content, fileName);
                case ".png":
                    var png = new byte[16];
                    return content.ReadAtLeast(png, 16, throwOnEndOfStream: false) == 16 && png.AsSpan(12, 4).SequenceEqual("IHDR"u8)
                        ? null : Reason.Of("evidence.png-no-header", ("file", fileName));
                case ".jpg" or ".jpeg":
                    var jpeg = new byte[4];
                    return content.ReadAtLeast(jpeg, 4, throwOnEndOfStream: false) == 4 && jpeg[3] >= 0xC0 && jpeg[3] != 0xFF
                        ? null : Reason.Of("evidence.jpeg-no-marker", ("file", fileName));
                default:
                    if (Imports.ImportLimits.ZipProblem(content) is { } limit)
                        return Reason.Of("evidence.zip-limit", ("file", fileName), ("problem", limit), (FileLimit.Parameter, FileLimit.NameOf(limit)));
                    content.Position = 0;
                    using (var zip = new System.IO.Compression.ZipArchive(content, System.IO.Compression.ZipArchiveMode.Read, leaveOpen: true))
                    {
                        var main = Extension switch { ".docx" => "word/document.xml", ".xlsx" => "xl/workbook.xml", _ => "ppt/presentation.xml" };
                        if (zip.GetEntry("[Content_Types].xml") is null || zip.GetEntry(main) is null)
                            return Reason.Of("evidence.not-office", ("file", fileName), ("entry", main));
                    }
                    return null;
            }
        }
        catch (InvalidDataException)
        {
            return Reason.Of("evidence.unreadable", ("file", fileName), ("type", Extension));
        }
        finally
        {
            content.Position = 0;
        }
    }

    /// <summary>
    /// A PDF ends with "startxref", an offset and "%%EOF" (incremental updates included), and names its document
    /// catalog (<c>/Root n g R</c>) in its trailer or cross-reference stream. Looked for at the end, at the
    /// offset the trailer gives, and at the start (a linearized file's first trailer), so a large file is not read
    /// whole; "%PDF-" followed by any other content has neither. Not a full parse: a PDF parser recurses on nested
    /// objects, which a hostile file would exploit.
    /// </summary>
    private static Reason? PdfStructureProblem(Stream content, string fileName)
    {
        const int Window = 64 * 1024;
        var tail = ReadLatin1(content, Math.Max(0, content.Length - Window), Window);
        var ending = tail.LastIndexOf("%%EOF", StringComparison.Ordinal);
        if (ending < 0 || (tail.LastIndexOf("startxref", ending, StringComparison.Ordinal) < 0 && tail.LastIndexOf("trailer", ending, StringComparison.Ordinal) < 0))
            return Reason.Of("evidence.pdf-no-trailer", ("file", fileName));
        if (CatalogReference.IsMatch(tail) || CatalogReference.IsMatch(ReadLatin1(content, 0, Window)))
            return null;
        var offset = StartXref.Match(tail);
        return offset.Success && long.TryParse(offset.Groups[1].ValueSpan, out var at) && at >= 0 && at < content.Length
            && CatalogReference.IsMatch(ReadLatin1(content, at, 4096))
            ? null : Reason.Of("evidence.pdf-no-catalog", ("file", fileName));
    }

    private static readonly System.Text.RegularExpressions.Regex CatalogReference =
        new(@"/Root\s*\d+\s+\d+\s+R", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    private static readonly System.Text.RegularExpressions.Regex StartXref =
        new(@"startxref\s+(\d{1,15})\s+%%EOF\s*$", System.Text.RegularExpressions.RegexOptions.CultureInvariant | System.Text.RegularExpressions.RegexOptions.RightToLeft);

    private static string ReadLatin1(Stream content, long from, int count)
    {
        content.Position = from;
        var buffer = new byte[(int)Math.Min(count, content.Length - from)];
        var read = content.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        return System.Text.Encoding.Latin1.GetString(buffer, 0, read);
    }

    /// <summary>
    /// The name to store and show: no folders, no control characters and no bidirectional overrides, which make
    /// "gpj.exe" look like "exe.jpg" in a list.
    /// </summary>
    public static string CleanFileName(string fileName)
    {
        var name = Path.GetFileName(fileName.Replace('\\', '/'));
        var clean = new string(name.Where(c => !char.IsControl(c) && !IsBidiControl(c)).ToArray()).Trim();
        return clean.Length == 0 ? "file" : clean;
    }

    private static bool IsBidiControl(char c) =>
        c is '\u200E' or '\u200F' or '\u061C' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');
}
