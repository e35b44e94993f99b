using System.Globalization;
using CsvHelper;
using CsvHelper.Configuration;
using Dtx.Campaign.Scoring.Refusals;
using MiniExcelLibs;

namespace Dtx.Campaign.Server.Imports;

/// <summary>
/// Rows of a CSV or Excel sheet as dictionaries keyed by normalised header, each with its row number
/// as a person sees it in a spreadsheet (the header is row 1).
/// </summary>
internal static class TabularFile
{
    public sealed record Row(int Number, IReadOnlyDictionary<string, string> Cells)
    {
        public string Get(string column) => Cells.TryGetValue(column, out var value) ? value.Trim() : "";
    }

    private static readonly string[] Types = [".csv (UTF-8)", ".xlsx"];

    public static bool IsExcel(string fileName) =>
        fileName.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase);

    public static bool IsCsv(string fileName) =>
        fileName.EndsWith(".csv", StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads every row; a file that cannot be read at all yields a single problem.</summary>
    public static (IReadOnlyList<Row> Rows, FileProblem? Problem) Read(string fileName, Stream content)
    {
        try
        {
            if (IsExcel(fileName))
            {
                ImportLimits.CheckZip(fileName, content);
                return (ReadExcel(fileName, content), null);
            }
            if (IsCsv(fileName))
                return (ReadCsv(fileName, content), null);
            return ([], new FileProblem(fileName, null, "file", Reason.Of("file.unsupported-type", ("types", Types))));
        }
        catch (MaxFieldSizeException e)
        {
            throw ImportLimits.FieldTooLong(fileName, e.Context?.Parser?.Row);
        }
        catch (Exception e) when (e is CsvHelperException or InvalidDataException or IOException or FormatException or InvalidOperationException)
        {
            return ([], new FileProblem(fileName, null, "file", Reason.Of("file.unreadable", ("why", e.Message))));
        }
    }

    public static string Normalise(string header) =>
        header.Trim().ToLowerInvariant().Replace(' ', '_').Replace('-', '_');

    private static List<Row> ReadCsv(string fileName, Stream content)
    {
        using var reader = new StreamReader(content, leaveOpen: true);
        var config = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            DetectDelimiter = true,
            PrepareHeaderForMatch = a => Normalise(a.Header),
            BadDataFound = null,
            // Stops CsvHelper from buffering an endless quoted field.
            MaxFieldSize = ImportLimits.MaxCellLength,
        };
        using var csv = new CsvReader(reader, config);
        var rows = new List<Row>();
        if (!csv.Read() || !csv.ReadHeader())
            return rows;
        var headers = csv.HeaderRecord!.Select(Normalise).ToArray();
        if (headers.Length > ImportLimits.MaxColumns)
            throw ImportLimits.TooManyColumns(fileName, "row", 1);
        var misaligned = new List<FileProblem>();
        while (csv.Read())
        {
            if (csv.Parser.Row > ImportLimits.MaxRows)
                throw ImportLimits.TooManyRows(fileName, "row", csv.Parser.Row);
            // A value with an unquoted comma shifts every later column: such a row is refused rather than read askew.
            if (csv.Parser.Count != headers.Length)
            {
                misaligned.Add(new FileProblem(fileName, csv.Parser.Row, "row",
                    Reason.Of("file.row-misaligned", ("cells", csv.Parser.Count), ("headers", headers.Length))));
                continue;
            }
            var cells = new Dictionary<string, string>(StringComparer.Ordinal);
            for (var i = 0; i < headers.Length; i++)
                cells[headers[i]] = csv.GetField(i) ?? "";
            ImportLimits.CheckRow(fileName, null, csv.Parser.Row, cells);
            // CsvHelper counts the header as row 1, as a spreadsheet does.
            rows.Add(new Row(csv.Parser.Row, cells));
        }
        if (misaligned.Count > 0)
            throw new ImportRejectedException(fileName, misaligned);
        return rows;
    }

    private static List<Row> ReadExcel(string fileName, Stream content)
    {
        var rows = new List<Row>();
        var number = 1;
        foreach (IDictionary<string, object?> raw in content.Query(useHeaderRow: true))
        {
            number++;
            var cells = raw.ToDictionary(
                kv => Normalise(kv.Key),
                kv => Convert.ToString(kv.Value, CultureInfo.InvariantCulture) ?? "",
                StringComparer.Ordinal);
            ImportLimits.CheckRow(fileName, null, number, cells);
            if (cells.Values.All(string.IsNullOrWhiteSpace))
                continue;
            rows.Add(new Row(number, cells));
        }
        return rows;
    }
}
