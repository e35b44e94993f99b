using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using PdfSharp.Pdf;
using PdfSharp.Pdf.Advanced;
using PdfSharp.Pdf.Content;
using PdfSharp.Pdf.Content.Objects;
using PdfSharp.Pdf.IO;

namespace Dtx.Campaign.Documents.Tests;

/// <summary>
/// Checks that every glyph a PDF draws is in its embedded TrueType subset with an outline, and so is every component
/// of a composite glyph, to any depth. (PDFsharp's subsetter once kept only the first level: ộ lost its dot below.)
/// </summary>
internal static partial class EmbeddedGlyphs
{
    /// <summary>Problems found ("font: glyph 1234 (U+1ED8) has no outline"); empty when every drawn glyph is drawable.</summary>
    public static IReadOnlyList<string> Problems(byte[] pdf, out int glyphsChecked)
    {
        var problems = new List<string>();
        var seen = new HashSet<(PdfDictionary, int)>();
        var fonts = new Dictionary<PdfDictionary, (TrueType Glyphs, bool Cid, Dictionary<int, string> Unicode, string Name)>();
        using var document = PdfReader.Open(new MemoryStream(pdf), PdfDocumentOpenMode.Import);
        foreach (var page in document.Pages)
        {
            var resources = page.Elements.GetDictionary("/Resources")?.Elements.GetDictionary("/Font");
            PdfDictionary? current = null;
            foreach (var op in Operators(ContentReader.ReadContent(page)))
            {
                if (op.OpCode.Name == "Tf" && op.Operands[0] is CName name)
                {
                    current = resources?.Elements.GetDictionary(name.Name) ?? throw new InvalidOperationException($"font {name.Name} is not in the page resources");
                    continue;
                }

                if (op.OpCode.Name is not ("Tj" or "TJ" or "'" or "\"") || current is null)
                    continue;
                if (!fonts.TryGetValue(current, out var font))
                    fonts[current] = font = Load(current);
                foreach (var code in Codes(op.Operands, font.Cid))
                {
                    if (!seen.Add((current, code)))
                        continue;
                    var text = font.Cid ? font.Unicode.GetValueOrDefault(code, "?") : WinAnsi.GetString([(byte)code]);
                    var gid = font.Cid ? code : font.Glyphs.GlyphOf(text[0]);
                    font.Glyphs.Check(gid, $"{font.Name}: code {code} ({Describe(text)})", string.IsNullOrWhiteSpace(text), problems);
                }
            }
        }

        glyphsChecked = seen.Count;
        return problems;
    }

    private static (TrueType, bool, Dictionary<int, string>, string) Load(PdfDictionary font)
    {
        var name = font.Elements.GetName("/BaseFont");
        if (font.Elements.GetName("/Subtype") == "/Type0")
        {
            // Identity-H with an identity CID-to-GID map: the two-byte codes are the glyph ids.
            var descendant = (PdfDictionary)((PdfReference)font.Elements.GetArray("/DescendantFonts")!.Elements[0]).Value;
            var unicode = new Dictionary<int, string>();
            foreach (var (gid, text) in ToUnicode(font.Elements.GetDictionary("/ToUnicode")!.Stream.UnfilteredValue))
                unicode[gid] = text;
            return (new TrueType(FontFile(descendant, name)), true, unicode, name);
        }

        // WinAnsi simple TrueType font: one-byte codes, glyphs through the subset's own cmap.
        return (new TrueType(FontFile(font, name)), false, [], name);
    }

    private static IEnumerable<COperator> Operators(CSequence sequence)
    {
        foreach (var item in sequence)
        {
            if (item is COperator op)
                yield return op;
            else if (item is CSequence inner)
            {
                foreach (var o in Operators(inner))
                    yield return o;
            }
        }
    }

    private static IEnumerable<int> Codes(CSequence operands, bool cid)
    {
        foreach (var operand in operands)
        {
            var strings = operand is CArray array ? array.OfType<CString>() : operand is CString one ? [one] : [];
            foreach (var s in strings)
            {
                var bytes = s.Value.Select(c => (byte)c).ToArray();
                if (cid)
                {
                    for (var i = 0; i + 1 < bytes.Length; i += 2)
                        yield return (bytes[i] << 8) | bytes[i + 1];
                }
                else
                {
                    foreach (var b in bytes)
                        yield return b;
                }
            }
        }
    }

    private static readonly Encoding WinAnsi = CodePagesEncodingProvider.Instance.GetEncoding(1252)!;

    private static string Describe(string text) => string.Join(' ', text.Select(c => $"U+{(int)c:X4} '{c}'"));

    private static byte[] FontFile(PdfDictionary font, string name)
    {
        var descriptor = font.Elements.GetDictionary("/FontDescriptor") ?? throw new InvalidOperationException($"{name} has no font descriptor");
        var file = descriptor.Elements.GetDictionary("/FontFile2") ?? throw new InvalidOperationException($"{name} is not embedded as TrueType");
        return file.Stream.UnfilteredValue;
    }

