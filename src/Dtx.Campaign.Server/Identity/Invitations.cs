using System.Security.Claims;
using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Audit;
using Dtx.Campaign.Server.Campaigns;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Hosting;
using Dtx.Campaign.Server.Units;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Identity;

/// <summary>
/// Accounts for the people a unit lists as its contacts (focal officers, head): each gets an account
/// (if they have none), the matching role at the unit, and, until they have set a password, an e-mail
/// with a one-time link to set one. All or nothing: a contact whose e-mail is refused stops the batch.
/// </summary>
internal sealed class Invitations(CampaignDbContext db, UserManager<AppUser> users, AccountMail mail, AuditTrail audit, TimeProvider clock)
{
    public sealed record Invited(string Email, string FullName, string UnitCode, string Role, string Status);

    public async Task<List<Invited>> InviteAsync(IReadOnlyList<Unit> units, string? grantedBy, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // A campaign's 150 units have some 300 contacts: the accounts and roles they already have are read
        // once and the audit entries written once, instead of round trips and a save per contact; the units
        // come untracked. On SQLite that took 10 s idle and 50 s on a busy machine (past an HTTP client's
        // timeout), now about 4 s; what remains is Identity creating each account.
        var emails = units.SelectMany(u => u.Contacts).Select(c => Normalized(c.Email)).Distinct().ToList();
        var accounts = (await db.Users.Where(u => u.NormalizedEmail != null && emails.Contains(u.NormalizedEmail)).ToListAsync(ct))
            .GroupBy(u => u.NormalizedEmail!).ToDictionary(g => g.Key, g => g.First());
        var unitIds = units.Select(u => u.Id).ToList();
        var memberships = (await db.Set<UnitMembership>().Where(m => unitIds.Contains(m.UnitId)).ToListAsync(ct))
            .ToDictionary(m => (m.UserId, m.UnitId));
        var events = new List<AuditEvent>();
        var result = new List<Invited>();
        var mailed = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var unit in units.OrderBy(u => u.Code, StringComparer.Ordinal))
        {
            foreach (var contact in unit.Contacts.OrderBy(c => c.Role).ThenBy(c => c.Email, StringComparer.OrdinalIgnoreCase))
            {
                var email = contact.Email.Trim();
                if (!accounts.TryGetValue(Normalized(email), out var user))
                {
                    user = new AppUser { UserName = email, Email = email, FullName = contact.FullName, CreatedAt = clock.GetUtcNow() };
                    var created = await users.CreateAsync(user);
                    if (!created.Succeeded)
                        throw Refusal.Invalid([Reason.For("contacts", "invitation.contact-refused", ("unit", unit.Code), ("name", contact.FullName), ("email", email)),
                            .. IdentityRefusals.Reasons(created, "contacts", users.Options.Password)]);
                    accounts[Normalized(email)] = user;
                    events.Add(new AuditEvent("account.created", "user", email, After: new { contact.FullName, Invited = true }, UnitId: unit.Id));
                }
                var role = contact.Role == ContactRole.Head ? UnitRole.Head : UnitRole.FocalOfficer;
                Grant(memberships, events, user, unit, role, grantedBy);
                var status = "active";
                if (!await users.HasPasswordAsync(user))
                {
                    status = "invited";
                    if (mailed.Add(user.Id))
                    {
                        var theirUnits = string.Join(", ", units.Where(u => u.Contacts.Any(c => string.Equals(c.Email.Trim(), email, StringComparison.OrdinalIgnoreCase)))
                            .Select(u => $"{u.NameVi} ({u.Code})"));
                        await mail.QueueInvitationAsync(user, $"{(role == UnitRole.Head ? "thủ trưởng" : "cán bộ đầu mối")} của {theirUnits}",
                            $"{(role == UnitRole.Head ? "head" : "focal officer")} of {theirUnits}");
                        events.Add(new AuditEvent("account.invited", "user", email, UnitId: unit.Id));
                    }
                }
                result.Add(new Invited(email, user.FullName, unit.Code, role == UnitRole.Head ? "head" : "focal-officer", status));
            }
        }
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(events, ct);
        await transaction.CommitAsync(ct);
        return result;
    }

    private string Normalized(string email) => users.NormalizeEmail(email.Trim()) ?? email.Trim();

    private void Grant(Dictionary<(string, Guid), UnitMembership> memberships, List<AuditEvent> events, AppUser user, Unit unit, UnitRole role, string? grantedBy)
    {
        memberships.TryGetValue((user.Id, unit.Id), out var membership);
        if (membership?.Role == role)
            return;
        var before = membership?.Role.ToString();
        if (membership is null)
        {
            membership = new UnitMembership { Id = Guid.CreateVersion7(), UserId = user.Id, UnitId = unit.Id };
            memberships[(user.Id, unit.Id)] = membership;
            db.Add(membership);
        }
        membership.Role = role;
        membership.GrantedAt = clock.GetUtcNow();
        membership.GrantedBy = grantedBy;
        events.Add(new AuditEvent("unit.role-granted", "user", user.Email, before is null ? null : new { Role = before },
            new { Role = role.ToString() }, UnitId: unit.Id));
    }
}

internal static class InvitationsApi
{
    public static void MapInvitations(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/units/{unitId:guid}/invitations", InviteUnit).WithTags("Identity").RequireAuthorization(Policies.Administer)
            .WithSummary("Create accounts for the unit's contacts, grant their roles, and e-mail a one-time link to those without a password.");
        app.MapPost("/api/campaigns/{campaignId:guid}/invitations", InviteCampaign).WithTags("Identity").RequireAuthorization(Policies.Administer)
            .WithSummary("The same for every unit taking part in the campaign.");
    }

    private static async Task<Results<Ok<List<Invitations.Invited>>, ProblemHttpResult>> InviteUnit(Guid unitId, CampaignDbContext db, Invitations invitations,
        ClaimsPrincipal admin, CancellationToken ct)
    {
        var unit = await db.Units.AsNoTracking().Include(u => u.Contacts).FirstOrDefaultAsync(u => u.Id == unitId, ct);
        if (unit is null)
            return ApiProblems.NotFound($"Unit {unitId}");
        return await RunAsync(invitations, [unit], admin, ct);
    }

    private static async Task<Results<Ok<List<Invitations.Invited>>, ProblemHttpResult>> InviteCampaign(Guid campaignId, CampaignDbContext db, Invitations invitations,
        ClaimsPrincipal admin, CancellationToken ct)
    {
        if (!await db.Campaigns.AnyAsync(c => c.Id == campaignId, ct))
            return ApiProblems.NotFound($"Campaign {campaignId}");
        var units = await (from p in db.Set<Participant>()
                           join u in db.Units.AsNoTracking().Include(u => u.Contacts) on p.UnitId equals u.Id
                           where p.CampaignId == campaignId
                           select u).ToListAsync(ct);
        return await RunAsync(invitations, units, admin, ct);
    }

    private static async Task<Results<Ok<List<Invitations.Invited>>, ProblemHttpResult>> RunAsync(Invitations invitations, List<Unit> units, ClaimsPrincipal admin, CancellationToken ct)
    {
        try
        {
            return TypedResults.Ok(await invitations.InviteAsync(units, admin.Identity?.Name, ct));
        }
        catch (Refusal refusal)
        {
            return ApiProblems.From(refusal);
        }
    }
}
