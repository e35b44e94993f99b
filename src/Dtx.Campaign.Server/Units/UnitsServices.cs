using Dtx.Campaign.Scoring.IndexSets;

namespace Dtx.Campaign.Server.Units;

internal static class UnitsServices
{
    public static IServiceCollection AddUnits(this IServiceCollection services)
    {
        services.AddScoped<UnitImport>();
        // The catalogue shipped in data/unit-categories.yaml; the built-in one when run without it.
        services.AddSingleton(sp =>
        {
            var file = sp.GetRequiredService<Samples.SampleData>().UnitCategoriesFile;
            return File.Exists(file) ? UnitCategoryCatalog.ReadYaml(File.ReadAllText(file), file) : UnitCategoryCatalog.Default;
        });
        return services;
    }
}
