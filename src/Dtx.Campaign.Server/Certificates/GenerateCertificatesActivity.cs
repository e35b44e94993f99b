using Dtx.Campaign.Server.Awards;
using Dtx.Campaign.Workflows.Activities;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Certificates;

/// <summary>On publication, makes sure the confirmed awards' certificates are queued for printing (confirming them queues them too).</summary>
internal sealed class GenerateCertificatesActivity(CertificatePrinter printer) : IActivity
{
    public string Name => "generate-certificates";

    public async ValueTask<ActivityOutcome> ExecuteAsync(ActivityContext context, CancellationToken cancellationToken)
    {
        var campaignId = Guid.Parse(context.CorrelationId);
        var awards = await context.Db.Set<Award>().CountAsync(a => a.CampaignId == campaignId, cancellationToken);
        if (awards == 0)
            return new ActivityOutcome("waiting", "the chair has not confirmed the awards yet; confirming them queues the certificates");
        await printer.QueueAsync(campaignId, awards, cancellationToken);
        return new ActivityOutcome("queued", $"{awards} certificate(s) queued for printing");
    }
}
