namespace Dtx.Campaign.Scoring.Tests.Yaml;

/// <summary>YAML texts built to exhaust a parser: deep nesting (stack) and nested aliases (time and memory).</summary>
public static class HostileYaml
{
    /// <summary><c>groups: [[[[…]]]]</c>, 100 000 levels deep: about 200 KB.</summary>
    public static string DeepNesting(int depth = 100_000) => "key: t\ngroups: " + new string('[', depth) + new string(']', depth) + "\n";

    /// <summary>Nine levels of nine aliases each: 9^9 (387 million) nodes once expanded, under 1 KB as written.</summary>
    public static string BillionLaughs()
    {
        var lines = new List<string> { "key: t", "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]" };
        for (var i = 1; i <= 8; i++)
            lines.Add($"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 9))}]");
        lines.Add("groups: [*a8]");
        return string.Join('\n', lines) + "\n";
    }
}
