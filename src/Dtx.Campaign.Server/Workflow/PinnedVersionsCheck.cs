using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Workflows.Definitions;

namespace Dtx.Campaign.Server.Workflow;

/// <summary>
/// At start-up (after the database is migrated): pins the definition versions running instances use,
/// and refuses to start, naming the file, if a shipped file of a pinned version was changed.
/// </summary>
internal sealed class PinnedVersionsCheck(IServiceScopeFactory scopes, TimeProvider clock) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var problems = await DefinitionPins.CheckShippedAsync(
            scope.ServiceProvider.GetRequiredService<CampaignDbContext>(),
            scope.ServiceProvider.GetRequiredService<IWorkflowDefinitionStore>(),
            clock.GetUtcNow().UtcDateTime, cancellationToken);
        if (problems.Count > 0)
            throw new InvalidOperationException("Workflow definitions changed under running campaigns; not starting:" + Environment.NewLine + string.Join(Environment.NewLine, problems));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
