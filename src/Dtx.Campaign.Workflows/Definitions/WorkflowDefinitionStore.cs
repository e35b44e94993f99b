namespace Dtx.Campaign.Workflows.Definitions;

/// <summary>The loaded definitions, every version of each: running instances stay on theirs.</summary>
public interface IWorkflowDefinitionStore
{
    IReadOnlyList<WorkflowDefinition> All { get; }

    WorkflowDefinition? Find(string key, int version);

    WorkflowDefinition? Latest(string key);

    /// <summary>The YAML a loaded version was read from, when the store has it (files do); pinned into the database by the runtime.</summary>
    string? TextOf(string key, int version) => null;

    /// <summary>The catalog the definitions were checked against; a pinned text read back from the database is checked against it too.</summary>
    WorkflowCatalog Catalog { get; }
}

public sealed class WorkflowDefinitionStore : IWorkflowDefinitionStore
{
    private readonly Dictionary<(string, int), string> _texts = [];

    public WorkflowDefinitionStore(IEnumerable<WorkflowDefinition> definitions, WorkflowCatalog catalog)
        : this(definitions.Select(d => (d, (string?)null)), catalog)
    {
    }

    private WorkflowDefinitionStore(IEnumerable<(WorkflowDefinition Definition, string? Text)> loaded, WorkflowCatalog catalog)
    {
        Catalog = catalog;
        var definitions = loaded.ToList();
        foreach (var (definition, text) in definitions)
        {
            if (text is not null)
            {
                _texts[(definition.Key, definition.Version)] = text;
            }
        }

        All = definitions.Select(d => d.Definition).OrderBy(d => d.Key, StringComparer.Ordinal).ThenBy(d => d.Version).ToList();
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

    public WorkflowCatalog Catalog { get; }

    public string? TextOf(string key, int version) => _texts.GetValueOrDefault((key, version));

    /// <summary>Loads every <c>*.yaml</c> of a folder; throws with every problem of every file.</summary>
    public static WorkflowDefinitionStore FromDirectory(string directory, WorkflowCatalog catalog)
    {
        return FromFiles(Directory.GetFiles(directory, "*.yaml").Order(StringComparer.Ordinal), catalog);
    }

    /// <summary>Loads the given files, keeping each one's text (for pinning); throws with every problem of every file.</summary>
    public static WorkflowDefinitionStore FromFiles(IEnumerable<string> paths, WorkflowCatalog catalog)
    {
        var texts = paths.Select(p => (Path: p, Text: File.ReadAllText(p))).ToList();
        var results = texts.Select(t => WorkflowDefinitionReader.Read(t.Text, Path.GetFileName(t.Path), catalog)).ToList();
        var problems = results.SelectMany(r => r.Problems).ToList();
        if (problems.Count > 0)
        {
            throw new WorkflowDefinitionException(
                "Invalid workflow definitions:" + Environment.NewLine + string.Join(Environment.NewLine, problems), problems);
        }

        return new WorkflowDefinitionStore(results.Select((r, i) => (r.Definition!, (string?)texts[i].Text)), catalog);
    }
}

public sealed class WorkflowDefinitionException(string message, IReadOnlyList<WorkflowProblem> problems) : Exception(message)
{
    public IReadOnlyList<WorkflowProblem> Problems { get; } = problems;
}
