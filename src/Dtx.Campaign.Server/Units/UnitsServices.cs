namespace Dtx.Campaign.Server.Units;

internal static class UnitsServices
{
    public static IServiceCollection AddUnits(this IServiceCollection services)
    {
        services.AddScoped<UnitImport>();
        // Replaced by the catalogue read from data/unit-categories.yaml once the Scoring reader lands.
        services.AddSingleton(new UnitCategories(new Dictionary<string, IReadOnlySet<string>>
        {
            ["department"] = new HashSet<string> { "digital-economy" },
            ["district"] = new HashSet<string>(),
            ["commune"] = new HashSet<string>(),
            ["province"] = new HashSet<string>(),
        }));
        return services;
    }
}
