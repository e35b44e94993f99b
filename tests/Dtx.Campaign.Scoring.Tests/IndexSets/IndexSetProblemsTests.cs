using Dtx.Campaign.Scoring.IndexSets;

namespace Dtx.Campaign.Scoring.Tests.IndexSets;

/// <summary>Each rule of the reader and the validator, with a file that breaks it.</summary>
public sealed class IndexSetProblemsTests
{
    private const string Head = """
        key: t
        version: 1
        name: {vi: "Thử", en: "Test"}
        legal-reference: "QĐ thử"
        level: department
        effective-year: 2025
        rating-bands:
          - {key: low, name: {vi: "Thấp", en: "Low"}, from: 0, to: 50}
          - {key: high, name: {vi: "Cao", en: "High"}, from: 50, to: 100}
        groups:
        """;

    private static IReadOnlyList<IndexSetProblem> Read(string groups, string? head = null)
    {
        var result = IndexSetYamlReader.Read((head ?? Head) + "\n" + groups);
        return result.Set is null ? result.Problems : IndexSetValidator.Validate(result.Set, UnitCategoryCatalog.Default);
    }

    private static IReadOnlyList<string> ProblemsOf(string groups, string? head = null, string language = "en") =>
        Read(groups, head).Select(p => $"{p.Line} {p.Field}: {p.Text(language)}").ToList();

    private static void AssertProblem(IReadOnlyList<string> problems, string expected) =>
        Assert.True(problems.Any(p => p.StartsWith(expected, StringComparison.Ordinal)), $"expected '{expected}' in:\n{string.Join("\n", problems)}");

    [Fact]
    public void Children_whose_maxima_do_not_add_up_are_rejected_naming_the_node_and_line() => AssertProblem(ProblemsOf("""
          - code: "1"
            name: {vi: a, en: a}
            max: 20
            children:
              - {code: "1.1", name: {vi: b, en: b}, max: 5, method: {kind: yes-no}}
              - {code: "1.2", name: {vi: c, en: c}, max: 10, method: {kind: yes-no}}
        """), "11 node 1.max: the children's maxima add up to 15, not 20");

    [Fact]
    public void A_duplicate_code_is_rejected() => AssertProblem(ProblemsOf("""
          - code: "1"
            name: {vi: a, en: a}
            max: 10
            children:
              - {code: "1.1", name: {vi: b, en: b}, max: 5, method: {kind: yes-no}}
              - {code: "1.1", name: {vi: c, en: c}, max: 5, method: {kind: yes-no}}
        """), "16 node 1.1.code: duplicate code '1.1' (first at line 15)");

    [Fact]
    public void A_child_code_that_does_not_extend_its_parent_is_rejected() => AssertProblem(ProblemsOf("""
          - code: "1"
            name: {vi: a, en: a}
            max: 5
            children:
              - {code: "2.1", name: {vi: b, en: b}, max: 5, method: {kind: yes-no}}
        """), "15 node 2.1.code: '2.1' is under '1' but does not extend its code");

    [Fact]
    public void Tiers_above_the_maximum_or_not_increasing_are_rejected()
    {
        var problems = ProblemsOf("""
              - code: "1"
                name: {vi: a, en: a}
                max: 10
                children:
                  - code: "1.1"
                    name: {vi: b, en: b}
                    max: 10
                    method: {kind: tiers, tiers: [{at-least: 2, points: 5}, {at-least: 1, points: 12}]}
            """);
        AssertProblem(problems, "15 node 1.1.method.tiers[1].points: 12 points exceed the indicator's maximum 10");
        AssertProblem(problems, "15 node 1.1.method.tiers[1].at-least: thresholds must increase: 1 follows 2");
    }

    [Fact]
    public void A_count_cap_above_the_maximum_and_a_bad_ratio_target_are_rejected()
    {
        var problems = ProblemsOf("""
              - code: "1"
                name: {vi: a, en: a}
                max: 20
                children:
                  - {code: "1.1", name: {vi: b, en: b}, max: 10, method: {kind: count, per-item: 2, cap: 15}}
                  - {code: "1.2", name: {vi: c, en: c}, max: 10, method: {kind: ratio, target: 1.5}}
            """);
        AssertProblem(problems, "15 node 1.1.method.cap: the cap 15 exceeds the indicator's maximum 10");
        AssertProblem(problems, "16 node 1.2.method.target: a ratio target must be above 0 and at most 1");
    }

    [Fact]
    public void Bands_that_overlap_or_leave_a_gap_are_rejected()
    {
        const string groups = """
              - code: "1"
                name: {vi: a, en: a}
                max: 5
                children:
                  - {code: "1.1", name: {vi: b, en: b}, max: 5, method: {kind: yes-no}}
            """;
        var gap = Head.Replace("from: 50, to: 100", "from: 60, to: 100", StringComparison.Ordinal);
        AssertProblem(ProblemsOf(groups, gap), " rating-bands.high.from: leaves a gap after band 'low': 50 to 60 has no rating");
        var overlap = Head.Replace("from: 50, to: 100", "from: 40, to: 100", StringComparison.Ordinal);
        AssertProblem(ProblemsOf(groups, overlap), " rating-bands.high.from: overlaps band 'low'");
    }

