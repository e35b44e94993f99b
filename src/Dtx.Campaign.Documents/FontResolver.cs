using PdfSharp.Fonts;

namespace Dtx.Campaign.Documents;

/// <summary>
/// PDFsharp font resolver over the DejaVu fonts embedded in this assembly: "DejaVu Serif" (regular, bold, italic,
/// bold italic) and "DejaVu Sans" (regular, bold). Any other family resolves to DejaVu Serif.
/// </summary>
public sealed class EmbeddedFontResolver : IFontResolver
{
    public const string Serif = "DejaVu Serif";
    public const string Sans = "DejaVu Sans";

    private static readonly Lock Gate = new();
    private static bool _installed;

    /// <summary>Sets <see cref="GlobalFontSettings.FontResolver"/> once per process (thread-safe); later calls do nothing.</summary>
    public static void EnsureInstalled()
    {
        if (Volatile.Read(ref _installed))
        {
            return;
        }

        lock (Gate)
        {
            if (_installed)
            {
                return;
            }

            if (GlobalFontSettings.FontResolver is not EmbeddedFontResolver)
            {
                GlobalFontSettings.FontResolver = new EmbeddedFontResolver();
            }

            Volatile.Write(ref _installed, true);
        }
    }

    public FontResolverInfo? ResolveTypeface(string familyName, bool bold, bool italic)
    {
        if (string.Equals(familyName, Sans, StringComparison.OrdinalIgnoreCase))
        {
            return new FontResolverInfo(bold ? "DejaVuSans-Bold" : "DejaVuSans", false, italic);
        }

        var face = (bold, italic) switch
        {
            (true, true) => "DejaVuSerif-BoldItalic",
            (true, false) => "DejaVuSerif-Bold",
            (false, true) => "DejaVuSerif-Italic",
            _ => "DejaVuSerif",
        };
        return new FontResolverInfo(face);
    }

    public byte[]? GetFont(string faceName)
    {
        using var stream = typeof(EmbeddedFontResolver).Assembly.GetManifestResourceStream($"Dtx.Campaign.Documents.Fonts.{faceName}.ttf");
        if (stream is null)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }
}
