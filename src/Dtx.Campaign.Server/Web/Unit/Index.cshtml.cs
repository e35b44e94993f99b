using System.Security.Claims;
using Dtx.Campaign.Server.Campaigns;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Identity;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Web.Unit;

/// <summary>The focal officer's tasks: each launched campaign of each unit they work for, with its deadline.</summary>
internal sealed class IndexModel(CampaignDbContext db, TimeProvider clock) : PageModel
{
    public sealed record Task(Guid CampaignId, Guid UnitId, int Year, string CampaignVi, string CampaignEn, string Zone, CampaignsApi.ProgressRow Progress,
        string CalendarFeed);

    public List<Task> Tasks { get; private set; } = [];
    public DateTimeOffset Now { get; private set; }

    public async System.Threading.Tasks.Task OnGetAsync(CancellationToken ct)
    {
        Now = clock.GetUtcNow();
        var userId = User.FindFirstValue(ClaimTypes.NameIdentifier);
        var unitIds = await db.Set<UnitMembership>().Where(m => m.UserId == userId).Select(m => m.UnitId).ToListAsync(ct);
        var rows = await (from p in db.Participants.AsNoTracking()
                          join c in db.Campaigns.AsNoTracking() on p.CampaignId equals c.Id
                          join u in db.Units.AsNoTracking() on p.UnitId equals u.Id
                          where unitIds.Contains(p.UnitId) && c.Status == CampaignStatus.Launched
                          select new { p, c, u.Code, u.NameVi }).ToListAsync(ct);
        Tasks = rows.Select(r => new Task(r.c.Id, r.p.UnitId, r.c.Year, r.c.NameVi, r.c.NameEn, r.c.TimeZone, CampaignProgress.Row(r.c, r.p, r.Code, r.NameVi, Now),
                $"/calendar/{r.p.CalendarToken}.ics"))
            .OrderBy(t => t, Urgency.Instance).ToList();
    }

    /// <summary>
    /// What needs doing first: open work before finished work, the current (newest) campaign before older ones,
    /// then the nearest deadline. A submitted card from last year must not head the list as "past the deadline".
    /// </summary>
    internal sealed class Urgency : IComparer<Task>
    {
        public static readonly Urgency Instance = new();

        public static bool Done(Task t) => t.Progress.Status is ParticipantStatus.Submitted or ParticipantStatus.NotSubmitted;

        public int Compare(Task? x, Task? y)
        {
            if (x is null || y is null)
                return x is null ? (y is null ? 0 : 1) : -1;
            var byDone = Done(x).CompareTo(Done(y));
            if (byDone != 0)
                return byDone;
            var byYear = y.Year.CompareTo(x.Year);
            return byYear != 0 ? byYear : x.Progress.Deadline.CompareTo(y.Progress.Deadline);
        }
    }
}