    [Fact]
    public void An_applicability_flag_the_category_does_not_define_is_rejected() => AssertProblem(ProblemsOf("""
          - code: "1"
            name: {vi: a, en: a}
            max: 5
            applies-to: {flag: seaport}
            children:
              - {code: "1.1", name: {vi: b, en: b}, max: 5, method: {kind: yes-no}}
        """), "11 node 1.applies-to.flag: flag 'seaport' is not defined for 'department' units (defined: digital-economy)");

    [Fact]
    public void Wrong_types_unknown_fields_and_unknown_methods_are_reported_with_their_lines()
    {
        var problems = ProblemsOf("""
              - code: "1"
                name: {vi: a, en: a}
                max: abc
                colour: red
                children:
                  - {code: "1.1", name: {vi: b, en: b}, max: 5, method: {kind: guess}}
            """);
        AssertProblem(problems, "13 groups[0](1).max: 'abc' is not a number (use a dot for decimals)");
        AssertProblem(problems, "14 groups[0](1).colour: unknown field 'colour'");
        AssertProblem(problems, "16 groups[0](1).children[0](1.1).method.kind: unknown method 'guess'");
    }

    [Fact]
    public void A_YAML_syntax_error_is_reported_with_its_line() =>
        AssertProblem(ProblemsOf("  - code: \"1\"\n    name: {vi: a, en: a\n"), "13 (yaml): YAML syntax error: While parsing a flow mapping");

    [Fact]
    public void The_validator_s_problems_carry_their_code_and_read_in_Vietnamese_with_Vietnamese_numbers()
    {
        const string groups = """
              - code: "1"
                name: {vi: a, en: a}
                max: 20
                children:
                  - code: "1.1"
                    name: {vi: b, en: b}
                    max: 10.5
                    method: {kind: tiers, tiers: [{at-least: 2, points: 5}, {at-least: 1, points: 4}]}
                  - {code: "1.2", name: {vi: c, en: c}, max: 10, method: {kind: ratio, target: 1.5}}
            """;
        var problems = Read(groups);
        Assert.Equal(["index-set.children-sum", "index-set.tiers-increase", "index-set.tier-points-decrease", "index-set.ratio-target"],
            problems.Select(p => p.Reason.Code));
        Assert.Equal(20.5m, problems[0].Reason.Args["sum"]);
        var vi = ProblemsOf(groups, language: "vi");
        AssertProblem(vi, "11 node 1.max: tổng điểm tối đa của các chỉ tiêu con là 20,5, không phải 20");
        AssertProblem(vi, "15 node 1.1.method.tiers[1].at-least: các ngưỡng phải tăng dần: 1 đứng sau 2");
        AssertProblem(vi, "19 node 1.2.method.target: mục tiêu của phương pháp tỷ lệ phải lớn hơn 0 và không quá 1 (đang là 1,5)");
    }

    [Fact]
    public void The_reader_s_problems_carry_their_code_and_read_in_Vietnamese_quoting_the_file_as_written()
    {
        const string groups = """
              - code: "1"
                name: {vi: a, en: a}
                max: mười
                colour: red
                children:
                  - {code: "1.1", name: {vi: b, en: b}, max: 5, method: {kind: guess}, scored: maybe}
            """;
        var problems = Read(groups);
        Assert.Equal(["yaml.unknown-field", "file.not-number", "index-set.unknown-method", "yaml.not-boolean"], problems.Select(p => p.Reason.Code));
        Assert.Equal("mười", problems[1].Reason.Args["value"]);
        var vi = ProblemsOf(groups, language: "vi");
        AssertProblem(vi, "13 groups[0](1).max: 'mười' không phải là số (dùng dấu chấm cho phần thập phân)");
        AssertProblem(vi, "14 groups[0](1).colour: trường 'colour' không có trong mẫu (các trường được dùng: code, name, max, method, children,");
        AssertProblem(vi, "16 groups[0](1).children[0](1.1).method.kind: phương pháp chấm 'guess' không tồn tại (dùng: yes-no, ratio, tiers, count, council)");
        AssertProblem(vi, "16 groups[0](1).children[0](1.1).scored: 'maybe' không phải true hoặc false");
        // No limit is named by a content mistake.
        Assert.All(problems, p => Assert.Null(p.Limit));
    }

    [Fact]
    public void A_decimal_comma_is_refused_rather_than_read_as_a_thousands_separator()
    {
        // "1,5" is one and a half to a Vietnamese clerk; read with thousands separators it was 15, silently.
        const string groups = """
              - code: "1"
                name: {vi: a, en: a}
                max: "1,5"
                children:
                  - {code: "1.1", name: {vi: b, en: b}, max: 1.5, method: {kind: yes-no}}
            """;
        var problems = Read(groups);
        Assert.Equal(["file.not-number"], problems.Select(p => p.Reason.Code));
        AssertProblem(ProblemsOf(groups, language: "vi"), "13 groups[0](1).max: '1,5' không phải là số (dùng dấu chấm cho phần thập phân)");
        Assert.True(DecimalText.TryParse(" -1.5 ", out var value) && value == -1.5m);
        Assert.False(DecimalText.TryParse("1,500", out _));
    }
}
