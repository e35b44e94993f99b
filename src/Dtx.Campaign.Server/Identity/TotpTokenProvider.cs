using Microsoft.AspNetCore.Identity;
using OtpNet;

namespace Dtx.Campaign.Server.Identity;

/// <summary>
/// Checks authenticator-app codes (RFC 6238, 30-second steps, one step of drift either way) against the
/// key Identity stores, on the application's clock: Identity's own provider reads the system clock.
/// </summary>
internal sealed class TotpTokenProvider(TimeProvider clock) : IUserTwoFactorTokenProvider<AppUser>
{
    public const string Name = "dtx-totp";

    public async Task<bool> CanGenerateTwoFactorTokenAsync(UserManager<AppUser> manager, AppUser user) =>
        !string.IsNullOrWhiteSpace(await manager.GetAuthenticatorKeyAsync(user));

    // The code comes from the person's app, never from the server.
    public Task<string> GenerateAsync(string purpose, UserManager<AppUser> manager, AppUser user) => Task.FromResult("");

    public async Task<bool> ValidateAsync(string purpose, string token, UserManager<AppUser> manager, AppUser user)
    {
        var key = await manager.GetAuthenticatorKeyAsync(user);
        var code = new string((token ?? "").Where(char.IsAsciiDigit).ToArray());
        if (string.IsNullOrEmpty(key) || code.Length != 6)
            return false;
        return new Totp(Base32Encoding.ToBytes(key)).VerifyTotp(clock.GetUtcNow().UtcDateTime, code, out _, new VerificationWindow(previous: 1, future: 1));
    }
}
