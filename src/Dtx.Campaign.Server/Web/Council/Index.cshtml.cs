using Dtx.Campaign.Server.Campaigns;
using Dtx.Campaign.Server.Council;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Identity;
using Dtx.Campaign.Workflows.Definitions;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Web.Council;

/// <summary>The campaigns whose Appraisal Council the reader sits on (administrators see every launched campaign).</summary>
internal sealed class IndexModel(CampaignDbContext db, IWorkflowDefinitionStore definitions, UiText text) : PageModel
{
    public sealed record Row(Guid Id, int Year, string Name, string? Role, string Stage);

    public List<Row> Rows { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var email = CouncilSeat.AddressOf(User);
        var admin = Roles.IsAdministrator(User);
        var campaigns = await db.Campaigns.AsNoTracking().Include(c => c.Council)
            .Where(c => c.Status != CampaignStatus.Draft).OrderByDescending(c => c.Year).ThenBy(c => c.NameVi).ToListAsync(ct);
        foreach (var campaign in campaigns)
        {
            var seat = campaign.Council.Where(m => string.Equals(m.Email, email, StringComparison.OrdinalIgnoreCase)).OrderBy(m => m.Role).FirstOrDefault();
            if (seat is null && !admin)
                continue;
            var stage = await CampaignStage.OfAsync(db, campaign, ct);
            var definition = campaign.WorkflowInstanceId is { } id
                ? await db.Set<Dtx.Campaign.Workflows.Storage.WorkflowInstance>().AsNoTracking().Where(i => i.Id == id)
                    .Select(i => new { i.DefinitionKey, i.DefinitionVersion }).FirstOrDefaultAsync(ct)
                : null;
            Rows.Add(new Row(campaign.Id, campaign.Year, text.Language == "en" ? campaign.NameEn : campaign.NameVi,
                seat is null ? null : text.Status(seat.Role),
                StageNames.Of(definition is null ? null : definitions.Find(definition.DefinitionKey, definition.DefinitionVersion), stage, text)));
        }
    }
}
