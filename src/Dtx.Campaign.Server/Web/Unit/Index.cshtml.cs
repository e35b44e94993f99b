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
            .OrderBy(t => t.Progress.Deadline).ToList();
    }
}
