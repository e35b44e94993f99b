using Dtx.Campaign.Scoring.IndexSets;

namespace Dtx.Campaign.Scoring.Tests.Yaml;

/// <summary>The index-set reader refuses hostile YAML by its limits, before loading it.</summary>
public sealed class YamlLimitsTests
{
    [Fact]
    public void Nesting_100000_levels_deep_is_refused_naming_the_depth_limit_and_line()
    {
        var result = IndexSetYamlReader.Read(HostileYaml.DeepNesting());
        Assert.Null(result.Set);
        var problem = Assert.Single(result.Problems);
        Assert.Equal((2, IndexSetYamlReader.LimitField, "depth"), (problem.Line, problem.Field, problem.Limit));
        Assert.Equal(("yaml.too-deep", 64L), (problem.Reason.Code, problem.Reason.Args["max"]));
        Assert.Equal("nesting deeper than 64 levels (limit: depth)", problem.Text("en"));
        Assert.Equal("các mục lồng nhau quá 64 cấp (giới hạn: depth)", problem.Text("vi"));
    }

    [Fact]
    public void Nested_aliases_are_refused_by_the_expanded_node_count()
    {
        var result = IndexSetYamlReader.Read(HostileYaml.BillionLaughs());
        var problem = Assert.Single(result.Problems);
        Assert.Equal(IndexSetYamlReader.LimitField, problem.Field);
        Assert.Equal("nodes", problem.Limit);
        Assert.Equal("more than 200000 nodes once aliases are expanded (limit: nodes)", problem.Text("en"));
    }

    [Fact]
    public void A_text_over_the_size_limit_is_refused_without_parsing()
    {
        var result = IndexSetYamlReader.Read("key: t\n# " + new string('x', 3 * 1024 * 1024));
        var problem = Assert.Single(result.Problems);
        Assert.Equal("size", problem.Limit);
        Assert.Equal($"tệp dài {3 * 1024 * 1024 + 9} ký tự, tối đa 2097152 ký tự (giới hạn: size)", problem.Text("vi"));
    }

    [Fact]
    public void Aliases_used_a_few_times_and_64_levels_of_nesting_are_still_read()
    {
        var yaml = "key: t\nx: &x {vi: a, en: b}\ny: *x\nz: " + new string('[', 63) + new string(']', 63) + "\n";
        var result = IndexSetYamlReader.Read(yaml);
        // Refused for its content (unknown fields), not for a limit.
        Assert.DoesNotContain(result.Problems, p => p.Field == IndexSetYamlReader.LimitField);
        Assert.NotEmpty(result.Problems);
    }
}
