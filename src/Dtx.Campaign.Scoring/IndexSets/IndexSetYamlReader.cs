using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Yaml;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Dtx.Campaign.Scoring.IndexSets;

/// <summary>The outcome of reading a file: a set, or the problems that prevent one (never both).</summary>
public sealed record IndexSetReadResult(IndexSet? Set, IReadOnlyList<IndexSetProblem> Problems);

/// <summary>
/// Reads the YAML form of an index set (see docs/index-set-format.md). Reads the whole file and reports
/// every problem it finds, each with its line and field path, rather than stopping at the first.
/// </summary>
public static class IndexSetYamlReader
{
    /// <summary>The field of a problem that is a broken size, depth or node-count limit rather than a content mistake (its name: <see cref="IndexSetProblem.Limit"/>).</summary>
    public const string LimitField = "(limit)";

    public static IndexSetReadResult Read(string yaml)
    {
        // Checked before loading: the loader itself recurses and expands aliases.
        if (YamlLimits.Check(yaml) is { } breach)
            return new IndexSetReadResult(null, [new IndexSetProblem(breach.Line, LimitField, LimitReason(breach))]);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlException e)
        {
            return new IndexSetReadResult(null, [new IndexSetProblem((int)e.Start.Line, "(yaml)", Reason.Of("yaml.syntax", ("why", e.InnerException?.Message ?? e.Message)))]);
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
            return new IndexSetReadResult(null, [new IndexSetProblem(1, "(file)", Reason.Of("yaml.expected-mapping", ("shape", "{key, version, name, groups, …}")))]);

        var reader = new Reader();
        var set = reader.ReadSet(root);
        return reader.Problems.Count > 0 ? new IndexSetReadResult(null, reader.Problems) : new IndexSetReadResult(set, []);
    }

    private static Reason LimitReason(YamlLimitBreach breach)
    {
        var limit = (FileLimit.Parameter, (object?)breach.Limit);
        return breach.Limit switch
        {
            "size" => Reason.Of("yaml.too-large", ("length", breach.Actual), ("max", breach.Max), limit),
            "depth" => Reason.Of("yaml.too-deep", ("max", breach.Max), limit),
            _ => Reason.Of("yaml.too-many-nodes", ("max", breach.Max), limit),
        };
    }

    private sealed class Reader
    {
        public List<IndexSetProblem> Problems { get; } = [];

        private void Problem(YamlNode node, string path, Reason reason) => Problems.Add(new IndexSetProblem((int)node.Start.Line, path, reason));

        private void NotMapping(YamlNode node, string path, string shape) => Problem(node, path, Reason.Of("yaml.expected-mapping", ("shape", shape)));

        public IndexSet ReadSet(YamlMappingNode root)
        {
            var m = Map(root, "", ["key", "version", "name", "legal-reference", "level", "effective-year", "sample", "bonus-cap", "tie-break", "rating-bands", "bonus-rules", "groups"]);
            return new IndexSet
            {
                Key = String(root, m, "key", "", required: true) ?? "",
                Version = (int)(Number(root, m, "version", "", required: true, whole: true) ?? 0),
                Name = Name(root, m, "") ?? new LocalizedText("", ""),
                LegalReference = String(root, m, "legal-reference", "", required: true) ?? "",
                Level = String(root, m, "level", "", required: true) ?? "",
                EffectiveYear = (int)(Number(root, m, "effective-year", "", required: true, whole: true) ?? 0),
                IsSample = Bool(m, "sample", "") ?? false,
                BonusCap = Number(root, m, "bonus-cap", "", required: false),
                TieBreakGroups = List(m, "tie-break", "").Select((n, i) => Scalar(n, $"tie-break[{i}]")).OfType<string>().ToList(),
                RatingBands = List(m, "rating-bands", "").Select((n, i) => Band(n, $"rating-bands[{i}]")).OfType<RatingBand>().ToList(),
                BonusRules = List(m, "bonus-rules", "").Select((n, i) => Bonus(n, $"bonus-rules[{i}]")).OfType<BonusRule>().ToList(),
                Groups = RequiredList(root, m, "groups", "").Select((n, i) => Node(n, $"groups[{i}]")).OfType<IndicatorNode>().ToList(),
            };
        }

