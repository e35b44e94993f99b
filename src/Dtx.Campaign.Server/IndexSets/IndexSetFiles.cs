using Dtx.Campaign.Scoring.IndexSets;
using Dtx.Campaign.Server.Imports;

namespace Dtx.Campaign.Server.IndexSets;

/// <summary>Turns an index-set file (YAML, or an Excel sheet with one row per node) into a validated <see cref="IndexSet"/>.</summary>
internal sealed class IndexSetFiles
{
    /// <summary>Reads and validates; throws <see cref="ImportRejectedException"/> listing every problem with its line.</summary>
    public Task<IndexSet> ReadAsync(string fileName, Stream content, CancellationToken ct)
    {
        _ = content;
        _ = ct;
        // Wired to the Scoring reader and validator when they land.
        throw new ImportRejectedException(fileName, [new FileProblem(fileName, null, "file", "index-set reading is not available yet")]);
    }
}
