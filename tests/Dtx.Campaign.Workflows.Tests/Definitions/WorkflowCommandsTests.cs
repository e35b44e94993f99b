using System.Text.Json;
using Dtx.Campaign.Workflows.Definitions;

namespace Dtx.Campaign.Workflows.Tests.Definitions;

public class WorkflowCommandsTests
{
    [Theory]
    [InlineData("annual-campaign.v1.yaml")]
    [InlineData("annual-campaign.v2.yaml")]
    [InlineData("annual-campaign.v3.yaml")]
    [InlineData("annual-campaign.v4.yaml")]
    [InlineData("unit-extension.v1.yaml")]
    [InlineData("unit-assessment.v1.yaml")]
    public void Validate_accepts_the_shipped_definitions(string file)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(0, WorkflowCommands.Validate(WorkflowDefinitionReaderTests.ShippedPath(file), output, error, Runtime.TestWorkflows.Catalog));
        Assert.Contains("is valid", output.ToString(), StringComparison.Ordinal);
        Assert.Empty(error.ToString());
    }

    [Fact]
    public void Validate_names_file_line_and_field_of_each_problem()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var path = Path.Combine(AppContext.BaseDirectory, "BrokenDefinitions", "unknown-role.yaml");
        Assert.Equal(1, WorkflowCommands.Validate(path, output, error, Runtime.TestWorkflows.Catalog));
        Assert.StartsWith("unknown-role.yaml:8: stages[0].gate.role: unknown role 'council-chairman'", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Graph_prints_mermaid_or_dot()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.Equal(0, WorkflowCommands.Graph(WorkflowDefinitionReaderTests.ShippedPath("unit-assessment.v1.yaml"), output, error, Runtime.TestWorkflows.Catalog));
        Assert.StartsWith("stateDiagram-v2", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("returned_for_clarification --> resubmitted", output.ToString(), StringComparison.Ordinal);

        using var dot = new StringWriter();
        Assert.Equal(0, WorkflowCommands.Graph(WorkflowDefinitionReaderTests.ShippedPath("unit-assessment.v1.yaml"), dot, error, Runtime.TestWorkflows.Catalog, dot: true, currentStage: "verified"));
        Assert.StartsWith("digraph", dot.ToString(), StringComparison.Ordinal);
        Assert.Equal(1, WorkflowCommands.Graph("no-such-file.yaml", dot, error, Runtime.TestWorkflows.Catalog)); // a missing file is refused input, like every admin command
    }

    [Fact]
    public void The_published_schema_allows_exactly_the_fields_the_reader_knows()
    {
        using var schema = JsonDocument.Parse(File.ReadAllText(WorkflowDefinitionReaderTests.ShippedPath("workflow.schema.json")));
        var defs = schema.RootElement.GetProperty("$defs");
        static string[] Names(JsonElement element) => [.. element.GetProperty("properties").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal)];
        static string[] Sorted(string[] fields) => [.. fields.Order(StringComparer.Ordinal)];

        Assert.Equal(Sorted(WorkflowDefinitionReader.RootFields), Names(schema.RootElement));
        Assert.Equal(Sorted(WorkflowDefinitionReader.NameFields), Names(defs.GetProperty("name")));
        Assert.Equal(Sorted(WorkflowDefinitionReader.StageFields), Names(defs.GetProperty("stage")));
        Assert.Equal(Sorted(WorkflowDefinitionReader.TimerFields), Names(defs.GetProperty("timer")));
        Assert.Equal(Sorted(WorkflowDefinitionReader.GateFields), Names(defs.GetProperty("stage").GetProperty("properties").GetProperty("gate")));
        Assert.Equal(Sorted(WorkflowDefinitionReader.TransitionFields), Names(defs.GetProperty("transition")));
    }
}
