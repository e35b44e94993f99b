using System.Globalization;
using Microsoft.AspNetCore.Identity;
using OtpNet;

namespace Dtx.Campaign.Server.Identity;

/// <summary>
/// Checks authenticator-app codes (RFC 6238, 30-second steps, one step of drift either way) against the
/// key Identity stores, on the application's clock: Identity's own provider reads the system clock.
/// Each code is good once per account (RFC 6238 §5.2): the last step used is kept with the user, and a code
/// of that step or an earlier one is refused — the code that confirmed enrolment cannot sign in again.
/// </summary>
internal sealed class TotpTokenProvider(TimeProvider clock) : IUserTwoFactorTokenProvider<AppUser>
{
    public const string Name = "dtx-totp";

    /// <summary>Where the last step used is kept: a user token row, like Identity's own authenticator key.</summary>
    internal const string LastStepToken = "LastTotpStep";

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
        if (!new Totp(Base32Encoding.ToBytes(key)).VerifyTotp(clock.GetUtcNow().UtcDateTime, code, out var step, new VerificationWindow(previous: 1, future: 1)))
            return false;
        // A step used already, or an earlier one still inside the window, is a replay. Far older steps cannot be
        // valid now unless the clock was set back, and then they are new codes: a clock set back does not lock everyone out.
        if (long.TryParse(await manager.GetAuthenticationTokenAsync(user, Name, LastStepToken), NumberStyles.None, CultureInfo.InvariantCulture, out var last)
            && step <= last && step > last - 3)
            return false;
        // Saved with the user's concurrency stamp: of two requests racing with the same code, only one is saved.
        return (await manager.SetAuthenticationTokenAsync(user, Name, LastStepToken, step.ToString(CultureInfo.InvariantCulture))).Succeeded;
    }
}
