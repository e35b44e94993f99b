using System.Security.Claims;
using Dtx.Campaign.Server.Campaigns;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Identity;
using Dtx.Campaign.Workflows.Storage;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Council;

/// <summary>Refused because of who is asking: not on this campaign's council, not assigned, or the wrong seat.</summary>
public sealed class CouncilForbiddenException(string message) : Exception(message);

/// <summary>Refused because of where the campaign or unit stands (wrong stage, window closed, already done).</summary>
public sealed class StageConflictException(string message) : Exception(message);

/// <summary>Refused because of what was sent; the message names the field.</summary>
public sealed class CouncilInputException(string field, string message) : Exception($"{field}: {message}")
{
    public string Field { get; } = field;
}

/// <summary>
/// A person's seat on a campaign's Appraisal Council, found by their e-mail address (the council is
/// entered with addresses before the members have accounts), and the campaign's current stage.
/// </summary>
internal sealed record CouncilSeat(Campaigns.Campaign Campaign, CouncilMember? Member, bool IsAdministrator, string Actor)
{
    public bool IsChair => Member?.Role == CouncilRole.Chair;

    /// <summary>The chair, vice-chair and secretary organise the council's work and see every unit.</summary>
    public bool Organises => Member?.Role is CouncilRole.Chair or CouncilRole.ViceChair or CouncilRole.Secretary;

    public CouncilMember RequireMember() =>
        Member ?? throw new CouncilForbiddenException($"{Actor} is not a member of the Appraisal Council of campaign {Campaign.Year} ({Campaign.NameVi})");

    public void RequireOrganiserOrAdministrator(string what)
    {
        if (!Organises && !IsAdministrator)
            throw new CouncilForbiddenException($"only the council's chair, vice-chair or secretary, or an administrator, may {what}");
    }

    public void RequireChair(string what)
    {
        if (!IsChair)
            throw new CouncilForbiddenException($"only the chair of the Appraisal Council may {what}");
    }

    public static async Task<CouncilSeat?> FindAsync(CampaignDbContext db, Guid campaignId, ClaimsPrincipal user, CancellationToken ct)
    {
        var campaign = await db.Campaigns.Include(c => c.Council).FirstOrDefaultAsync(c => c.Id == campaignId, ct);
        if (campaign is null)
            return null;
        var email = user.FindFirstValue(ClaimTypes.Email) ?? user.Identity?.Name ?? "";
        // One person holds one seat; the highest one counts if the list names them twice.
        var member = campaign.Council.Where(m => string.Equals(m.Email, email, StringComparison.OrdinalIgnoreCase)).OrderBy(m => m.Role).FirstOrDefault();
        var admin = user.IsInRole(Roles.SystemAdmin) || user.IsInRole(Roles.CampaignAdmin);
        return new CouncilSeat(campaign, member, admin, email);
    }
}

/// <summary>The stage a launched campaign's workflow is in (read from its instance; never stored twice).</summary>
internal static class CampaignStage
{
    public static async Task<string> OfAsync(CampaignDbContext db, Campaigns.Campaign campaign, CancellationToken ct) =>
        campaign.WorkflowInstanceId is { } id
            ? await db.Set<WorkflowInstance>().Where(i => i.Id == id).Select(i => i.CurrentStage).FirstOrDefaultAsync(ct) ?? "set-up"
            : "set-up";

    public static async Task RequireAsync(CampaignDbContext db, Campaigns.Campaign campaign, string what, CancellationToken ct, params string[] stages)
    {
        var stage = await OfAsync(db, campaign, ct);
        if (!stages.Contains(stage))
            throw new StageConflictException($"{what} is possible only in the stage(s) {string.Join(", ", stages)}; the campaign is in '{stage}'");
    }
}
