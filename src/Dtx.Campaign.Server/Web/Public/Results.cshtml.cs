using System.Text.Json;
using Dtx.Campaign.Server.Awards;
using Dtx.Campaign.Server.Results;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Dtx.Campaign.Server.Web.Public;

/// <summary>
/// A campaign's published ranking for one category at a time: the table, the rating bands, the averages, a
/// chart of the same figures and the awards. Before publication the page answers 404, like the public API.
/// </summary>
[Microsoft.AspNetCore.OutputCaching.OutputCache(PolicyName = Results.PublishedPages.Policy)]
internal sealed class ResultsModel(PublicResults results, AwardsDesk awards, UiText text) : PageModel
{
    public ResultDocument Document { get; private set; } = null!;
    public string CampaignName { get; private set; } = "";
    public CategoryResult Category { get; private set; } = null!;
    public IReadOnlyList<AwardView> Awards { get; private set; } = [];
    public bool Found { get; private set; }
    public string Checksum { get; private set; } = "";

    /// <summary>The chart's data, read by wwwroot/js/public-charts.js (no inline script: the CSP forbids it).</summary>
    public string ChartJson { get; private set; } = "{}";

    public async Task<IActionResult> OnGetAsync(Guid campaignId, string? category, CancellationToken ct)
    {
        if (await results.GetAsync(campaignId, ct) is not { } published)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }
        Found = true;
        Document = published.Document;
        Checksum = published.Set.Checksum;
        CampaignName = text.Language == "en" ? await results.EnglishNameAsync(campaignId, ct) ?? Document.CampaignName : Document.CampaignName;
        if (Document.Categories.Count == 0)
            return Page();
        Category = Document.Categories.FirstOrDefault(c => c.Category == category) ?? Document.Categories[0];
        Awards = (await awards.ListAsync(campaignId, ct)).Where(a => a.Category == Category.Category).OrderBy(a => a.Rank).ThenBy(a => a.UnitCode, StringComparer.Ordinal).ToList();
        var ranked = Category.Units.Where(u => u.Status == ResultCalculator.Assessed).ToList();
        ChartJson = JsonSerializer.Serialize(new
        {
            type = "ranking",
            label = text["Percentage"],
            labels = ranked.Select(u => u.UnitName),
            values = ranked.Select(u => u.Percentage),
        });
        return Page();
    }
}
