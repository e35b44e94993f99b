namespace Dtx.Campaign.Server.IndexSets;

internal static class IndexSetsServices
{
    public static IServiceCollection AddIndexSets(this IServiceCollection services, IHostEnvironment environment)
    {
        _ = environment;
        services.AddSingleton<IndexSetFiles>();
        services.AddSingleton<IndexSetCache>();
        services.AddScoped<IndexSetCatalog>();
        services.AddSingleton<Samples.SampleData>();
        services.AddScoped<Samples.DemoSeeder>();
        return services;
    }
}
