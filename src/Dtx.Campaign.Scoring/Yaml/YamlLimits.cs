using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Dtx.Campaign.Yaml;

/// <summary>
/// The first limit a YAML text breaks, located by line and column: the limit's name ("size", "depth", "nodes"),
/// its value and, for the size, the text's own length.
/// </summary>
internal sealed record YamlLimitBreach(int Line, int Column, string Limit, long Max, long? Actual = null)
{
    /// <summary>Both languages in one line, for a reader without the refusal catalogue (workflow definitions).</summary>
    public string Message => Limit switch
    {
        "size" => $"Tệp quá lớn: {Actual} ký tự, tối đa {Max} / the file has {Actual} characters, the limit is {Max} (limit: size)",
        "depth" => $"Lồng quá {Max} cấp / nesting deeper than {Max} levels (limit: depth)",
        _ => $"Quá {Max} nút sau khi mở rộng bí danh (alias) / more than {Max} nodes once aliases are expanded (limit: {Limit})",
    };
}

/// <summary>
/// Checks a YAML text against size, nesting depth and expanded node count before it is loaded.
/// YamlDotNet's representation model builds and walks nodes recursively (100 000 '[' overflow the
/// stack) and an alias is walked again at every use ("billion laughs"); its event parser keeps its
/// own stack, so one pass over the events is safe and bounded. This file is linked into every
/// project that reads user YAML, so the limits are the same everywhere.
/// </summary>
internal static class YamlLimits
{
    /// <summary>Characters in the whole text (an index set of 400 indicators is about 150 000).</summary>
    public const int MaxCharacters = 2 * 1024 * 1024;

    /// <summary>Nested mappings and sequences (the deepest real index set is about 12).</summary>
    public const int MaxDepth = 64;

    /// <summary>Nodes after expanding every alias, as a reader walking the tree would meet them.</summary>
    public const int MaxNodes = 200_000;

    public static YamlLimitBreach? Check(string yaml)
    {
        if (yaml.Length > MaxCharacters)
            return new YamlLimitBreach(1, 1, "size", MaxCharacters, yaml.Length);

        // One frame per open mapping or sequence: its anchor and the nodes met inside it so far.
        var open = new Stack<(string? Anchor, long Nodes)>();
        var anchors = new Dictionary<string, long>(StringComparer.Ordinal);
        long expanded = 0;
        var parser = new Parser(new StringReader(yaml));
        try
        {
            while (parser.MoveNext())
            {
                var e = parser.Current!;
                long added;
                switch (e)
                {
                    case MappingStart or SequenceStart:
                        if (open.Count >= MaxDepth)
                            return Breach(e, "depth", MaxDepth);
                        var anchor = ((NodeEvent)e).Anchor;
                        open.Push((anchor.IsEmpty ? null : anchor.Value, 1));
                        added = 1;
                        break;
                    case MappingEnd or SequenceEnd:
                        var closed = open.Pop();
                        if (closed.Anchor is not null)
                            anchors[closed.Anchor] = closed.Nodes;
                        if (open.Count > 0)
                            open.Push(Add(open.Pop(), closed.Nodes));
                        continue;
                    case Scalar scalar:
                        if (!scalar.Anchor.IsEmpty)
                            anchors[scalar.Anchor.Value] = 1;
                        added = 1;
                        break;
                    case AnchorAlias alias:
                        added = anchors.GetValueOrDefault(alias.Value.Value, 1);
                        break;
                    default:
                        continue;
                }
                expanded += added;
                if (expanded > MaxNodes)
                    return Breach(e, "nodes", MaxNodes);
                // A closed collection adds its own count to its parent, so only count leaves and aliases here.
                if (open.Count > 0 && e is not (MappingStart or SequenceStart))
                    open.Push(Add(open.Pop(), added));
            }
        }
        catch (Exception ex) when (ex is YamlException or InvalidOperationException)
        {
            // Malformed YAML is reported by the reader that loads it, with its own position.
            return null;
        }
        return null;
    }

    private static (string?, long) Add((string? Anchor, long Nodes) frame, long nodes) => (frame.Anchor, frame.Nodes + nodes);

    private static YamlLimitBreach Breach(ParsingEvent e, string limit, long max) => new((int)e.Start.Line, (int)e.Start.Column, limit, max);
}