        private IndicatorNode? Node(YamlNode node, string path)
        {
            if (node is not YamlMappingNode map)
            {
                NotMapping(node, path, "{code, name, max, …}");
                return null;
            }
            // The code goes into every field path below it, so a person finds the node by its code.
            var rawCode = map.Children.TryGetValue(new YamlScalarNode("code"), out var codeNode) ? (codeNode as YamlScalarNode)?.Value : null;
            var at = $"{path}({rawCode})";
            var m = Map(map, at, ["code", "name", "max", "method", "children", "applies-to", "evidence", "evidence-required", "data-source", "verified-by", "scored"]);
            var code = String(map, m, "code", path, required: true) ?? "";
            ScoringMethod? method = null;
            if (m.TryGetValue("method", out var methodNode))
                method = Method(methodNode, $"{at}.method");
            Applicability? applies = null;
            if (m.TryGetValue("applies-to", out var appliesNode) && appliesNode is YamlMappingNode appliesMap)
            {
                var a = Map(appliesMap, $"{at}.applies-to", ["flag"]);
                applies = String(appliesMap, a, "flag", $"{at}.applies-to", required: true) is { } flag ? new Applicability(flag) : null;
            }
            else if (appliesNode is not null)
            {
                NotMapping(appliesNode, $"{at}.applies-to", "{flag: digital-economy}");
            }
            return new IndicatorNode
            {
                Code = code,
                Name = Name(map, m, at) ?? new LocalizedText("", ""),
                MaxPoints = Number(map, m, "max", at, required: true) ?? 0,
                Method = method,
                Children = List(m, "children", at).Select((n, i) => Node(n, $"{at}.children[{i}]")).OfType<IndicatorNode>().ToList(),
                AppliesTo = applies,
                EvidenceRequirement = String(map, m, "evidence", at, required: false),
                EvidenceRequired = Bool(m, "evidence-required", at) ?? false,
                DataSource = String(map, m, "data-source", at, required: false),
                VerifyingUnit = String(map, m, "verified-by", at, required: false),
                Scored = Bool(m, "scored", at) ?? true,
                SourceLine = (int)map.Start.Line,
            };
        }

        private ScoringMethod? Method(YamlNode node, string path)
        {
            if (node is not YamlMappingNode map)
            {
                NotMapping(node, path, "{kind: yes-no}");
                return null;
            }
            var m = Map(map, path, ["kind", "target", "tiers", "per-item", "cap"]);
            var kind = String(map, m, "kind", path, required: true);
            switch (kind)
            {
                case "yes-no": return new YesNoMethod();
                case "council": return new CouncilJudgementMethod();
                case "ratio": return new RatioMethod(Number(map, m, "target", path, required: false) ?? 1m);
                case "count": return new CountMethod(Number(map, m, "per-item", path, required: true) ?? 0, Number(map, m, "cap", path, required: false));
                case "tiers":
                    var tiers = RequiredList(map, m, "tiers", path).Select((t, i) =>
                    {
                        if (t is not YamlMappingNode tm)
                        {
                            NotMapping(t, $"{path}.tiers[{i}]", "{at-least, points}");
                            return null;
                        }
                        var tmap = Map(tm, $"{path}.tiers[{i}]", ["at-least", "points"]);
                        return new Tier(Number(tm, tmap, "at-least", $"{path}.tiers[{i}]", required: true) ?? 0, Number(tm, tmap, "points", $"{path}.tiers[{i}]", required: true) ?? 0);
                    }).OfType<Tier>().ToList();
                    return new TiersMethod(tiers);
                case null: return null;
                default:
                    Problem(m["kind"], $"{path}.kind", Reason.Of("index-set.unknown-method", ("method", kind), ("methods", ScoringMethod.Kinds)));
                    return null;
            }
        }

        private RatingBand? Band(YamlNode node, string path)
        {
            if (node is not YamlMappingNode map)
            {
                NotMapping(node, path, "{key, name, from, to}");
                return null;
            }
            var m = Map(map, path, ["key", "name", "from", "to"]);
            return new RatingBand(String(map, m, "key", path, required: true) ?? "", Name(map, m, path) ?? new LocalizedText("", ""),
                Number(map, m, "from", path, required: true) ?? 0, Number(map, m, "to", path, required: true) ?? 0);
        }

