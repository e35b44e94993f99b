using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.IndexSets;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Campaigns;

/// <summary>
/// Next year's campaign from last year's: the same units, council and settings, every date moved by the
/// number of years, and each index set replaced by the current published version of the same key.
/// </summary>
internal sealed class CopyCampaign(CampaignDbContext db, CreateCampaign create)
{
    public async Task<Campaign> HandleAsync(Guid sourceId, int? year, string? user, CancellationToken ct)
    {
        var source = await db.Set<Campaign>().AsNoTracking().AsSplitQuery()
            .Include(c => c.IndexSets).Include(c => c.Participants).Include(c => c.Council)
            .FirstOrDefaultAsync(c => c.Id == sourceId, ct) ?? throw Refusal.NotFound("not-found", ("what", $"Campaign {sourceId}"));
        var authority = await db.Authorities.AsNoTracking().FirstAsync(a => a.Id == source.AuthorityId, ct);
        var targetYear = year ?? source.Year + 1;
        if (targetYear <= source.Year)
            throw Refusal.Invalid("year", "campaign.copy-year", ("year", source.Year));

        var setIds = source.IndexSets.Select(s => s.IndexSetId).ToList();
        var keys = await db.IndexSets.AsNoTracking().Where(s => setIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Key, ct);
        var current = await db.IndexSets.AsNoTracking()
            .Where(s => keys.Values.Contains(s.Key) && s.Status == IndexSetStatus.Published)
            .ToDictionaryAsync(s => s.Key, s => s.Id, ct);
        var zone = TimeZoneInfo.FindSystemTimeZoneById(source.TimeZone);

        var request = new CreateCampaignRequest(
            authority.Code,
            targetYear,
            source.NameVi.Replace(source.Year.ToString(), targetYear.ToString(), StringComparison.Ordinal),
            source.NameEn.Replace(source.Year.ToString(), targetYear.ToString(), StringComparison.Ordinal),
            source.IndexSets.ToDictionary(s => s.Category, s => current.GetValueOrDefault(keys[s.IndexSetId], s.IndexSetId)),
            ScheduleInput.FromUtc(source.Schedule, zone).AddYears(targetYear - source.Year),
            source.Council.Select(m => new CouncilMemberInput(m.FullName, m.Email, m.Role, m.UnitId)).ToList(),
            source.Participants.Select(p => p.UnitId).ToList(),
            source.TimeZone,
            source.CountUnsubmittedDrafts,
            [.. source.ReminderDays],
            source.GraceDays,
            source.EarlyClose,
            source.ReminderHours,
            source.HeadApproval);
        return await create.HandleAsync(request, user, ct, copiedFrom: source.Id);
    }
}
