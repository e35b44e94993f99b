using Dtx.Campaign.Server.Results;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Dtx.Campaign.Server.Web;

/// <summary>
/// The front door. A visitor sees what is public (published campaigns, the latest ranking with its chart, a
/// search by unit name or code); a signed-in person is sent on to where their work is.
/// </summary>
internal sealed class IndexModel(PublicResults results, Shared.WorkAreas areas) : PageModel
{
    public IReadOnlyList<PublicResults.Campaign> Campaigns { get; private set; } = [];

    /// <summary>The newest published campaign's document: its first category is ranked on the home page.</summary>
    public ResultDocument? Latest { get; private set; }

    [BindProperty(SupportsGet = true, Name = "unit")]
    public string? Query { get; set; }

    public IReadOnlyList<UnitHit> Hits { get; private set; } = [];

    public sealed record UnitHit(Guid CampaignId, int Year, string UnitCode, string UnitName, string Category, int? Rank, decimal Percentage);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (User.Identity?.IsAuthenticated == true)
            return Redirect((await areas.ForAsync(User, ct)).Home);
        Campaigns = await results.ListAsync(ct);
        var documents = new List<ResultDocument>();
        foreach (var c in Campaigns)
        {
            try
            {
                if (await results.GetAsync(c.CampaignId, ct) is { } published)
                    documents.Add(published.Document);
            }
            catch (Scoring.Refusals.Refusal)
            {
                // A campaign whose stored results fail their checksum is left out of the home page, not the whole page.
            }
        }
        Latest = documents.FirstOrDefault();
        var q = Query?.Trim();
        if (!string.IsNullOrEmpty(q))
            Hits = [.. documents.SelectMany(d => d.Categories.SelectMany(c => c.Units
                    .Where(u => u.UnitName.Contains(q, StringComparison.CurrentCultureIgnoreCase) || u.UnitCode.Contains(q, StringComparison.OrdinalIgnoreCase))
                    .Select(u => new UnitHit(d.CampaignId, d.Year, u.UnitCode, u.UnitName, c.Category, u.Rank, u.Percentage))))
                .Take(50)];
        return Page();
    }
}