        private BonusRule? Bonus(YamlNode node, string path)
        {
            if (node is not YamlMappingNode map)
            {
                NotMapping(node, path, "{key, name, points-per-item, cap}");
                return null;
            }
            var m = Map(map, path, ["key", "name", "points-per-item", "cap"]);
            return new BonusRule(String(map, m, "key", path, required: true) ?? "", Name(map, m, path) ?? new LocalizedText("", ""),
                Number(map, m, "points-per-item", path, required: true) ?? 0, Number(map, m, "cap", path, required: false));
        }

        // ---- field helpers -------------------------------------------------------------------

        private Dictionary<string, YamlNode> Map(YamlMappingNode map, string path, string[] allowed)
        {
            var fields = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
            foreach (var (keyNode, value) in map.Children)
            {
                var key = (keyNode as YamlScalarNode)?.Value ?? "";
                if (!allowed.Contains(key))
                    Problem(keyNode, Join(path, key), Reason.Of("yaml.unknown-field", ("field", key), ("allowed", allowed)));
                else
                    fields[key] = value;
            }
            return fields;
        }

        private static string Join(string path, string field) => path.Length == 0 ? field : $"{path}.{field}";

        private string? Scalar(YamlNode node, string path)
        {
            if (node is YamlScalarNode { Value: { } value })
                return value;
            Problem(node, path, Reason.Of("yaml.expected-value"));
            return null;
        }

        private string? String(YamlMappingNode owner, Dictionary<string, YamlNode> m, string key, string path, bool required)
        {
            if (!m.TryGetValue(key, out var node))
            {
                if (required) Problem(owner, Join(path, key), Reason.Of("file.required"));
                return null;
            }
            var value = Scalar(node, Join(path, key));
            if (required && string.IsNullOrWhiteSpace(value))
            {
                Problem(node, Join(path, key), Reason.Of("file.empty-value"));
                return null;
            }
            return value;
        }

        private decimal? Number(YamlMappingNode owner, Dictionary<string, YamlNode> m, string key, string path, bool required, bool whole = false)
        {
            var text = String(owner, m, key, path, required);
            if (text is null)
                return null;
            if (!DecimalText.TryParse(text, out var value))
            {
                Problem(m[key], Join(path, key), Reason.Of("file.not-number", ("value", text)));
                return null;
            }
            if (whole && value != decimal.Truncate(value))
            {
                Problem(m[key], Join(path, key), Reason.Of("yaml.not-whole-number", ("value", text)));
                return null;
            }
            return value;
        }

        private bool? Bool(Dictionary<string, YamlNode> m, string key, string path)
        {
            if (!m.TryGetValue(key, out var node))
                return null;
            var text = Scalar(node, Join(path, key));
            switch (text)
            {
                case "true" or "yes": return true;
                case "false" or "no": return false;
                case null: return null;
                default:
                    Problem(node, Join(path, key), Reason.Of("yaml.not-boolean", ("value", text)));
                    return null;
            }
        }

        private LocalizedText? Name(YamlMappingNode owner, Dictionary<string, YamlNode> m, string path)
        {
            if (!m.TryGetValue("name", out var node))
            {
                Problem(owner, Join(path, "name"), Reason.Of("index-set.name-required"));
                return null;
            }
            if (node is not YamlMappingNode map)
            {
                NotMapping(node, Join(path, "name"), "{vi: …, en: …}");
                return null;
            }
            var n = Map(map, Join(path, "name"), ["vi", "en"]);
            return new LocalizedText(String(map, n, "vi", Join(path, "name"), required: true) ?? "", String(map, n, "en", Join(path, "name"), required: true) ?? "");
        }

        private IEnumerable<YamlNode> List(Dictionary<string, YamlNode> m, string key, string path)
        {
            if (!m.TryGetValue(key, out var node))
                return [];
            if (node is YamlSequenceNode list)
                return list.Children;
            Problem(node, Join(path, key), Reason.Of("yaml.expected-list"));
            return [];
        }

        private IEnumerable<YamlNode> RequiredList(YamlMappingNode owner, Dictionary<string, YamlNode> m, string key, string path)
        {
            if (!m.ContainsKey(key))
                Problem(owner, Join(path, key), Reason.Of("file.required"));
            return List(m, key, path);
        }
    }
}
