namespace Dtx.Campaign.Workflows.Definitions;

/// <summary>
/// The <c>workflow validate FILE</c> and <c>workflow graph FILE [--dot]</c> subcommands; the host's
/// command line dispatches to these. They return the process exit code.
/// </summary>
public static class WorkflowCommands
{
    public static int Validate(string path, TextWriter output, TextWriter error, WorkflowCatalog? catalog = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (!File.Exists(path))
        {
            error.WriteLine($"{path}: no such file.");
            return 1;
        }

        var result = WorkflowDefinitionReader.ReadFile(path, catalog ?? WorkflowCatalog.Default);
        if (!result.IsValid)
        {
            foreach (var problem in result.Problems)
            {
                error.WriteLine(problem);
            }

            return 1;
        }

        var definition = result.Definition!;
        output.WriteLine($"{Path.GetFileName(path)}: '{definition.Key}' v{definition.Version} is valid ({definition.Stages.Count} stages).");
        return 0;
    }

    public static int Graph(string path, TextWriter output, TextWriter error, bool dot = false, string? currentStage = null, WorkflowCatalog? catalog = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (!File.Exists(path))
        {
            error.WriteLine($"{path}: no such file.");
            return 1;
        }

        var result = WorkflowDefinitionReader.ReadFile(path, catalog ?? WorkflowCatalog.Default);
        if (!result.IsValid)
        {
            foreach (var problem in result.Problems)
            {
                error.WriteLine(problem);
            }

            return 1;
        }

        output.Write(dot ? WorkflowGraph.ToDot(result.Definition!, currentStage) : WorkflowGraph.ToMermaid(result.Definition!, currentStage));
        return 0;
    }
}
