using System.Security.Claims;
using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Audit;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Identity;

/// <summary>
/// People and their system roles (system administrator, campaign administrator, observer), for system
/// administrators. A person without a password is e-mailed an invitation. Unit roles come from the unit
/// contacts (<see cref="InvitationsApi"/>); council seats from the campaign's council.
/// </summary>
internal static class AccountsApi
{
    public sealed record AccountRequest(string? Email, string? FullName, List<string>? Roles);
    public sealed record AccountView(string Id, string Email, string FullName, IReadOnlyList<string> Roles, bool HasPassword, bool TwoFactorEnabled,
        DateTimeOffset? LockedOutUntil);

    /// <summary>Invitations, two-factor enrolment, API tokens and system roles (sign-in itself is <see cref="AuthApi.MapAuth"/>).</summary>
    public static IEndpointRouteBuilder MapAccounts(this IEndpointRouteBuilder app)
    {
        app.MapInvitations();
        app.MapTwoFactor();
        app.MapApiTokens();
        var group = app.MapGroup("/api/accounts").WithTags("Identity").RequireAuthorization(Policies.ManageAccounts);
        group.MapGet("/", List).WithSummary("Every account with its system roles, two-factor state and lockout.");
        group.MapPut("/", Save).WithSummary("Create an account or set its system roles (the list replaces the current one); invites by e-mail when it has no password.");
        return app;
    }

    private static async Task<Ok<List<AccountView>>> List(CampaignDbContext db, CancellationToken ct)
    {
        var roles = await (from ur in db.UserRoles join r in db.Roles on ur.RoleId equals r.Id select new { ur.UserId, r.Name }).ToListAsync(ct);
        var users = await db.Users.AsNoTracking().OrderBy(u => u.Email).ToListAsync(ct);
        return TypedResults.Ok(users.Select(u => new AccountView(u.Id, u.Email ?? "", u.FullName,
            roles.Where(r => r.UserId == u.Id).Select(r => r.Name!).Order(StringComparer.Ordinal).ToList(), u.PasswordHash is not null, u.TwoFactorEnabled,
            u.LockoutEnd)).ToList());
    }

    private static async Task<Results<Ok<AccountView>, ProblemHttpResult>> Save(AccountRequest request, UserManager<AppUser> users, AccountMail mail,
        AuditTrail audit, CampaignDbContext db, TimeProvider clock, ClaimsPrincipal admin, CancellationToken ct)
    {
        var email = request.Email?.Trim() ?? "";
        if (email.Length == 0)
            return ApiProblems.From(Refusal.Invalid("email", "account.email-required"));
        var wanted = (request.Roles ?? []).Distinct(StringComparer.Ordinal).ToList();
        if (wanted.FirstOrDefault(r => !Roles.All.Contains(r)) is { } unknown)
            return ApiProblems.From(Refusal.Invalid("roles", "account.role-unknown", ("role", unknown), ("roles", Roles.All)));
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var user = await users.FindByEmailAsync(email);
        if (user is null)
        {
            if (string.IsNullOrWhiteSpace(request.FullName))
                return ApiProblems.From(Refusal.Invalid("fullName", "account.full-name-required"));
            user = new AppUser { UserName = email, Email = email, FullName = request.FullName.Trim(), CreatedAt = clock.GetUtcNow() };
            var created = await users.CreateAsync(user);
            if (!created.Succeeded)
                return ApiProblems.From(IdentityRefusals.Of(created, "email", users.Options.Password));
            await audit.RecordAsync(new AuditEvent("account.created", "user", email, After: new { user.FullName }), ct);
        }
        var current = await users.GetRolesAsync(user);
        if (user.Id == admin.FindFirstValue(ClaimTypes.NameIdentifier) && current.Contains(Roles.SystemAdmin) && !wanted.Contains(Roles.SystemAdmin))
            return ApiProblems.From(Refusal.Conflict("account.own-admin-role"));
        var granted = wanted.Except(current).ToList();
        var withdrawn = current.Except(wanted).ToList();
        if (granted.Count > 0)
            await users.AddToRolesAsync(user, granted);
        if (withdrawn.Count > 0)
            await users.RemoveFromRolesAsync(user, withdrawn);
        if (granted.Count + withdrawn.Count > 0)
        {
            // A new stamp: open sessions pick up the change at their next validation.
            await users.UpdateSecurityStampAsync(user);
            await audit.RecordAsync(new AuditEvent("role.changed", "user", email, new { Roles = current.Order(StringComparer.Ordinal) },
                new { Roles = wanted.Order(StringComparer.Ordinal) }), ct);
        }
        if (!await users.HasPasswordAsync(user) && (granted.Count > 0 || current.Count == 0))
        {
            await mail.QueueInvitationAsync(user, string.Join(", ", wanted.Select(RoleVi)), string.Join(", ", wanted));
            await db.SaveChangesAsync(ct);
            await audit.RecordAsync(new AuditEvent("account.invited", "user", email), ct);
        }
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(new AccountView(user.Id, email, user.FullName, wanted, await users.HasPasswordAsync(user), user.TwoFactorEnabled, user.LockoutEnd));
    }

    private static string RoleVi(string role) => role switch
    {
        Roles.SystemAdmin => "quản trị hệ thống",
        Roles.CampaignAdmin => "quản trị đợt đánh giá",
        Roles.Observer => "người theo dõi",
        _ => role,
    };
}
