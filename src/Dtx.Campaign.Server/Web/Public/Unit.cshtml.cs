using System.Text.Json;
using Dtx.Campaign.Server.Results;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Dtx.Campaign.Server.Web.Public;

/// <summary>One unit's published result: score, rank, band, its groups against the category's average, year-over-year change.</summary>
[Microsoft.AspNetCore.OutputCaching.OutputCache(PolicyName = Results.PublishedPages.Policy)]
internal sealed class UnitModel(PublicResults results, UiText text) : PageModel
{
    public Guid CampaignId { get; private set; }
    public string CampaignName { get; private set; } = "";
    public int Year { get; private set; }
    public CategoryResult Category { get; private set; } = null!;
    public UnitResult Unit { get; private set; } = null!;
    public IReadOnlyDictionary<string, decimal> Averages { get; private set; } = new Dictionary<string, decimal>();
    public bool Found { get; private set; }
    public string ChartJson { get; private set; } = "{}";

    public async Task<IActionResult> OnGetAsync(Guid campaignId, string unitCode, CancellationToken ct)
    {
        var published = await results.GetAsync(campaignId, ct);
        var found = published?.Document.Categories.SelectMany(c => c.Units.Select(u => (Category: c, Unit: u))).FirstOrDefault(x => x.Unit.UnitCode == unitCode);
        if (published is null || found is not { Unit: not null } hit)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }
        Found = true;
        CampaignId = campaignId;
        Year = published.Value.Document.Year;
        CampaignName = text.Language == "en" ? await results.EnglishNameAsync(campaignId, ct) ?? published.Value.Document.CampaignName : published.Value.Document.CampaignName;
        (Category, Unit) = hit;
        Averages = PublicResults.GroupAverages(Category);
        ChartJson = JsonSerializer.Serialize(new
        {
            type = "groups",
            labels = Unit.Groups.Select(g => PublicFormat.GroupName(g, text)),
            series = new[]
            {
                new { label = Unit.UnitName, values = Unit.Groups.Select(g => g.Percentage).ToList() },
                new { label = text["CategoryAverage"], values = Unit.Groups.Select(g => Averages.GetValueOrDefault(g.Code)).ToList() },
            },
        });
        return Page();
    }

    public string GroupName(string code) => Unit.Groups.FirstOrDefault(g => g.Code == code) is { } g ? PublicFormat.GroupName(g, text) : code;
}
