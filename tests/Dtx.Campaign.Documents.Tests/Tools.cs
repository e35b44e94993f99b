using System.Diagnostics;

namespace Dtx.Campaign.Documents.Tests;

/// <summary>Debian's poppler-utils and tesseract-ocr (installed by test.sh), run on files the tests write.</summary>
internal static class Tools
{
    public static string Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args)
            start.ArgumentList.Add(a);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} ran over two minutes");
        }

        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} exited {process.ExitCode}: {stderr.Result}");
        return stdout.Result;
    }

    /// <summary>Writes <paramref name="pdf"/> as NAME.pdf and returns its path.</summary>
    public static string Save(byte[] pdf, string folder, string name)
    {
        var path = Path.Combine(TestOutput.Folder(folder), name + ".pdf");
        File.WriteAllBytes(path, pdf);
        return path;
    }

    public static string PdfToText(string pdfPath) => Run("pdftotext", "-enc", "UTF-8", pdfPath, "-");

    /// <summary>Renders page 1 at 300 dpi beside the PDF (NAME-1.png) and returns what tesseract's Vietnamese model reads on it.</summary>
    public static string Ocr(string pdfPath)
    {
        var prefix = Path.ChangeExtension(pdfPath, null);
        Run("pdftoppm", "-r", "300", "-f", "1", "-l", "1", "-png", pdfPath, prefix);
        var png = Directory.GetFiles(Path.GetDirectoryName(pdfPath)!, Path.GetFileName(prefix) + "-*1.png").Single();
        return Run("tesseract", png, "-", "-l", "vie");
    }

    /// <summary>Renders every page at 100 dpi (NAME-N.png) for people to look at.</summary>
    public static void Png(string pdfPath, int dpi = 100) => Run("pdftoppm", "-r", dpi.ToString(System.Globalization.CultureInfo.InvariantCulture), "-png", pdfPath, Path.ChangeExtension(pdfPath, null));
}
