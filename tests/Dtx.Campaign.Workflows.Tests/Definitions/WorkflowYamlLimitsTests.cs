using Dtx.Campaign.Workflows.Definitions;

namespace Dtx.Campaign.Workflows.Tests.Definitions;

/// <summary>Workflow definitions go through the same YAML limits as index sets.</summary>
public sealed class WorkflowYamlLimitsTests
{
    [Fact]
    public void Nesting_100000_levels_deep_is_refused_at_its_line()
    {
        var yaml = "key: w\nversion: 1\nstages: " + new string('[', 100_000) + new string(']', 100_000) + "\n";
        var problem = Assert.Single(WorkflowDefinitionReader.Read(yaml, "deep.yaml", Runtime.TestWorkflows.Catalog).Problems);
        Assert.StartsWith("deep.yaml:3: (limit): ", problem.ToString(), StringComparison.Ordinal);
        Assert.EndsWith("(limit: depth)", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nested_aliases_are_refused_by_the_expanded_node_count()
    {
        var lines = new List<string> { "key: w", "a0: &a0 [x, x, x, x, x, x, x, x, x]" };
        for (var i = 1; i <= 8; i++)
            lines.Add($"a{i}: &a{i} [{string.Join(", ", Enumerable.Repeat($"*a{i - 1}", 9))}]");
        lines.Add("stages: [*a8]");
        var problem = Assert.Single(WorkflowDefinitionReader.Read(string.Join('\n', lines), "laughs.yaml", Runtime.TestWorkflows.Catalog).Problems);
        Assert.EndsWith("(limit: nodes)", problem.Message, StringComparison.Ordinal);
    }
}
