using Dtx.Campaign.Server.Results;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Dtx.Campaign.Server.Web.Public;

/// <summary>Campaigns whose final results are published, newest first: the public's way in.</summary>
[Microsoft.AspNetCore.OutputCaching.OutputCache(PolicyName = Results.PublishedPages.Policy)]
internal sealed class IndexModel(PublicResults results) : PageModel
{
    public IReadOnlyList<PublicResults.Campaign> Campaigns { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Campaigns = await results.ListAsync(ct);
}
