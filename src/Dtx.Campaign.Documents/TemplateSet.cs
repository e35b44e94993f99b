using System.Collections.Frozen;

namespace Dtx.Campaign.Documents;

/// <summary>
/// The whitelist of template texts a render may use, keyed by name without the ".sbn" extension,
/// e.g. "notices/deadline-reminder.vi.html" or "layouts/official-header.vi.html". Nothing outside it can be included.
/// </summary>
public sealed class TemplateSet
{
    private readonly FrozenDictionary<string, string> _texts;

    public TemplateSet(IReadOnlyDictionary<string, string> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        _texts = texts.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public IEnumerable<string> Names => _texts.Keys;

    public bool TryGet(string name, out string text) => _texts.TryGetValue(name, out text!);

    /// <summary>A copy with one template replaced or added (e.g. a preview of an unsaved version).</summary>
    public TemplateSet With(string name, string text)
    {
        var copy = new Dictionary<string, string>(_texts, StringComparer.Ordinal) { [name] = text };
        return new TemplateSet(copy);
    }

    /// <summary>Reads every "*.sbn" under <paramref name="root"/> (e.g. the repository's <c>templates/</c>) into memory.</summary>
    public static TemplateSet FromDirectory(string root)
    {
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(root, "*.sbn", SearchOption.AllDirectories))
        {
            var name = Path.GetRelativePath(root, file).Replace('\\', '/');
            texts[name[..^".sbn".Length]] = File.ReadAllText(file);
        }

        return new TemplateSet(texts);
    }

    /// <summary>Parses every template; returns all syntax errors with line and column (empty when the set is valid). Call on load.</summary>
    public IReadOnlyList<TemplateError> ValidateAll() =>
        _texts.OrderBy(t => t.Key, StringComparer.Ordinal).SelectMany(t => TemplateValidator.Validate(t.Value, t.Key)).ToList();

    /// <summary>Conventional names of a notice's three templates.</summary>
    public static string NoticeName(string notice, string lang, string part) => $"notices/{notice}.{lang}.{part}";
}
