using System.Text;

namespace Dtx.Campaign.Workflows.Definitions;

/// <summary>Pictures of a definition (and optionally where an instance stands in it).</summary>
public static class WorkflowGraph
{
    /// <summary>A Mermaid <c>stateDiagram-v2</c>; the current stage, if any, gets the class <c>current</c>.</summary>
    public static string ToMermaid(WorkflowDefinition definition, string? currentStage = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var text = new StringBuilder();
        text.AppendLine("stateDiagram-v2");
        foreach (var stage in definition.Stages)
        {
            text.AppendLine($"    state \"{Escape(stage.Name.Vi)} / {Escape(stage.Name.En)}\" as {Id(stage.Key)}");
        }

        text.AppendLine($"    [*] --> {Id(definition.InitialStage.Key)}");
        foreach (var stage in definition.Stages)
        {
            foreach (var (to, label) in stage.Edges())
            {
                text.AppendLine($"    {Id(stage.Key)} --> {Id(to)} : {Escape(label).Replace(":", " ", StringComparison.Ordinal)}");
            }
        }

        text.AppendLine($"    {Id(definition.FinalStage.Key)} --> [*]");
        if (currentStage is not null)
        {
            text.AppendLine("    classDef current fill:#ffd54f,stroke:#e65100,stroke-width:3px");
            text.AppendLine($"    class {Id(currentStage)} current");
        }

        return text.ToString();
    }

    /// <summary>A Graphviz DOT digraph; the current stage, if any, is filled and bold.</summary>
    public static string ToDot(WorkflowDefinition definition, string? currentStage = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var text = new StringBuilder();
        text.AppendLine($"digraph \"{Escape(definition.Key)}-v{definition.Version}\" {{");
        text.AppendLine("    rankdir=LR;");
        text.AppendLine("    node [shape=box, style=rounded];");
        foreach (var stage in definition.Stages)
        {
            var attributes = $"label=\"{Escape(stage.Name.Vi)}\\n{Escape(stage.Name.En)}\"";
            if (stage.IsFinal)
            {
                attributes += ", peripheries=2";
            }

            if (stage.Key == currentStage)
            {
                attributes += ", style=\"rounded,filled,bold\", fillcolor=\"#ffd54f\", color=\"#e65100\"";
            }

            text.AppendLine($"    \"{stage.Key}\" [{attributes}];");
        }

        foreach (var stage in definition.Stages)
        {
            foreach (var (to, label) in stage.Edges())
            {
                text.AppendLine($"    \"{stage.Key}\" -> \"{to}\" [label=\"{Escape(label)}\"];");
            }
        }

        text.AppendLine("}");
        return text.ToString();
    }

    private static string Id(string key) => key.Replace('-', '_').Replace('.', '_');

    private static string Escape(string text) => text.Replace("\"", "'", StringComparison.Ordinal);
}
