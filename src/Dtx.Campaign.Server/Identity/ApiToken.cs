using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Dtx.Campaign.Server.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Options;

namespace Dtx.Campaign.Server.Identity;

/// <summary>What a machine client's token may do.</summary>
public enum ApiTokenScope
{
    /// <summary>Reads what its owner may read; every change is refused.</summary>
    ReadOnly,
    /// <summary>Reads and changes one unit's data, which its owner acts for; nothing else.</summary>
    Unit,
    /// <summary>Everything its owner, an administrator, may do.</summary>
    Admin,
}

/// <summary>
/// A bearer token for a machine client, owned by a person. Only the SHA-256 of the secret is stored:
/// the token is shown once, when it is created.
/// </summary>
public sealed class ApiToken
{
    public Guid Id { get; set; }
    public required string UserId { get; set; }
    public required string Name { get; set; }
    public ApiTokenScope Scope { get; set; }
    public Guid? UnitId { get; set; }
    public required string SecretHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public string? RevokedBy { get; set; }

    public const string Prefix = "dtx_";

    /// <summary>A new token's text: <c>dtx_</c>, its id, and 32 random bytes.</summary>
    public static string NewSecret(Guid id) => $"{Prefix}{id:N}_{WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32))}";

    public static string HashOf(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>The id a presented token claims to be, or null when it is not one of ours.</summary>
    public static Guid? IdOf(string token) =>
        token.StartsWith(Prefix, StringComparison.Ordinal) && token.Length > Prefix.Length + 33 && token[Prefix.Length + 32] == '_'
            && Guid.TryParseExact(token.AsSpan(Prefix.Length, 32), "N", out var id) ? id : null;
}

internal sealed class ApiTokenConfiguration : IEntityTypeConfiguration<ApiToken>
{
    public void Configure(EntityTypeBuilder<ApiToken> builder)
    {
        builder.ToTable("api_tokens");
        builder.Property(x => x.Name).HasMaxLength(100);
        builder.Property(x => x.Scope).HasConversion<string>().HasMaxLength(20);
        builder.Property(x => x.SecretHash).HasMaxLength(64);
        builder.Property(x => x.RevokedBy).HasMaxLength(256);
        builder.HasIndex(x => x.UserId);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Units.Unit>().WithMany().HasForeignKey(x => x.UnitId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>Claims that narrow what a request may do beyond its roles.</summary>
public static class AccessClaims
{
    /// <summary>The scope of the API token the request came with.</summary>
    public const string TokenScope = "dtx:token-scope";
    /// <summary>The one unit a unit-scoped token may reach.</summary>
    public const string TokenUnit = "dtx:token-unit";
}

/// <summary>
/// <c>Authorization: Bearer dtx_…</c>: finds the token by the id it carries, compares the hash in constant
/// time, and refuses revoked or expired tokens and owners who are locked out. The principal carries the
/// owner's roles for read-only and admin tokens, and none for a unit token (it reaches its unit only).
/// </summary>
internal sealed class ApiTokenHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    CampaignDbContext db, UserManager<AppUser> users, TimeProvider clock) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "api-token";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.NoResult();
        var presented = header["Bearer ".Length..].Trim();
        if (ApiToken.IdOf(presented) is not { } id)
            return AuthenticateResult.Fail("not a Dtx.Campaign API token");
        var token = await db.Set<ApiToken>().AsNoTracking().FirstOrDefaultAsync(t => t.Id == id, Context.RequestAborted);
        if (token is null || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(token.SecretHash), Encoding.ASCII.GetBytes(ApiToken.HashOf(presented))))
            return AuthenticateResult.Fail("unknown API token");
        if (token.RevokedAt is not null)
            return AuthenticateResult.Fail("the API token was revoked");
        if (token.ExpiresAt <= clock.GetUtcNow())
            return AuthenticateResult.Fail("the API token has expired");
        var user = await users.FindByIdAsync(token.UserId);
        if (user is null || await users.IsLockedOutAsync(user))
            return AuthenticateResult.Fail("the token's owner cannot sign in");

        List<Claim> claims =
        [
            new(ClaimTypes.NameIdentifier, user.Id),
            // A unit token must not pass for its owner elsewhere (a council seat is found by e-mail).
            new(ClaimTypes.Name, token.Scope == ApiTokenScope.Unit ? $"{user.Email} (token {token.Name})" : user.Email!),
            new(AccessClaims.TokenScope, token.Scope.ToString()),
        ];
        if (token.Scope == ApiTokenScope.Unit)
            claims.Add(new Claim(AccessClaims.TokenUnit, token.UnitId!.Value.ToString()));
        else
            claims.AddRange((await users.GetRolesAsync(user)).Select(r => new Claim(ClaimTypes.Role, r)));
        if (token.Scope != ApiTokenScope.Unit && user.Email is not null)
            claims.Add(new Claim(ClaimTypes.Email, user.Email));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName, ClaimTypes.Name, ClaimTypes.Role));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        return Task.CompletedTask;
    }
}
