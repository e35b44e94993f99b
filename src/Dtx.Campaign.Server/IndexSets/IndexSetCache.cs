using System.Collections.Concurrent;
using Dtx.Campaign.Scoring.IndexSets;
using Dtx.Campaign.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.IndexSets;

/// <summary>
/// Parsed index sets by id. A stored version's content never changes under its id (a replaced draft
/// gets a new id), so a parsed set can be kept for the life of the process; saves then skip the JSON.
/// </summary>
internal sealed class IndexSetCache
{
    private readonly ConcurrentDictionary<Guid, IndexSet> sets = new();

    public async Task<IndexSet> GetAsync(CampaignDbContext db, Guid id, CancellationToken ct)
    {
        if (sets.TryGetValue(id, out var set))
            return set;
        var json = await db.IndexSets.AsNoTracking().Where(s => s.Id == id).Select(s => s.DefinitionJson).FirstOrDefaultAsync(ct)
            ?? throw new KeyNotFoundException($"Index set {id}");
        return sets.GetOrAdd(id, IndexSetCatalog.Deserialize(json));
    }
}
