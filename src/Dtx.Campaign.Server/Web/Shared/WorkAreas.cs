using System.Security.Claims;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Identity;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Web.Shared;

/// <summary>
/// Where a signed-in person has work, so that the menu offers only those places and the front door opens the first:
/// administrators run campaigns; a unit's people fill in its self-assessment; a council seat (held by e-mail address,
/// entered before the member has an account) reviews, and administrators see every council. Before, every signed-in
/// person was offered both "My tasks" and the council, and a council member without a unit landed on an empty task list.
/// </summary>
internal sealed class WorkAreas(CampaignDbContext db)
{
    public sealed record Areas(bool Administration, bool Unit, bool Council)
    {
        /// <summary>Where the front door sends the person: their first area, the task list when they have none yet.</summary>
        public string Home => Administration ? "/admin" : Unit ? "/unit" : Council ? "/council" : "/unit";
    }

    private Areas? known; // the layout and the page of one request ask once between them

    public async Task<Areas> ForAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        if (known is not null)
            return known;
        var administration = Roles.IsAdministrator(user);
        var userId = user.FindFirstValue(ClaimTypes.NameIdentifier);
        var unit = userId is not null && await db.UnitMemberships.AnyAsync(m => m.UserId == userId, ct);
        var email = Server.Council.CouncilSeat.AddressOf(user).ToLowerInvariant();
        var council = administration || (email.Length > 0 && await db.Set<Campaigns.CouncilMember>().AnyAsync(m => m.Email.ToLower() == email, ct));
        return known = new Areas(administration, unit, council);
    }
}
