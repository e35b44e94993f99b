namespace Dtx.Campaign.Documents.Tests;

internal static class Shipped
{
    private static readonly Lazy<TemplateSet> Set = new(() => TemplateSet.FromDirectory(FindTemplates()));

    public static TemplateSet Templates => Set.Value;

    public static TemplateRenderer Renderer() => new(Templates);

    private static string FindTemplates()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "templates", "notices");
            if (Directory.Exists(candidate))
            {
                return Path.Combine(dir.FullName, "templates");
            }
        }

        throw new DirectoryNotFoundException("templates/ not found above the test output folder.");
    }
}
