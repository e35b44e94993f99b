using Dtx.Campaign.Workflows.Activities;

namespace Dtx.Campaign.Server.Results;

/// <summary>Computes and stores the preliminary or final results when the workflow enters their stage (once: a re-run changes nothing).</summary>
internal sealed class ComputeResultsActivity(ResultsBook book) : IActivity
{
    public string Name => "compute-results";

    public async ValueTask<ActivityOutcome> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var kind = context.Parameter("kind") ?? ResultKinds.Final;
        var set = await book.ComputeAsync(Guid.Parse(context.CorrelationId), kind, context.Actor.Id, cancellationToken);
        return new ActivityOutcome("computed", $"{kind} results, SHA-256 {set.Checksum[..12]}…");
    }
}

/// <summary>Publishes stored results: preliminary to each unit (its own), final to the public.</summary>
internal sealed class PublishResultsActivity(ResultsBook book) : IActivity
{
    public string Name => "publish-results";

    public async ValueTask<ActivityOutcome> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var kind = context.Parameter("kind") ?? ResultKinds.Final;
        var campaignId = Guid.Parse(context.CorrelationId);
        // The final results are computed when disputes are approved; compute now if that step has not run.
        await book.ComputeAsync(campaignId, kind, context.Actor.Id, cancellationToken);
        var set = await book.PublishAsync(campaignId, kind, cancellationToken);
        return new ActivityOutcome("published", $"{kind} results published at {set!.PublishedAt:u}");
    }
}
