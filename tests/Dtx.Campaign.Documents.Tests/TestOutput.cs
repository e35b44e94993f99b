namespace Dtx.Campaign.Documents.Tests;

/// <summary>Files the tests leave for people to look at (PDFs and their PNG renderings), under the test output folder.</summary>
internal static class TestOutput
{
    public static string Folder(string name)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "rendered", name);
        Directory.CreateDirectory(dir);
        return dir;
    }
}
