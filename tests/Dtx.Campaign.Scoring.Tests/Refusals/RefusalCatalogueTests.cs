using System.Text.RegularExpressions;
using Dtx.Campaign.Scoring.Refusals;

namespace Dtx.Campaign.Scoring.Tests.Refusals;

/// <summary>Every refusal and label is written in both languages, with the same placeholders, and every code the source throws exists.</summary>
public sealed partial class RefusalCatalogueTests
{
    [Fact]
    public void Every_code_has_Vietnamese_and_English_text_with_the_same_placeholders()
    {
        var faults = new List<string>();
        foreach (var (code, (vi, en)) in RefusalTexts.Texts.Concat(RefusalTexts.Labels)
            .Concat(RefusalTexts.TitleTexts.Select(t => KeyValuePair.Create("title." + t.Key, t.Value))))
        {
            if (string.IsNullOrWhiteSpace(vi) || string.IsNullOrWhiteSpace(en))
                faults.Add($"{code}: a language is missing");
            else if (vi == en)
                faults.Add($"{code}: the Vietnamese text is the English one");
            else if (!RefusalTexts.PlaceholdersOf(vi).SequenceEqual(RefusalTexts.PlaceholdersOf(en)))
                faults.Add($"{code}: placeholders differ ({string.Join(",", RefusalTexts.PlaceholdersOf(vi))} / {string.Join(",", RefusalTexts.PlaceholdersOf(en))})");
        }
        Assert.Empty(faults);
        Assert.True(RefusalTexts.Texts.Count > 100, $"only {RefusalTexts.Texts.Count} codes");
    }

    [Fact]
    public void Every_code_and_label_the_source_names_is_in_the_catalogue()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Dtx.Campaign.sln")))
            root = root.Parent;
        Assert.NotNull(root);
        var missing = new SortedSet<string>(StringComparer.Ordinal);
        var codes = 0;
        foreach (var file in Directory.EnumerateFiles(Path.Combine(root.FullName, "src"), "*.cs", SearchOption.AllDirectories))
        {
            var source = File.ReadAllText(file);
            foreach (Match m in ThrownCode().Matches(source))
            {
                codes++;
                if (!RefusalTexts.Texts.ContainsKey(m.Groups["code"].Value))
                    missing.Add($"{Path.GetFileName(file)}: {m.Groups["code"].Value}");
            }
            foreach (Match m in LabelKey().Matches(source))
                if (!RefusalTexts.Labels.ContainsKey(m.Groups["key"].Value))
                    missing.Add($"{Path.GetFileName(file)}: label {m.Groups["key"].Value}");
        }
        Assert.Empty(missing);
        Assert.True(codes > 100, $"only {codes} codes found in the source");
    }

    [Theory]
    [InlineData("vi", "Thẩm định chỉ thực hiện được ở giai đoạn Hội đồng thẩm định; đợt đánh giá đang ở giai đoạn “Tự đánh giá”")]
    [InlineData("en", "Verification is possible only in the stage(s) Council verification; the campaign is in 'Self-assessment'")]
    public void Stages_and_actions_are_shown_by_their_labels_never_their_keys(string language, string expected)
    {
        var refusal = Refusal.Conflict("stage.wrong", ("action", new Label("action.verify")),
            ("stages", new[] { new Label("stage.council-verification") }), ("stage", new Label("stage.self-assessment")));
        Assert.Equal(expected, refusal.Reasons[0].Text(language));
        Assert.Equal("stage.wrong", refusal.Code);
    }

    [Fact]
    public void Numbers_are_written_in_the_reader_s_language()
    {
        var reason = Reason.Of("input.numerator-exceeds", ("numerator", 12.5m), ("denominator", 10m));
        Assert.Equal("tử số (12,5) không được lớn hơn mẫu số (10)", reason.Text("vi"));
        Assert.Equal("the numerator (12.5) cannot exceed the denominator (10)", reason.Text("en"));
    }

    // Refusal.Invalid("field", "code", …), Refusal.Conflict("code", …), Reason.Of("code", …), Reason.For(field, "code", …)
    [GeneratedRegex(@"(?:Refusal\.(?:Conflict|Forbidden|NotFound)\(|Reason\.Of\(|Refusal\.Invalid\([^,()]*(?:\([^()]*\))?[^,()]*,\s*|Reason\.For\([^,()]*(?:\([^()]*\))?[^,()]*,\s*)""(?<code>[a-z-]+\.[a-z-]+|not-found)""")]
    private static partial Regex ThrownCode();

    [GeneratedRegex("""new Label\("(?<key>(?:action|stage)\.[a-z-]+)"\)""")]
    private static partial Regex LabelKey();
}
