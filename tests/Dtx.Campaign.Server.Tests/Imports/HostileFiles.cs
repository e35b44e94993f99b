using System.IO.Compression;
using System.Text;

namespace Dtx.Campaign.Server.Tests.Imports;

/// <summary>Files built to exhaust a parser; shared by the limit tests and the hostile corpus.</summary>
public static class HostileFiles
{
    /// <summary><c>groups: [[[[…]]]]</c>, 100 000 levels deep (about 200 KB): overflowed the YAML loader's stack.</summary>
    public static string DeepYaml(int depth = 100_000) => "key: t\ngroups: " + new string('[', depth) + new string(']', depth) + "\n";

    /// <summary>Nine levels of nine aliases each: 9^9 nodes once expanded, under 1 KB as written.</summary>
    public static string BillionLaughs()
    {
        var lines = new List<string> { "key: t", "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]" };
        for (var i = 1; i <= 8; i++)
            lines.Add($"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 9))}]");
        lines.Add("groups: [*a8]");
        return string.Join('\n', lines) + "\n";
    }

    /// <summary>
    /// An .xlsx-shaped zip whose one worksheet unpacks from a few kilobytes to <paramref name="megabytes"/> MB,
    /// a single shared string: the shape of the 1 MB file that unpacked to a 1 GiB cell.
    /// </summary>
    public static byte[] ZipBomb(int megabytes = 8)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            Write(zip, "[Content_Types].xml", """<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>""");
            var entry = zip.CreateEntry("xl/sharedStrings.xml", CompressionLevel.SmallestSize);
            using var stream = entry.Open();
            var chunk = Encoding.ASCII.GetBytes(new string('A', 1024 * 1024));
            for (var i = 0; i < megabytes; i++)
                stream.Write(chunk);
        }
        return buffer.ToArray();
    }

    /// <summary>A CSV with the unit columns and one field of <paramref name="length"/> characters.</summary>
    public static string CsvWithLongField(int length = 100_000) =>
        "authority,code,name_vi,name_en,category\nHN,X1,\"" + new string('x', length) + "\",X,department\n";

    private static void Write(ZipArchive zip, string name, string text)
    {
        using var writer = new StreamWriter(zip.CreateEntry(name).Open());
        writer.Write(text);
    }
}
