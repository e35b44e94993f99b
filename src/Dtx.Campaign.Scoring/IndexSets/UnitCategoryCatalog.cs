using YamlDotNet.RepresentationModel;

namespace Dtx.Campaign.Scoring.IndexSets;

/// <summary>A unit category (department, district, commune, province) and the flags it defines.</summary>
public sealed record UnitCategory(string Key, LocalizedText Name, IReadOnlyDictionary<string, LocalizedText> Flags);

/// <summary>
/// The unit categories the system knows. Index sets are written for one category, and may restrict
/// indicators to units carrying one of its flags (e.g. departments assigned digital-economy tasks).
/// </summary>
public sealed class UnitCategoryCatalog(IEnumerable<UnitCategory> categories)
{
    private readonly Dictionary<string, UnitCategory> byKey = categories.ToDictionary(c => c.Key, StringComparer.Ordinal);

    public static UnitCategoryCatalog Default { get; } = new(
    [
        new UnitCategory("department", new LocalizedText("Sở, ban, ngành", "Department"),
            new Dictionary<string, LocalizedText> { ["digital-economy"] = new("Được giao nhiệm vụ phát triển kinh tế số", "Assigned digital-economy tasks") }),
        new UnitCategory("district", new LocalizedText("Quận, huyện, thị xã", "District"), new Dictionary<string, LocalizedText>()),
        new UnitCategory("commune", new LocalizedText("Xã, phường", "Commune or ward"), new Dictionary<string, LocalizedText>()),
        new UnitCategory("province", new LocalizedText("Tỉnh, thành phố", "Province or city"), new Dictionary<string, LocalizedText>()),
    ]);

    public IReadOnlyCollection<string> Keys => byKey.Keys;

    public UnitCategory? Find(string key) => byKey.GetValueOrDefault(key);

    /// <summary>The flags a category defines, or null when the category is unknown.</summary>
    public IReadOnlySet<string>? FlagsOf(string category) =>
        byKey.TryGetValue(category, out var c) ? c.Flags.Keys.ToHashSet(StringComparer.Ordinal) : null;

    /// <summary>Reads <c>unit-categories.yaml</c>: a list of {key, name {vi, en}, flags: [{key, name {vi, en}}]}.</summary>
    public static UnitCategoryCatalog ReadYaml(string yaml, string fileName)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new InvalidDataException($"{fileName}:{e.Start.Line} {e.Message}", e);
        }
        if (stream.Documents.FirstOrDefault()?.RootNode is not YamlSequenceNode list)
            throw new InvalidDataException($"{fileName}: expected a list of unit categories");
        return new UnitCategoryCatalog(list.Children.OfType<YamlMappingNode>().Select(m => new UnitCategory(
            Scalar(m, "key", fileName),
            Name(m, fileName),
            m.Children.TryGetValue(new YamlScalarNode("flags"), out var flags) && flags is YamlSequenceNode flagList
                ? flagList.Children.OfType<YamlMappingNode>().ToDictionary(f => Scalar(f, "key", fileName), f => Name(f, fileName), StringComparer.Ordinal)
                : new Dictionary<string, LocalizedText>())));
    }

    private static string Scalar(YamlMappingNode map, string key, string file) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var v) && v is YamlScalarNode { Value: { Length: > 0 } s } ? s
        : throw new InvalidDataException($"{file}:{map.Start.Line} {key}: missing");

    private static LocalizedText Name(YamlMappingNode map, string file) =>
        map.Children.TryGetValue(new YamlScalarNode("name"), out var n) && n is YamlMappingNode name
            ? new LocalizedText(Scalar(name, "vi", file), Scalar(name, "en", file))
            : throw new InvalidDataException($"{file}:{map.Start.Line} name: missing");
}
