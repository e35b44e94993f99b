using System.IO.Compression;
using Dtx.Campaign.Scoring.Refusals;

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
                throw Refused(fileName, "file", Reason.Of("file.too-large", ("max", MaxFileBytes), Named("size")));
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
            throw Refused(fileName, "file", p);
    }

    /// <summary>The first zip limit broken, or null; also null when the stream is not a zip (the parser then says so).</summary>
    public static Reason? ZipProblem(Stream content)
    {
        try
        {
            using var zip = new ZipArchive(content, ZipArchiveMode.Read, leaveOpen: true);
            if (zip.Entries.Count > MaxZipEntries)
                return Reason.Of("file.zip-entries", ("count", zip.Entries.Count), ("max", MaxZipEntries), Named("zip-entries"));
            long total = 0;
            foreach (var entry in zip.Entries)
            {
                total += entry.Length;
                if (entry.Length > MaxZipEntryBytes)
                    return Reason.Of("file.zip-entry-size", ("entry", entry.FullName), ("size", entry.Length), ("max", MaxZipEntryBytes), Named("zip-entry-size"));
                if (entry.Length > 1024 * 1024 && entry.Length > MaxCompressionRatio * Math.Max(1, entry.CompressedLength))
                    return Reason.Of("file.zip-ratio", ("entry", entry.FullName), ("max", MaxCompressionRatio), ("compressed", entry.CompressedLength), ("size", entry.Length), Named("zip-ratio"));
                if (total > MaxZipTotalBytes)
                    return Reason.Of("file.zip-total-size", ("max", MaxZipTotalBytes), Named("zip-total-size"));
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
            throw TooManyRows(fileName, where + "row", number);
        if (cells.Count > MaxColumns)
            throw TooManyColumns(fileName, where + "row", number);
        foreach (var (column, value) in cells)
        {
            if (value.Length > MaxCellLength)
                throw Refused(fileName, where + column, Reason.Of("file.cell-too-long", ("length", value.Length), ("max", MaxCellLength), Named("cell-length")), number);
            // A NUL cannot be stored in PostgreSQL text; a bidirectional override makes a name read backwards.
            if (value.AsSpan().IndexOfAny(ForbiddenCharacters) >= 0)
                throw new ImportRejectedException(fileName, [new FileProblem(fileName, number, where + column, Reason.Of("file.hostile-character"))]);
        }
    }

    public static ImportRejectedException TooManyRows(string fileName, string field, int row) =>
        Refused(fileName, field, Reason.Of("file.too-many-rows", ("max", MaxRows), Named("rows")), row);

    public static ImportRejectedException TooManyColumns(string fileName, string field, int row) =>
        Refused(fileName, field, Reason.Of("file.too-many-columns", ("max", MaxColumns), Named("columns")), row);

    public static ImportRejectedException FieldTooLong(string fileName, int? row) =>
        Refused(fileName, "file", Reason.Of("file.field-too-long", ("max", MaxCellLength), Named("cell-length")), row);

    /// <summary>The request body limit of an import endpoint: one file plus the multipart envelope.</summary>
    public static TBuilder LimitImportBody<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(MaxFileBytes + 64 * 1024))
            .WithFormOptions(multipartBodyLengthLimit: MaxFileBytes + 64 * 1024);

    /// <summary>A file refused for the limit its reason names (<see cref="FileLimit"/>).</summary>
    private static ImportRejectedException Refused(string fileName, string field, Reason reason, int? line = null) =>
        new(fileName, [new FileProblem(fileName, line, field, reason)]);

    // The limit's name, as the reason's parameter that clients read.
    private static (string, object?) Named(string limit) => (FileLimit.Parameter, limit);
}
