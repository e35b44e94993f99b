using System.Text;
using Dtx.Campaign.Scoring.IndexSets;
using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Imports;

namespace Dtx.Campaign.Server.IndexSets;

/// <summary>Turns an index-set file (YAML, or an Excel workbook with one row per node) into a validated <see cref="IndexSet"/>.</summary>
internal sealed class IndexSetFiles(UnitCategoryCatalog categories)
{
    private static readonly string[] Types = [".yaml", ".yml", ".xlsx"];

    /// <summary>Reads and validates; throws <see cref="ImportRejectedException"/> listing every problem with its line.</summary>
    public async Task<IndexSet> ReadAsync(string fileName, Stream content, CancellationToken ct)
    {
        // Buffered: the workbook reader reads the stream once per sheet, and index sets are small.
        using var buffer = await ImportLimits.BufferAsync(fileName, content, ct);

        IndexSet set;
        if (fileName.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase))
        {
            ImportLimits.CheckZip(fileName, buffer);
            set = IndexSetWorkbook.Read(fileName, buffer);
        }
        else if (fileName.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || fileName.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
        {
            var result = IndexSetYamlReader.Read(Encoding.UTF8.GetString(buffer.ToArray()));
            if (result.Set is null)
                throw new ImportRejectedException(fileName, result.Problems.Select(p => FileProblem.Of(fileName, p)).ToList());
            set = result.Set;
        }
        else
        {
            throw new ImportRejectedException(fileName, [new FileProblem(fileName, null, "file", Reason.Of("file.unsupported-type", ("types", Types)))]);
        }

        var problems = IndexSetValidator.Validate(set, categories);
        if (problems.Count > 0)
            throw new ImportRejectedException(fileName, problems.Select(p => FileProblem.Of(fileName, p)).ToList());
        return set;
    }
}
