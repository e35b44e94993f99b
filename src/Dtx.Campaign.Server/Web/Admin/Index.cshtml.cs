using Dtx.Campaign.Server.Campaigns;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Workflows.Definitions;
using Dtx.Campaign.Workflows.Storage;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Web.Admin;

/// <summary>Every campaign, newest year first, with the stage its workflow is in.</summary>
internal sealed class IndexModel(CampaignDbContext db, IWorkflowDefinitionStore definitions, UiText text) : PageModel
{
    public sealed record Row(Guid Id, int Year, string NameVi, string NameEn, CampaignStatus Status, string Stage, int Participants);

    public List<Row> Campaigns { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var campaigns = await db.Campaigns.AsNoTracking().Include(c => c.Participants).OrderByDescending(c => c.Year).ThenBy(c => c.NameVi).ToListAsync(ct);
        var ids = campaigns.Select(c => c.WorkflowInstanceId).OfType<Guid>().ToList();
        var instances = ids.Count == 0 ? [] : await db.Set<WorkflowInstance>().AsNoTracking().Where(i => ids.Contains(i.Id)).ToDictionaryAsync(i => i.Id, ct);
        Campaigns = campaigns.Select(c => new Row(c.Id, c.Year, c.NameVi, c.NameEn, c.Status,
            c.WorkflowInstanceId is { } i && instances.TryGetValue(i, out var instance) ? StageNames.Of(definitions, instance, text) : text.Status("set-up"),
            c.Participants.Count)).ToList();
    }
}
