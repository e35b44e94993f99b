using System.Net;
using System.Text.RegularExpressions;

namespace Dtx.Campaign.Documents;

/// <summary>A body block of a notice: a paragraph or a table (first row is the header).</summary>
public abstract record NoticeBlock;

public sealed record ParagraphBlock(string Text) : NoticeBlock;

public sealed record TableBlock(IReadOnlyList<IReadOnlyList<string>> Rows) : NoticeBlock;

/// <summary>
/// The wording of a notice as plain blocks, taken from its rendered HTML template (title, subject and the paragraphs
/// and tables of the body), so PDF and DOCX say exactly what the administrator's template says.
/// </summary>
public sealed partial record NoticeContent(string Title, string Subject, IReadOnlyList<NoticeBlock> Blocks)
{
    public static NoticeContent FromHtml(string html)
    {
        ArgumentNullException.ThrowIfNull(html);
        var title = Clean(H1().Match(html).Groups[1].Value);
        var subject = Clean(SubjectLine().Match(html).Groups[1].Value);
        var bodyStart = html.IndexOf("<div class=\"body\">", StringComparison.Ordinal);
        var bodyEnd = html.IndexOf("<table class=\"ftr\">", StringComparison.Ordinal);
        var body = bodyStart >= 0 ? html[bodyStart..(bodyEnd > bodyStart ? bodyEnd : html.Length)] : html;
        var blocks = new List<NoticeBlock>();
        foreach (Match m in Block().Matches(body))
        {
            if (m.Groups["p"].Success)
            {
                var text = Clean(m.Groups["p"].Value);
                if (text.Length > 0)
                {
                    blocks.Add(new ParagraphBlock(text));
                }
            }
            else
            {
                var rows = Row().Matches(m.Groups["t"].Value)
                    .Select(r => (IReadOnlyList<string>)Cell().Matches(r.Groups[1].Value).Select(c => Clean(c.Groups[1].Value)).ToList())
                    .Where(r => r.Count > 0)
                    .ToList();
                if (rows.Count > 0)
                {
                    blocks.Add(new TableBlock(rows));
                }
            }
        }

        return new NoticeContent(title, subject, blocks);
    }

    private static string Clean(string fragment) =>
        WebUtility.HtmlDecode(Spaces().Replace(Tag().Replace(fragment, ""), " ")).Trim();

    [GeneratedRegex(@"<h1[^>]*>(.*?)</h1>", RegexOptions.Singleline)]
    private static partial Regex H1();

    [GeneratedRegex(@"<p class=""subject"">(.*?)</p>", RegexOptions.Singleline)]
    private static partial Regex SubjectLine();

    [GeneratedRegex(@"<p(?:\s[^>]*)?>(?<p>.*?)</p>|<table[^>]*>(?<t>.*?)</table>", RegexOptions.Singleline)]
    private static partial Regex Block();

    [GeneratedRegex(@"<tr[^>]*>(.*?)</tr>", RegexOptions.Singleline)]
    private static partial Regex Row();

    [GeneratedRegex(@"<t[hd][^>]*>(.*?)</t[hd]>", RegexOptions.Singleline)]
    private static partial Regex Cell();

    [GeneratedRegex(@"<[^>]+>")]
    private static partial Regex Tag();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
