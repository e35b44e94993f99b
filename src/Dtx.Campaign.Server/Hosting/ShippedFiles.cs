namespace Dtx.Campaign.Server.Hosting;

/// <summary>
/// Folders the project ships beside the binary (copied at build: data/, workflows/, templates/),
/// or, when run from a checkout, at the repository root.
/// </summary>
internal static class ShippedFiles
{
    public static string Folder(IHostEnvironment environment, string name)
    {
        string[] candidates = [Path.Combine(AppContext.BaseDirectory, name), Path.GetFullPath(Path.Combine(environment.ContentRootPath, "..", "..", name))];
        return candidates.FirstOrDefault(Directory.Exists)
            ?? throw new DirectoryNotFoundException($"The shipped folder '{name}' was not found (looked in {string.Join(", ", candidates)}).");
    }
}
