using System.Globalization;
using Dtx.Campaign.Scoring.IndexSets;
using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Imports;
using MiniExcelLibs;

namespace Dtx.Campaign.Server.IndexSets;

/// <summary>
/// An index set as an Excel workbook, for offices that author in spreadsheets. Sheets:
/// <c>index-set</c> (field, value), <c>nodes</c> (one row per node; the tree follows the dotted codes),
/// <c>bands</c> and <c>bonus</c>. Tiers are written <c>4:20; 3:15; 2:10; 1:5</c> (at least : points).
/// </summary>
internal static class IndexSetWorkbook
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static IndexSet Read(string fileName, Stream content)
    {
        var problems = new List<FileProblem>();
        Dictionary<string, List<TabularSheetRow>> sheets;
        try
        {
            var names = content.GetSheetNames();
            sheets = names.ToDictionary(n => n, n => ReadSheet(fileName, content, n), StringComparer.OrdinalIgnoreCase);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or InvalidOperationException or FormatException)
        {
            throw new ImportRejectedException(fileName, [new FileProblem(fileName, null, "file", Reason.Of("file.not-workbook", ("why", e.Message)))]);
        }
        foreach (var required in new[] { "index-set", "nodes", "bands" }.Where(s => !sheets.ContainsKey(s)))
            problems.Add(new FileProblem(fileName, null, required, Reason.Of("index-set.missing-sheet", ("sheet", required))));
        if (problems.Count > 0)
            throw new ImportRejectedException(fileName, problems);

        var reader = new CellReader(fileName, problems);
        var fields = sheets["index-set"].ToDictionary(r => r.Get("field").ToLowerInvariant(), r => r, StringComparer.Ordinal);
        string Field(string name, bool required = true)
        {
            if (fields.TryGetValue(name, out var row) && row.Get("value").Length > 0)
                return row.Get("value");
            if (required)
                problems.Add(new FileProblem(fileName, null, $"index-set!{name}", Reason.Of("file.empty-value")));
            return "";
        }

        var nodes = sheets["nodes"].Select(r => (Row: r, Node: ReadNode(reader, r))).ToList();
        var groups = BuildTree(fileName, nodes, problems);
        var bands = sheets["bands"].Select(r => new RatingBand(r.Get("key"), new LocalizedText(r.Get("name_vi"), r.Get("name_en")),
            reader.Decimal(r, "from") ?? 0, reader.Decimal(r, "to") ?? 0)).ToList();
        var bonus = sheets.TryGetValue("bonus", out var bonusRows)
            ? bonusRows.Select(r => new BonusRule(r.Get("key"), new LocalizedText(r.Get("name_vi"), r.Get("name_en")),
                reader.Decimal(r, "points_per_item") ?? 0, reader.Decimal(r, "cap", required: false))).ToList()
            : [];

        var version = int.TryParse(Field("version"), Invariant, out var v) ? v : 0;
        var year = int.TryParse(Field("effective_year"), Invariant, out var y) ? y : 0;
        if (version <= 0) problems.Add(new FileProblem(fileName, null, "index-set!version", Reason.Of("index-set.version-not-whole")));
        if (year <= 0) problems.Add(new FileProblem(fileName, null, "index-set!effective_year", Reason.Of("index-set.year")));
        var bonusCap = Field("bonus_cap", required: false);
        decimal? cap = null;
        if (DecimalText.TryParse(bonusCap, out var parsedCap))
            cap = parsedCap;
        else if (bonusCap.Length > 0)
            problems.Add(new FileProblem(fileName, null, "index-set!bonus_cap", Reason.Of("file.not-number", ("value", bonusCap))));
        var set = new IndexSet
        {
            Key = Field("key"),
            Version = version,
            Name = new LocalizedText(Field("name_vi"), Field("name_en")),
            LegalReference = Field("legal_reference"),
            Level = Field("level"),
            EffectiveYear = year,
            IsSample = Field("sample", required: false) is "1" or "true" or "yes",
            Groups = groups,
            BonusRules = bonus,
            BonusCap = cap,
            RatingBands = bands,
            TieBreakGroups = Field("tie_break", required: false).Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        };
        if (problems.Count > 0)
            throw new ImportRejectedException(fileName, problems);
        return set;
    }

    public static void Write(IndexSet set, Stream output)
    {
        var meta = new List<Dictionary<string, object?>>
        {
            Pair("key", set.Key), Pair("version", set.Version), Pair("name_vi", set.Name.Vi), Pair("name_en", set.Name.En),
            Pair("legal_reference", set.LegalReference), Pair("level", set.Level), Pair("effective_year", set.EffectiveYear),
            Pair("sample", set.IsSample ? "yes" : "no"), Pair("bonus_cap", set.BonusCap), Pair("tie_break", string.Join("; ", set.TieBreakGroups)),
        };
        var nodes = set.AllNodes().Select(n => new Dictionary<string, object?>
        {
            ["code"] = n.Code, ["name_vi"] = n.Name.Vi, ["name_en"] = n.Name.En, ["max"] = n.MaxPoints,
            ["method"] = n.Method?.Kind,
            ["target"] = (n.Method as RatioMethod)?.Target,
            ["tiers"] = n.Method is TiersMethod t ? string.Join("; ", t.Tiers.Select(x => $"{x.AtLeast.ToString(Invariant)}:{x.Points.ToString(Invariant)}")) : null,
            ["per_item"] = (n.Method as CountMethod)?.PointsPerItem,
            ["cap"] = (n.Method as CountMethod)?.Cap,
            ["applies_to_flag"] = n.AppliesTo?.RequiresFlag,
            ["evidence"] = n.EvidenceRequirement,
            ["evidence_required"] = n.EvidenceRequired ? "yes" : "no",
            ["data_source"] = n.DataSource,
            ["verified_by"] = n.VerifyingUnit,
            ["scored"] = n.Scored ? "yes" : "no",
        }).ToList();
        var bands = set.RatingBands.Select(b => new Dictionary<string, object?>
            { ["key"] = b.Key, ["name_vi"] = b.Name.Vi, ["name_en"] = b.Name.En, ["from"] = b.FromPercent, ["to"] = b.ToPercent }).ToList();
        var bonus = set.BonusRules.Select(b => new Dictionary<string, object?>
            { ["key"] = b.Key, ["name_vi"] = b.Name.Vi, ["name_en"] = b.Name.En, ["points_per_item"] = b.PointsPerItem, ["cap"] = b.Cap }).ToList();
        var sheets = new Dictionary<string, object> { ["index-set"] = meta, ["nodes"] = nodes, ["bands"] = bands, ["bonus"] = bonus };
        output.SaveAs(sheets);
    }

    private static Dictionary<string, object?> Pair(string field, object? value) => new() { ["field"] = field, ["value"] = value };

    private sealed record TabularSheetRow(int Number, IReadOnlyDictionary<string, string> Cells)
    {
        public string Get(string column) => Cells.TryGetValue(column, out var value) ? value.Trim() : "";
    }

    private static List<TabularSheetRow> ReadSheet(string fileName, Stream content, string sheet)
    {
        var rows = new List<TabularSheetRow>();
        var number = 1;
        foreach (IDictionary<string, object?> raw in content.Query(useHeaderRow: true, sheetName: sheet))
        {
            number++;
            var cells = raw.ToDictionary(kv => TabularFile.Normalise(kv.Key), kv => Convert.ToString(kv.Value, Invariant) ?? "", StringComparer.Ordinal);
            ImportLimits.CheckRow(fileName, sheet, number, cells);
            if (cells.Values.Any(c => !string.IsNullOrWhiteSpace(c)))
                rows.Add(new TabularSheetRow(number, cells));
        }
        return rows;
    }

    private sealed class CellReader(string file, List<FileProblem> problems)
    {
        public decimal? Decimal(TabularSheetRow row, string column, bool required = true)
        {
            var text = row.Get(column);
            if (text.Length == 0)
            {
                if (required) Problem(row, column, Reason.Of("file.empty-value"));
                return null;
            }
            if (DecimalText.TryParse(text, out var value))
                return value;
            Problem(row, column, Reason.Of("file.not-number", ("value", text)));
            return null;
        }

        public void Problem(TabularSheetRow row, string column, Reason reason) => problems.Add(new FileProblem(file, row.Number, column, reason));
    }

    private static IndicatorNode ReadNode(CellReader reader, TabularSheetRow row)
    {
        var kind = row.Get("method").ToLowerInvariant();
        ScoringMethod? method = kind switch
        {
            "" => null,
            "yes-no" => new YesNoMethod(),
            "ratio" => new RatioMethod(reader.Decimal(row, "target", required: false) ?? 1m),
            "tiers" => new TiersMethod(ParseTiers(reader, row)),
            "count" => new CountMethod(reader.Decimal(row, "per_item") ?? 0, reader.Decimal(row, "cap", required: false)),
            "council" => new CouncilJudgementMethod(),
            _ => null,
        };
        if (kind.Length > 0 && method is null)
            reader.Problem(row, "method", Reason.Of("index-set.unknown-method", ("method", kind), ("methods", ScoringMethod.Kinds)));
        var flag = row.Get("applies_to_flag");
        return new IndicatorNode
        {
            Code = row.Get("code"),
            Name = new LocalizedText(row.Get("name_vi"), row.Get("name_en")),
            MaxPoints = reader.Decimal(row, "max") ?? 0,
            Method = method,
            AppliesTo = flag.Length == 0 ? null : new Applicability(flag),
            EvidenceRequirement = NullIfEmpty(row.Get("evidence")),
            EvidenceRequired = row.Get("evidence_required") is "yes" or "1" or "true",
            DataSource = NullIfEmpty(row.Get("data_source")),
            VerifyingUnit = NullIfEmpty(row.Get("verified_by")),
            Scored = row.Get("scored") is not ("no" or "0" or "false"),
            SourceLine = row.Number,
        };
    }

    private static List<Tier> ParseTiers(CellReader reader, TabularSheetRow row)
    {
        var tiers = new List<Tier>();
        foreach (var part in row.Get("tiers").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var pieces = part.Split(':', StringSplitOptions.TrimEntries);
            if (pieces.Length == 2 && DecimalText.TryParse(pieces[0], out var atLeast)
                && DecimalText.TryParse(pieces[1], out var points))
                tiers.Add(new Tier(atLeast, points));
            else
                reader.Problem(row, "tiers", Reason.Of("index-set.tier-format", ("part", part)));
        }
        if (tiers.Count == 0)
            reader.Problem(row, "tiers", Reason.Of("index-set.no-tiers"));
        return tiers;
    }

    /// <summary>Nests rows by their dotted codes: <c>1.2.a</c> goes under <c>1.2</c>, which goes under <c>1</c>.</summary>
    private static List<IndicatorNode> BuildTree(string file, List<(TabularSheetRow Row, IndicatorNode Node)> rows, List<FileProblem> problems)
    {
        var children = new Dictionary<string, List<string>>(StringComparer.Ordinal) { [""] = [] };
        var byCode = new Dictionary<string, IndicatorNode>(StringComparer.Ordinal);
        foreach (var (row, node) in rows)
        {
            if (node.Code.Length == 0) { problems.Add(new FileProblem(file, row.Number, "code", Reason.Of("file.empty-value"))); continue; }
            if (!byCode.TryAdd(node.Code, node))
            {
                problems.Add(new FileProblem(file, row.Number, "code", Reason.Of("index-set.duplicate-code", ("code", node.Code), ("first", byCode[node.Code].SourceLine))));
                continue;
            }
            var cut = node.Code.LastIndexOf('.');
            var parent = cut < 0 ? "" : node.Code[..cut];
            if (parent.Length > 0 && !byCode.ContainsKey(parent))
            {
                problems.Add(new FileProblem(file, row.Number, "code", Reason.Of("index-set.parent-missing", ("code", node.Code), ("parent", parent))));
                continue;
            }
            children.TryAdd(node.Code, []);
            children[parent].Add(node.Code);
        }
        IndicatorNode Build(string code) => byCode[code] with { Children = children[code].Select(Build).ToList() };
        return children[""].Select(Build).ToList();
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
