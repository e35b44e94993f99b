using System.Security.Claims;
using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Audit;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Identity;

/// <summary>A person's API tokens for machine clients: created in a session (never with another token), shown once, listed, revoked.</summary>
internal static class ApiTokensApi
{
    public sealed record CreateRequest(string? Name, ApiTokenScope? Scope, Guid? UnitId, int? ExpiresInDays);
    public sealed record Created(Guid Id, string Token, string Name, ApiTokenScope Scope, Guid? UnitId, DateTimeOffset ExpiresAt);
    public sealed record TokenView(Guid Id, string Name, ApiTokenScope Scope, Guid? UnitId, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? RevokedAt);

    public const int MaxDays = 365;

    public static void MapApiTokens(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/tokens").WithTags("Identity").RequireAuthorization(Policies.Interactive).RequireRateLimiting(RateLimits.SignIn);
        group.MapPost("/", Create).WithSummary("Create a token (read-only, unit or admin scope, expiring within a year); its text is in this answer only.");
        group.MapGet("/", List).WithSummary("The signed-in person's tokens (never their text).");
        group.MapDelete("/{id:guid}", Revoke).WithSummary("Revoke a token: one's own, or any token for an administrator.");
    }

    private static async Task<Results<Created<Created>, ProblemHttpResult>> Create(CreateRequest request, ClaimsPrincipal principal, UserManager<AppUser> users,
        CampaignDbContext db, AuditTrail audit, TimeProvider clock, CancellationToken ct)
    {
        if (await users.GetUserAsync(principal) is not { } user)
            return ApiProblems.NotFound("The signed-in user");
        var name = request.Name?.Trim() ?? "";
        if (name.Length is 0 or > 100)
            return ApiProblems.From(Refusal.Invalid("name", "token.name"));
        if (request.Scope is not { } scope)
            return ApiProblems.From(Refusal.Invalid("scope", "token.scope"));
        var days = request.ExpiresInDays ?? 90;
        if (days is < 1 or > MaxDays)
            return ApiProblems.From(Refusal.Invalid("expiresInDays", "token.days", ("max", MaxDays), ("got", days)));
        switch (scope)
        {
            case ApiTokenScope.Admin when !Roles.IsAdministrator(await users.GetRolesAsync(user)):
                return ApiProblems.From(Refusal.Forbidden("token.admin-only"));
            case ApiTokenScope.Unit when request.UnitId is null:
                return ApiProblems.From(Refusal.Invalid("unitId", "token.unit-required"));
            case ApiTokenScope.Unit when !await db.Set<UnitMembership>().AnyAsync(m => m.UserId == user.Id && m.UnitId == request.UnitId, ct):
                return ApiProblems.From(Refusal.Forbidden("token.not-your-unit", ("unit", request.UnitId)));
            case not ApiTokenScope.Unit when request.UnitId is not null:
                return ApiProblems.From(Refusal.Invalid("unitId", "token.unit-only"));
        }
        var id = Guid.CreateVersion7();
        var secret = ApiToken.NewSecret(id);
        var token = new ApiToken
        {
            Id = id, UserId = user.Id, Name = name, Scope = scope, UnitId = request.UnitId, SecretHash = ApiToken.HashOf(secret),
            CreatedAt = clock.GetUtcNow(), ExpiresAt = clock.GetUtcNow().AddDays(days),
        };
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.Add(token);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditEvent("api-token.created", "api-token", id.ToString(), After: new { token.Name, Scope = scope.ToString(), token.UnitId, token.ExpiresAt },
            UnitId: request.UnitId), ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Created($"/api/tokens/{id}", new Created(id, secret, name, scope, request.UnitId, token.ExpiresAt));
    }

    private static async Task<Ok<List<TokenView>>> List(ClaimsPrincipal principal, CampaignDbContext db, CancellationToken ct)
    {
        var userId = principal.FindFirstValue(ClaimTypes.NameIdentifier);
        var tokens = await db.Set<ApiToken>().AsNoTracking().Where(t => t.UserId == userId).ToListAsync(ct);
        return TypedResults.Ok(tokens.OrderByDescending(t => t.CreatedAt)
            .Select(t => new TokenView(t.Id, t.Name, t.Scope, t.UnitId, t.CreatedAt, t.ExpiresAt, t.RevokedAt)).ToList());
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Revoke(Guid id, ClaimsPrincipal principal, CampaignDbContext db, AuditTrail audit,
        TimeProvider clock, CancellationToken ct)
    {
        var token = await db.Set<ApiToken>().FirstOrDefaultAsync(t => t.Id == id, ct);
        // Someone else's token is "not found" to anyone but an administrator: ids tell nothing.
        if (token is null || (token.UserId != principal.FindFirstValue(ClaimTypes.NameIdentifier) && !Roles.IsAdministrator(principal)))
            return ApiProblems.NotFound($"Token {id}");
        if (token.RevokedAt is not null)
            return TypedResults.NoContent();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        token.RevokedAt = clock.GetUtcNow();
        token.RevokedBy = principal.Identity?.Name;
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditEvent("api-token.revoked", "api-token", id.ToString(), Detail: token.Name, UnitId: token.UnitId), ct);
        await transaction.CommitAsync(ct);
        return TypedResults.NoContent();
    }
}
