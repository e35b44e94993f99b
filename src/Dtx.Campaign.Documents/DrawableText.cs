using System.Globalization;
using System.Text;
using PdfSharp.Drawing;
using PdfSharp.Fonts;

namespace Dtx.Campaign.Documents;

/// <summary>
/// Which characters of a text the notices' PDF font (DejaVu Serif, the body face) cannot draw: they would print as
/// empty boxes in a document a clerk signs. Control characters (line breaks, tabs) are layout, not drawn.
/// </summary>
public static class DrawableText
{
    private static readonly Lazy<XFont> Body = new(() =>
    {
        EmbeddedFontResolver.EnsureInstalled();
        return new XFont(EmbeddedFontResolver.Serif, 10);
    });

    /// <summary>Each character the font has no glyph for, with its index in <paramref name="text"/>.</summary>
    public static IReadOnlyList<(int Index, Rune Rune)> Missing(string text)
    {
        var missing = new List<(int, Rune)>();
        var index = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (!Rune.IsControl(rune) && GlyphHelper.GlyphIndexFromCodePoint(rune.Value, Body.Value) == 0)
                missing.Add((index, rune));
            index += rune.Utf16SequenceLength;
        }
        return missing;
    }

    /// <summary>The first character the font cannot draw, named for a refusal ("U+1F600 (😀)"), or null when all can be drawn.</summary>
    public static string? FirstMissing(string? text) =>
        text is null ? null : Missing(text) is [var (_, rune), ..] ? Describe(rune) : null;

    /// <summary>"U+1F600 (😀)", as refusals name a character.</summary>
    public static string Describe(Rune rune) => $"U+{rune.Value.ToString("X4", CultureInfo.InvariantCulture)} ({rune})";
}
