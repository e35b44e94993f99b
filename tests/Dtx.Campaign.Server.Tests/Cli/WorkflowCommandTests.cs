using Dtx.Campaign.Server.Cli;
using Dtx.Campaign.Server.Tests.Infrastructure;

namespace Dtx.Campaign.Server.Tests.Cli;

public sealed class WorkflowCommandTests
{
    private static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        // Workflow commands read files only: asking for services would be a defect.
        var exit = await AdminCli.RunAsync(args, output, error, () => throw new InvalidOperationException("no services expected"));
        return (exit, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("annual-campaign.v1.yaml", "'annual-campaign' v1 is valid (10 stages)")]
    [InlineData("unit-extension.v1.yaml", "'unit-extension' v1 is valid")]
    public async Task The_shipped_definitions_validate(string file, string summary)
    {
        var (exit, output, _) = await RunAsync("workflow", "validate", Path.Combine(RepositoryFiles.Root, "workflows", file));
        Assert.Equal(0, exit);
        Assert.Contains(summary, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Graph_prints_Mermaid_with_the_current_stage_marked()
    {
        var (exit, output, _) = await RunAsync("workflow", "graph", Path.Combine(RepositoryFiles.Root, "workflows", "annual-campaign.v1.yaml"), "--current", "self-assessment");
        Assert.Equal(0, exit);
        Assert.StartsWith("stateDiagram-v2", output, StringComparison.Ordinal);
        Assert.Contains("Hội đồng thẩm định / Council verification", output, StringComparison.Ordinal);
        Assert.Contains("class self_assessment current", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_broken_definition_exits_1_naming_file_line_and_field()
    {
        var (exit, _, error) = await RunAsync("workflow", "validate",
            Path.Combine(RepositoryFiles.Root, "tests", "Dtx.Campaign.Workflows.Tests", "BrokenDefinitions", "unknown-stage-in-transition.yaml"));
        Assert.Equal(1, exit);
        Assert.Contains("unknown-stage-in-transition.yaml:12: stages[1].transitions[0].to: unknown stage 'verfication'", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_file_exits_1()
    {
        var (exit, _, error) = await RunAsync("workflow", "validate", "/nonexistent/definition.yaml");
        Assert.Equal(1, exit);
        Assert.Contains("no such file", error, StringComparison.Ordinal);
    }
}
