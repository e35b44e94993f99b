using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Disputes;
using Dtx.Campaign.Server.Verification;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Results;

/// <summary>
/// What a unit may read of its own results once the council publishes them: its preliminary and final
/// result with the council's notes, its score history and its disputes. For the API and the unit's page.
/// </summary>
internal sealed class UnitResults(CampaignDbContext db, ResultsBook book, DisputeDesk disputes)
{
    /// <summary>Null when the unit does not take part in the campaign; a view without results when nothing is published yet.</summary>
    public async Task<ResultsApi.UnitResultsView?> GetAsync(Guid campaignId, Guid unitId, CancellationToken ct)
    {
        var participant = await db.Participants.AsNoTracking().FirstOrDefaultAsync(p => p.CampaignId == campaignId && p.UnitId == unitId, ct);
        if (participant is null)
            return null;
        // The unit's own rows, not the result documents (tens of megabytes for a national campaign).
        var results = await book.GetUnitAsync(campaignId, unitId, [ResultKinds.Preliminary, ResultKinds.Final], publishedOnly: true, ct);
        return new ResultsApi.UnitResultsView(results.GetValueOrDefault(ResultKinds.Preliminary), results.GetValueOrDefault(ResultKinds.Final),
            await VerificationProgress.History(db, participant.Id, ct),
            await disputes.ListAsync(campaignId, unitId, ct));
    }
}
