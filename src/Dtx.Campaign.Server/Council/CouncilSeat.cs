using System.Collections.Immutable;
using System.Security.Claims;
using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Campaigns;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Identity;
using Dtx.Campaign.Workflows.Storage;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Council;

/// <summary>
/// A person's seat on a campaign's Appraisal Council, found by their e-mail address (the council is
/// entered with addresses before the members have accounts), and the campaign's current stage.
/// </summary>
internal sealed record CouncilSeat(Campaigns.Campaign Campaign, CouncilMember? Member, bool IsAdministrator, bool IsObserver, string Actor)
{
    /// <summary>Who sees the campaign's work from inside: administrators, observers and its council.</summary>
    public bool IsInsider => IsAdministrator || IsObserver || Member is not null;

    public bool IsChair => Member?.Role == CouncilRole.Chair;

    /// <summary>The chair, vice-chair and secretary organise the council's work and see every unit.</summary>
    public bool Organises => Member?.Role is CouncilRole.Chair or CouncilRole.ViceChair or CouncilRole.Secretary;

    /// <summary>
    /// The member in this seat, for a use case behind a council permission that guarantees one (who may call is decided in
    /// <see cref="CouncilPermission"/>, not here).
    /// </summary>
    public CouncilMember SeatedMember => Member
        ?? throw new InvalidOperationException($"{Actor} has no seat on the council of campaign {Campaign.Id}: the caller must require {nameof(CouncilPermission)}.{nameof(CouncilPermission.Member)} first.");

    private static readonly object RequestKey = new();

    /// <summary>
    /// The caller's seat on the council of the route's campaign, as an endpoint parameter (minimal APIs bind it through
    /// this method): a campaign that does not exist is refused as not found, in the caller's language, before the handler runs.
    /// </summary>
    public static async ValueTask<CouncilSeat?> BindAsync(HttpContext context) => await OfRequestAsync(context);

    /// <summary>The seat of <see cref="BindAsync"/>, read once per request: the endpoint's parameter and its permission's filter share it.</summary>
    public static async ValueTask<CouncilSeat> OfRequestAsync(HttpContext context)
    {
        if (context.Items.TryGetValue(RequestKey, out var known) && known is CouncilSeat seat)
            return seat;
        var id = Guid.TryParse(context.Request.RouteValues["campaignId"]?.ToString(), out var parsed) ? parsed : Guid.Empty;
        var found = await FindAsync(context.RequestServices.GetRequiredService<CampaignDbContext>(), id, context.User, context.RequestAborted)
            ?? throw Refusal.NotFound("not-found", ("what", $"Campaign {id}"));
        context.Items[RequestKey] = found;
        return found;
    }

    /// <summary>The caller's e-mail address, by which council seats (and inbox messages) are held.</summary>
    public static string AddressOf(ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.Email) ?? user.Identity?.Name ?? "";

    public static async Task<CouncilSeat?> FindAsync(CampaignDbContext db, Guid campaignId, ClaimsPrincipal user, CancellationToken ct)
    {
        var campaign = await db.Campaigns.Include(c => c.Council).FirstOrDefaultAsync(c => c.Id == campaignId, ct);
        if (campaign is null)
            return null;
        var email = AddressOf(user);
        // One person holds one seat; the highest one counts if the list names them twice.
        var member = campaign.Council.Where(m => string.Equals(m.Email, email, StringComparison.OrdinalIgnoreCase)).OrderBy(m => m.Role).FirstOrDefault();
        return new CouncilSeat(campaign, member, Roles.IsAdministrator(user), user.IsInRole(Roles.Observer), email);
    }
}

/// <summary>The stage a launched campaign's workflow is in (read from its instance; never stored twice).</summary>
internal static class CampaignStage
{
    /// <summary>The annual campaign's stages in order (workflows/annual-campaign.v*.yaml).</summary>
    public static readonly ImmutableArray<string> Order =
        ["set-up", "index-publication", "self-assessment", "council-verification", "preliminary-results", "dispute-window",
         "dispute-resolution", "final-results", "publication-and-awards", "archived"];

    /// <summary>Whether the campaign has moved beyond <paramref name="stage"/> (a stage it has not reached, or an unknown one, is not past).</summary>
    public static bool IsPast(string current, string stage) => Order.IndexOf(current) > Order.IndexOf(stage) && Order.Contains(stage);

    public static async Task<string> OfAsync(CampaignDbContext db, Campaigns.Campaign campaign, CancellationToken ct) =>
        campaign.WorkflowInstanceId is { } id
            ? await db.Set<WorkflowInstance>().Where(i => i.Id == id).Select(i => i.CurrentStage).FirstOrDefaultAsync(ct) ?? "set-up"
            : "set-up";

    // The action is a label key (e.g. "action.verify"); stages are shown by their names, never their keys.
    public static async Task RequireAsync(CampaignDbContext db, Campaigns.Campaign campaign, string action, CancellationToken ct, params string[] stages)
    {
        var stage = await OfAsync(db, campaign, ct);
        if (!stages.Contains(stage))
            throw Refusal.Conflict("stage.wrong", ("action", new Label(action)), ("stages", stages.Select(s => new Label("stage." + s)).ToList()), ("stage", new Label("stage." + stage)));
    }
}
