using Dtx.Campaign.Scoring.Scoring;
using Dtx.Campaign.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Results;

/// <summary>
/// What the public may read: final results once published, without the council's internal notes. The
/// public API and the public pages both read through here, so they can never show different things.
/// </summary>
internal sealed class PublicResults(CampaignDbContext db, ResultsBook book)
{
    public sealed record Campaign(Guid CampaignId, int Year, string NameVi, string NameEn, DateTimeOffset PublishedAt, string Checksum);

    /// <summary>Campaigns whose final results are published, newest year first.</summary>
    public async Task<IReadOnlyList<Campaign>> ListAsync(CancellationToken ct)
    {
        var rows = await (from r in db.Set<ResultSet>().AsNoTracking()
                          join c in db.Campaigns.AsNoTracking() on r.CampaignId equals c.Id
                          where r.Kind == ResultKinds.Final && r.PublishedAt != null
                          select new { c.Id, c.Year, c.NameVi, c.NameEn, r.PublishedAt, r.Checksum }).ToListAsync(ct);
        return rows.OrderByDescending(r => r.Year).ThenBy(r => r.NameVi, StringComparer.Ordinal)
            .Select(r => new Campaign(r.Id, r.Year, r.NameVi, r.NameEn, r.PublishedAt!.Value, r.Checksum)).ToList();
    }

    /// <summary>The published final results, or null while they are not published (or do not exist).</summary>
    public async Task<(ResultSet Set, ResultDocument Document)?> GetAsync(Guid campaignId, CancellationToken ct)
    {
        if (await book.GetAsync(campaignId, ResultKinds.Final, publishedOnly: true, ct) is not { } r)
            return null;
        return (r.Set, r.Document with
        {
            Categories = r.Document.Categories.Select(c => c with
            {
                Units = c.Units.Select(u => u with { Indicators = u.Indicators.Select(i => i with { Note = null }).ToList() }).ToList(),
            }).ToList(),
        });
    }

    /// <summary>The campaign's English name, for pages read in English (the result document keeps the Vietnamese one).</summary>
    public Task<string?> EnglishNameAsync(Guid campaignId, CancellationToken ct) =>
        db.Campaigns.AsNoTracking().Where(c => c.Id == campaignId).Select(c => c.NameEn).FirstOrDefaultAsync(ct);

    /// <summary>
    /// The category's average percentage per group over its assessed units: the reference the calculator
    /// measures strengths and weaknesses against, recovered from the stored document (it is not stored itself,
    /// and adding it would change the checksum of every published result set).
    /// </summary>
    public static IReadOnlyDictionary<string, decimal> GroupAverages(CategoryResult category) =>
        category.Units.Where(u => u.Status == ResultCalculator.Assessed).SelectMany(u => u.Groups).Where(g => g.Max > 0)
            .GroupBy(g => g.Code, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => ScoringEngine.Round(g.Average(x => x.Percentage)), StringComparer.Ordinal);
}
