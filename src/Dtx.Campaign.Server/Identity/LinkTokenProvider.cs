using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;

namespace Dtx.Campaign.Server.Identity;

/// <summary>How long the links sent by e-mail stay valid, bound from <c>Identity:Links</c>.</summary>
public sealed class LinkTokenOptions
{
    public const string Section = "Identity:Links";
    /// <summary>An invitation to set a first password.</summary>
    public TimeSpan InvitationLifespan { get; set; } = TimeSpan.FromDays(7);
    /// <summary>A password reset.</summary>
    public TimeSpan ResetLifespan { get; set; } = TimeSpan.FromHours(2);
}

/// <summary>
/// The one-time tokens of the invitation and password-reset links: the user, the purpose, the time of
/// issue on the application's clock and the user's security stamp, protected by data protection (keys
/// shared by every node). Setting a password changes the stamp, so a link works once; a link also ends
/// after its lifespan. Identity's own provider reads the system clock, which tests cannot move.
/// </summary>
internal sealed class LinkTokenProvider(IDataProtectionProvider protection, TimeProvider clock, IOptions<LinkTokenOptions> options)
    : IUserTwoFactorTokenProvider<AppUser>
{
    public const string Name = "dtx-link";
    public const string InvitationPurpose = "Invitation";

    private sealed record Payload(long IssuedTicks, string UserId, string Purpose, string? Stamp);

    private readonly IDataProtector protector = protection.CreateProtector("Dtx.Campaign.Identity.LinkTokens");

    public Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<AppUser> manager, AppUser user) => Task.FromResult(false);

    public async Task<string> GenerateAsync(string purpose, UserManager<AppUser> manager, AppUser user)
    {
        var payload = new Payload(clock.GetUtcNow().UtcTicks, user.Id, purpose, await manager.GetSecurityStampAsync(user));
        return WebEncoders.Base64UrlEncode(protector.Protect(JsonSerializer.SerializeToUtf8Bytes(payload)));
    }

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<AppUser> manager, AppUser user)
    {
        Payload? payload;
        try
        {
            payload = JsonSerializer.Deserialize<Payload>(protector.Unprotect(WebEncoders.Base64UrlDecode(token)));
        }
        catch (Exception e) when (e is CryptographicException or FormatException or JsonException)
        {
            return false;
        }
        if (payload is null || payload.UserId != user.Id || payload.Purpose != purpose)
            return false;
        var lifespan = purpose == InvitationPurpose ? options.Value.InvitationLifespan : options.Value.ResetLifespan;
        var age = clock.GetUtcNow().UtcTicks - payload.IssuedTicks;
        if (age < 0 || age > lifespan.Ticks)
            return false;
        return payload.Stamp == await manager.GetSecurityStampAsync(user);
    }
}
