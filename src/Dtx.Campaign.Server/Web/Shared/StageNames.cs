using Dtx.Campaign.Workflows.Definitions;
using Dtx.Campaign.Workflows.Storage;

namespace Dtx.Campaign.Server.Web;

/// <summary>A workflow stage's name as its definition gives it, in the reader's language.</summary>
internal static class StageNames
{
    public static string Of(IWorkflowDefinitionStore definitions, WorkflowInstance instance, UiText text) =>
        Of(definitions.Find(instance.DefinitionKey, instance.DefinitionVersion), instance.CurrentStage, text);

    public static string Of(WorkflowDefinition? definition, string stage, UiText text) =>
        definition?.Stages.FirstOrDefault(s => s.Key == stage) is { } found ? (text.Language == "en" ? found.Name.En : found.Name.Vi) : stage;
}
