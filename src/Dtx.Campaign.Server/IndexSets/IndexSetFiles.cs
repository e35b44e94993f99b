using Dtx.Campaign.Scoring.IndexSets;
using Dtx.Campaign.Server.Imports;

namespace Dtx.Campaign.Server.IndexSets;

/// <summary>Turns an index-set file (YAML, or an Excel sheet with one row per node) into a validated <see cref="IndexSet"/>.</summary>
internal sealed class IndexSetFiles
{
    /// <summary>Reads and validates; throws <see cref="ImportRejectedException"/> listing every problem with its line.</summary>
    public async Task<IndexSet> ReadAsync(string fileName, Stream content, CancellationToken ct)
    {
        // Buffered: the workbook reader reads the stream once per sheet, and uploads are small.
        var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, ct);
        buffer.Position = 0;
        if (fileName.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase))
            return IndexSetWorkbook.Read(fileName, buffer);
        // YAML is wired to the Scoring reader and validator when they land.
        throw new ImportRejectedException(fileName, [new FileProblem(fileName, null, "file", "unsupported file type: use .yaml, .yml or .xlsx")]);
    }
}
