namespace Dtx.Campaign.Workflows.Definitions;

/// <summary>The loaded definitions, every version of each: running instances stay on theirs.</summary>
public interface IWorkflowDefinitionStore
{
    IReadOnlyList<WorkflowDefinition> All { get; }

    WorkflowDefinition? Find(string key, int version);

    WorkflowDefinition? Latest(string key);
}

public sealed class WorkflowDefinitionStore : IWorkflowDefinitionStore
{
    public WorkflowDefinitionStore(IEnumerable<WorkflowDefinition> definitions)
    {
        All = definitions.OrderBy(d => d.Key, StringComparer.Ordinal).ThenBy(d => d.Version).ToList();
        var duplicate = All.GroupBy(d => (d.Key, d.Version)).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new WorkflowDefinitionException(
                $"Workflow '{duplicate.Key.Key}' v{duplicate.Key.Version} is defined twice: {string.Join(", ", duplicate.Select(d => d.FileName))}.", []);
        }
    }

    public IReadOnlyList<WorkflowDefinition> All { get; }

    public WorkflowDefinition? Find(string key, int version) => All.FirstOrDefault(d => d.Key == key && d.Version == version);

    public WorkflowDefinition? Latest(string key) => All.LastOrDefault(d => d.Key == key);

    /// <summary>Loads every <c>*.yaml</c> of a folder; throws with every problem of every file.</summary>
    public static WorkflowDefinitionStore FromDirectory(string directory, WorkflowCatalog catalog)
    {
        var results = Directory.GetFiles(directory, "*.yaml").Order(StringComparer.Ordinal)
            .Select(f => WorkflowDefinitionReader.ReadFile(f, catalog)).ToList();
        var problems = results.SelectMany(r => r.Problems).ToList();
        if (problems.Count > 0)
        {
            throw new WorkflowDefinitionException(
                "Invalid workflow definitions:" + Environment.NewLine + string.Join(Environment.NewLine, problems), problems);
        }

        return new WorkflowDefinitionStore(results.Select(r => r.Definition!));
    }
}

public sealed class WorkflowDefinitionException(string message, IReadOnlyList<WorkflowProblem> problems) : Exception(message)
{
    public IReadOnlyList<WorkflowProblem> Problems { get; } = problems;
}
