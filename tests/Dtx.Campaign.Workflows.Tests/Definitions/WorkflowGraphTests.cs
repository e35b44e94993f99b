using Dtx.Campaign.Workflows.Definitions;

namespace Dtx.Campaign.Workflows.Tests.Definitions;

public class WorkflowGraphTests
{
    private readonly WorkflowDefinition _annual = WorkflowDefinitionReaderTests.LoadShipped("annual-campaign.v1.yaml");

    [Fact]
    public void Mermaid_contains_every_stage_and_marks_the_current_one()
    {
        var mermaid = WorkflowGraph.ToMermaid(_annual, "council-verification");

        Assert.StartsWith("stateDiagram-v2", mermaid, StringComparison.Ordinal);
        foreach (var stage in _annual.Stages)
        {
            Assert.Contains($" as {stage.Key.Replace('-', '_')}", mermaid, StringComparison.Ordinal);
        }

        Assert.Contains("class council_verification current", mermaid, StringComparison.Ordinal);
        Assert.Contains("council_verification --> preliminary_results : approval council-chair", mermaid, StringComparison.Ordinal);
        Assert.DoesNotContain("class ", WorkflowGraph.ToMermaid(_annual), StringComparison.Ordinal);
    }

    [Fact]
    public void Dot_contains_every_stage_and_marks_the_current_one()
    {
        var dot = WorkflowGraph.ToDot(_annual, "dispute-window");

        Assert.StartsWith("digraph", dot, StringComparison.Ordinal);
        foreach (var stage in _annual.Stages)
        {
            Assert.Contains($"\"{stage.Key}\" [", dot, StringComparison.Ordinal);
        }

        var marked = dot.Split('\n').Where(l => l.Contains("filled", StringComparison.Ordinal)).ToList();
        Assert.Single(marked);
        Assert.Contains("\"dispute-window\"", marked[0], StringComparison.Ordinal);
    }
}
