using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Hosting;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Campaigns;

/// <summary>Where every unit of a campaign stands, as the administrator's dashboard shows it.</summary>
internal sealed class CampaignProgress(CampaignDbContext db, TimeProvider clock)
{
    public async Task<List<CampaignsApi.ProgressRow>?> ForCampaignAsync(Guid campaignId, CancellationToken ct)
    {
        var campaign = await db.Set<Campaign>().AsNoTracking().FirstOrDefaultAsync(c => c.Id == campaignId, ct);
        if (campaign is null)
            return null;
        var rows = await (from p in db.Set<Participant>().AsNoTracking()
                          join u in db.Units.AsNoTracking() on p.UnitId equals u.Id
                          where p.CampaignId == campaignId
                          select new { p, u.Code, u.NameVi }).ToListAsync(ct);
        var now = clock.GetUtcNow();
        return rows.OrderBy(r => r.p.Category, StringComparer.Ordinal).ThenBy(r => r.Code, StringComparer.Ordinal)
            .Select(r => Row(campaign, r.p, r.Code, r.NameVi, now)).ToList();
    }

    public static CampaignsApi.ProgressRow Row(Campaign campaign, Participant p, string code, string name, DateTimeOffset now)
    {
        var deadline = campaign.DeadlineOf(p);
        var open = ParticipantStatuses.Unsubmitted.Contains(p.Status);
        return new CampaignsApi.ProgressRow(p.UnitId, code, name, p.Category, p.Status, p.AnsweredCount, p.ApplicableCount,
            p.ApplicableCount == 0 ? 0 : Math.Round(100m * p.AnsweredCount / p.ApplicableCount, 1, MidpointRounding.AwayFromZero),
            deadline, p.ExtendedUntil is not null, (open && now >= deadline) || p.Status == ParticipantStatus.NotSubmitted, p.SubmittedAt, p.SubmittedLate);
    }

    /// <summary>The dashboard's filter: a status, or "overdue" / "extended", which cut across statuses.</summary>
    public static bool Matches(CampaignsApi.ProgressRow row, string? status) =>
        string.IsNullOrWhiteSpace(status) || ApiNames.Of(row.Status) == status || (status == "overdue" && row.Overdue) || (status == "extended" && row.Extended);

    /// <summary>
    /// A status as the audit trail records it (and refusals name it): fixed words, so that stored history keeps its form
    /// whatever the API's naming (responses carry the enum, see <see cref="ApiNames"/>).
    /// </summary>
    public static string Kebab(ParticipantStatus status) => status switch
    {
        ParticipantStatus.NotStarted => "not-started",
        ParticipantStatus.InProgress => "in-progress",
        ParticipantStatus.Submitted => "submitted",
        ParticipantStatus.ReturnedForClarification => "returned-for-clarification",
        ParticipantStatus.NotSubmitted => "not-submitted",
        ParticipantStatus.AwaitingApproval => "awaiting-approval",
        _ => status.ToString(),
    };
}
