using System.Security.Claims;
using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Audit;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Identity;

internal static class UnitMembersApi
{
    public sealed record GrantRequest(string Email, UnitRole Role);
    public sealed record MemberView(string Email, string FullName, string Role, DateTimeOffset GrantedAt);

    public static RouteGroupBuilder MapUnitMembers(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/units/{unitId:guid}/members").WithTags("Units").RequireAuthorization(Policies.Administer);
        group.MapGet("/", List).WithSummary("The people who act for a unit (focal officers, head).");
        group.MapPost("/", Grant).WithSummary("Give an existing account a role at a unit (accounts are invited separately).");
        return group;
    }

    private static async Task<Ok<List<MemberView>>> List(Guid unitId, CampaignDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await (from m in db.Set<UnitMembership>().AsNoTracking()
                               join u in db.Users.AsNoTracking() on m.UserId equals u.Id
                               where m.UnitId == unitId
                               orderby u.Email
                               select new MemberView(u.Email!, u.FullName, m.Role == UnitRole.Head ? "head" : "focal-officer", m.GrantedAt)).ToListAsync(ct));

    private static async Task<Results<Ok<MemberView>, ProblemHttpResult>> Grant(Guid unitId, GrantRequest request, CampaignDbContext db,
        UserManager<AppUser> users, AuditTrail audit, TimeProvider clock, ClaimsPrincipal admin, CancellationToken ct)
    {
        if (!await db.Units.AnyAsync(u => u.Id == unitId, ct))
            return ApiProblems.NotFound($"Unit {unitId}");
        if (string.IsNullOrWhiteSpace(request.Email))
            return ApiProblems.From(Refusal.Invalid("email", "account.email-required"));
        var user = await users.FindByEmailAsync(request.Email);
        if (user is null)
            return ApiProblems.From(Refusal.Invalid("email", "account.email-unknown", ("email", request.Email)));
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var membership = await db.Set<UnitMembership>().FirstOrDefaultAsync(m => m.UserId == user.Id && m.UnitId == unitId, ct);
        var before = membership?.Role.ToString();
        if (membership is null)
        {
            membership = new UnitMembership { Id = Guid.CreateVersion7(), UserId = user.Id, UnitId = unitId };
            db.Add(membership);
        }
        membership.Role = request.Role;
        membership.GrantedAt = clock.GetUtcNow();
        membership.GrantedBy = admin.Identity?.Name;
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditEvent("unit.role-granted", "user", user.Email, before is null ? null : new { Role = before },
            new { Role = request.Role.ToString() }, UnitId: unitId), ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(new MemberView(user.Email!, user.FullName, request.Role == UnitRole.Head ? "head" : "focal-officer", membership.GrantedAt));
    }
}
