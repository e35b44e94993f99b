namespace Dtx.Campaign.Server.Units;

/// <summary>The unit categories the server knows and the flags each defines (from data/unit-categories.yaml).</summary>
public sealed class UnitCategories(IReadOnlyDictionary<string, IReadOnlySet<string>> flagsByCategory)
{
    public IEnumerable<string> Keys => flagsByCategory.Keys;

    /// <summary>The flags a category defines, or null when the category is unknown.</summary>
    public IReadOnlySet<string>? FlagsOf(string category) =>
        flagsByCategory.TryGetValue(category, out var flags) ? flags : null;
}
