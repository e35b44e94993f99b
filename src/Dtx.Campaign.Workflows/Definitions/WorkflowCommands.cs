namespace Dtx.Campaign.Workflows.Definitions;

/// <summary>
/// The <c>workflow validate FILE</c> and <c>workflow graph FILE [--dot]</c> subcommands; the host's
/// command line dispatches to these. They return the process exit code: 0 done, 1 refused.
/// </summary>
public static class WorkflowCommands
{
    public static int Validate(string path, TextWriter output, TextWriter error, WorkflowCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (Read(path, error, catalog) is not { } definition)
            return 1;
        output.WriteLine($"{Path.GetFileName(path)}: '{definition.Key}' v{definition.Version} is valid ({definition.Stages.Count} stages).");
        return 0;
    }

    public static int Graph(string path, TextWriter output, TextWriter error, WorkflowCatalog catalog, bool dot = false, string? currentStage = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (Read(path, error, catalog) is not { } definition)
            return 1;
        output.Write(dot ? WorkflowGraph.ToDot(definition, currentStage) : WorkflowGraph.ToMermaid(definition, currentStage));
        return 0;
    }

    /// <summary>The valid definition in the file, or null after writing every problem to <paramref name="error"/>.</summary>
    private static WorkflowDefinition? Read(string path, TextWriter error, WorkflowCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(error);
        if (!File.Exists(path))
        {
            error.WriteLine($"{path}: no such file.");
            return null;
        }
        var result = WorkflowDefinitionReader.ReadFile(path, catalog);
        foreach (var problem in result.Problems)
            error.WriteLine(problem);
        return result.IsValid ? result.Definition : null;
    }
}