    private static IEnumerable<(int Gid, string Text)> ToUnicode(byte[] cmap)
    {
        var text = Encoding.ASCII.GetString(cmap);
        foreach (Match block in BfChar().Matches(text))
        {
            foreach (Match pair in HexPair().Matches(block.Groups[1].Value))
                yield return (Hex(pair.Groups[1].Value), Utf16(pair.Groups[2].Value));
        }

        foreach (Match block in BfRange().Matches(text))
        {
            foreach (Match range in HexTriple().Matches(block.Groups[1].Value))
            {
                var (lo, hi, dst) = (Hex(range.Groups[1].Value), Hex(range.Groups[2].Value), Hex(range.Groups[3].Value));
                for (var gid = lo; gid <= hi; gid++)
                    yield return (gid, char.ConvertFromUtf32(dst + gid - lo));
            }
        }
    }

    private static int Hex(string s) => int.Parse(s, NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    private static string Utf16(string hex) => Encoding.BigEndianUnicode.GetString(Convert.FromHexString(hex));

    [GeneratedRegex(@"beginbfchar(.*?)endbfchar", RegexOptions.Singleline)]
    private static partial Regex BfChar();

    [GeneratedRegex(@"beginbfrange(.*?)endbfrange", RegexOptions.Singleline)]
    private static partial Regex BfRange();

    [GeneratedRegex(@"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")]
    private static partial Regex HexPair();

    [GeneratedRegex(@"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")]
    private static partial Regex HexTriple();

    /// <summary>Just enough of a TrueType file: glyph outlines (loca/glyf), composite components and the BMP cmap.</summary>
    private sealed class TrueType
    {
        private readonly byte[] _data;
        private readonly Dictionary<string, (int Offset, int Length)> _tables = [];
        private readonly bool _longLoca;
        private readonly int _glyphCount;

        public TrueType(byte[] data)
        {
            _data = data;
            var count = U16(4);
            for (var i = 0; i < count; i++)
            {
                var record = 12 + 16 * i;
                _tables[Encoding.ASCII.GetString(data, record, 4)] = ((int)U32(record + 8), (int)U32(record + 12));
            }

            _longLoca = BinaryPrimitives.ReadInt16BigEndian(data.AsSpan(_tables["head"].Offset + 50)) == 1;
            _glyphCount = U16(_tables["maxp"].Offset + 4);
        }

        private int U16(int at) => BinaryPrimitives.ReadUInt16BigEndian(_data.AsSpan(at));

        private uint U32(int at) => BinaryPrimitives.ReadUInt32BigEndian(_data.AsSpan(at));

        private (int Start, int End) Outline(int gid)
        {
            var loca = _tables["loca"].Offset;
            var glyf = _tables["glyf"].Offset;
            return _longLoca
                ? (glyf + (int)U32(loca + 4 * gid), glyf + (int)U32(loca + 4 * gid + 4))
                : (glyf + 2 * U16(loca + 2 * gid), glyf + 2 * U16(loca + 2 * gid + 2));
        }

        public void Check(int gid, string what, bool mayBeEmpty, List<string> problems, int depth = 0)
        {
            if (gid <= 0 || gid >= _glyphCount)
            {
                problems.Add($"{what}: glyph id {gid} is not in the font");
                return;
            }

            var (start, end) = Outline(gid);
            if (start == end)
            {
                if (!mayBeEmpty)
                    problems.Add($"{what}{(depth > 0 ? $", component glyph {gid}" : "")} has no outline in the embedded subset");
                return;
            }

            if (BinaryPrimitives.ReadInt16BigEndian(_data.AsSpan(start)) >= 0 || depth > 8)
                return;

            // Composite: flags, glyph index, arguments and an optional transform, while MORE_COMPONENTS is set.
            var at = start + 10;
            int flags;
            do
            {
                flags = U16(at);
                Check(U16(at + 2), what, false, problems, depth + 1);
                at += 4 + ((flags & 0x1) != 0 ? 4 : 2) + ((flags & 0x8) != 0 ? 2 : (flags & 0x40) != 0 ? 4 : (flags & 0x80) != 0 ? 8 : 0);
            }
            while ((flags & 0x20) != 0);
        }

        /// <summary>Glyph of a BMP character through the (3,1) format 4 cmap.</summary>
        public int GlyphOf(char c)
        {
            var cmap = _tables["cmap"].Offset;
            var subtables = U16(cmap + 2);
            for (var i = 0; i < subtables; i++)
            {
                var record = cmap + 4 + 8 * i;
                if (U16(record) != 3 || U16(record + 2) != 1)
                    continue;
                var table = cmap + (int)U32(record + 4);
                if (U16(table) != 4)
                    continue;
                var segments = U16(table + 6) / 2;
                var ends = table + 14;
                var starts = ends + 2 * segments + 2;
                var deltas = starts + 2 * segments;
                var offsets = deltas + 2 * segments;
                for (var s = 0; s < segments; s++)
                {
                    if (c > U16(ends + 2 * s) || c < U16(starts + 2 * s))
                        continue;
                    var rangeOffset = U16(offsets + 2 * s);
                    var delta = U16(deltas + 2 * s);
                    if (rangeOffset == 0)
                        return (c + delta) & 0xFFFF;
                    var glyph = U16(offsets + 2 * s + rangeOffset + 2 * (c - U16(starts + 2 * s)));
                    return glyph == 0 ? 0 : (glyph + delta) & 0xFFFF;
                }
            }

            return 0;
        }
    }
}
