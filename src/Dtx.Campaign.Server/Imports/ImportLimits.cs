using System.IO.Compression;

namespace Dtx.Campaign.Server.Imports;

/// <summary>
/// Limits on imported files (index sets, units), checked before a parser spends memory on them:
/// a 1 MB workbook can unpack to a 1 GiB cell. The zip limits are read from the central directory,
/// which lists every entry's sizes without unpacking anything.
/// </summary>
internal static class ImportLimits
{
    /// <summary>Bytes of one uploaded file (also the request body limit of the import endpoints, plus the multipart overhead).</summary>
    public const long MaxFileBytes = 10 * 1024 * 1024;

    public const int MaxZipEntries = 500;
    public const long MaxZipEntryBytes = 20 * 1024 * 1024;
    public const long MaxZipTotalBytes = 50 * 1024 * 1024;

    /// <summary>Uncompressed ÷ compressed size of one entry; real sheets stay well under 50.</summary>
    public const long MaxCompressionRatio = 100;

    /// <summary>Rows of a sheet or CSV file, header included.</summary>
    public const int MaxRows = 20_000;

    public const int MaxColumns = 100;

    /// <summary>Characters in one cell: Excel's own limit.</summary>
    public const int MaxCellLength = 32_767;

    /// <summary>Refuses a file longer than <see cref="MaxFileBytes"/>, reading at most one byte past it.</summary>
    public static async Task<MemoryStream> BufferAsync(string fileName, Stream content, CancellationToken ct)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await content.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxFileBytes)
                throw Refused(fileName, "file", "size", $"Tệp lớn hơn {MaxFileBytes} byte / the file is larger than {MaxFileBytes} bytes");
        }
        buffer.Position = 0;
        return buffer;
    }

    /// <summary>Checks an OOXML (xlsx, docx) package's central directory; the stream is left at its start.</summary>
    public static void CheckZip(string fileName, Stream content)
    {
        var problem = ZipProblem(content);
        content.Position = 0;
        if (problem is { } p)
            throw Refused(fileName, "file", p.Limit, p.Message);
    }

    /// <summary>The first zip limit broken, or null; also null when the stream is not a zip (the parser then says so).</summary>
    public static (string Limit, string Message)? ZipProblem(Stream content)
    {
        try
        {
            using var zip = new ZipArchive(content, ZipArchiveMode.Read, leaveOpen: true);
            if (zip.Entries.Count > MaxZipEntries)
                return ("zip-entries", $"Gói có {zip.Entries.Count} mục, tối đa {MaxZipEntries} / the package has {zip.Entries.Count} entries, the limit is {MaxZipEntries}");
            long total = 0;
            foreach (var entry in zip.Entries)
            {
                total += entry.Length;
                if (entry.Length > MaxZipEntryBytes)
                    return ("zip-entry-size", $"Mục {entry.FullName} giải nén ra {entry.Length} byte, tối đa {MaxZipEntryBytes} / entry {entry.FullName} unpacks to {entry.Length} bytes, the limit is {MaxZipEntryBytes}");
                if (entry.Length > 1024 * 1024 && entry.Length > MaxCompressionRatio * Math.Max(1, entry.CompressedLength))
                    return ("zip-ratio", $"Mục {entry.FullName} nén hơn {MaxCompressionRatio} lần / entry {entry.FullName} is compressed more than {MaxCompressionRatio} times ({entry.CompressedLength} → {entry.Length} bytes)");
                if (total > MaxZipTotalBytes)
                    return ("zip-total-size", $"Gói giải nén ra hơn {MaxZipTotalBytes} byte / the package unpacks to more than {MaxZipTotalBytes} bytes");
            }
            return null;
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    private static readonly System.Buffers.SearchValues<char> ForbiddenCharacters = System.Buffers.SearchValues.Create(
        "\u0000\u0001\u0002\u0003\u0004\u0005\u0006\u0007\u0008\u000B\u000C\u000E\u000F\u0010\u0011\u0012\u0013\u0014\u0015\u0016\u0017\u0018\u0019\u001A\u001B\u001C\u001D\u001E\u001F\u200E\u200F\u061C\u202A\u202B\u202C\u202D\u202E\u2066\u2067\u2068\u2069");

    /// <summary>Refuses a row past <see cref="MaxRows"/>, with more than <see cref="MaxColumns"/> cells, or with a cell longer than <see cref="MaxCellLength"/>.</summary>
    public static void CheckRow(string fileName, string? sheet, int number, IReadOnlyDictionary<string, string> cells)
    {
        var where = sheet is null ? "" : $"{sheet}!";
        if (number > MaxRows)
            throw Refused(fileName, $"{where}row {number}", "rows", $"Quá {MaxRows} dòng / more than {MaxRows} rows", number);
        if (cells.Count > MaxColumns)
            throw Refused(fileName, $"{where}row {number}", "columns", $"Quá {MaxColumns} cột / more than {MaxColumns} columns", number);
        foreach (var (column, value) in cells)
        {
            if (value.Length > MaxCellLength)
                throw Refused(fileName, where + column, "cell-length", $"Ô dài {value.Length} ký tự, tối đa {MaxCellLength} / the cell has {value.Length} characters, the limit is {MaxCellLength}", number);
            // A NUL cannot be stored in PostgreSQL text; a bidirectional override makes a name read backwards.
            if (value.AsSpan().IndexOfAny(ForbiddenCharacters) >= 0)
                throw new ImportRejectedException(fileName, [new FileProblem(fileName, number, where + column,
                    "Ô chứa ký tự điều khiển hoặc ký tự đảo chiều (bidi) / the cell contains a control or bidirectional-override character: remove it")]);
        }
    }

    /// <summary>The limit's name in a message ending "(limit: NAME)", as every limit message here does.</summary>
    public static string NameIn(string message)
    {
        var at = message.LastIndexOf("(limit: ", StringComparison.Ordinal);
        return at < 0 ? "limit" : message[(at + 8)..].TrimEnd(')');
    }

    /// <summary>The request body limit of an import endpoint: one file plus the multipart envelope.</summary>
    public static TBuilder LimitImportBody<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(MaxFileBytes + 64 * 1024))
            .WithFormOptions(multipartBodyLengthLimit: MaxFileBytes + 64 * 1024);

    public static ImportRejectedException Refused(string fileName, string field, string limit, string message, int? line = null) =>
        new(fileName, [new FileProblem(fileName, line, field, $"{message} (limit: {limit})")], limit);
}
