using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Audit;
using Dtx.Campaign.Server.Data;
using Microsoft.AspNetCore.Identity;
using QRCoder;

namespace Dtx.Campaign.Server.Identity;

/// <summary>How a step of signing in ended.</summary>
public enum SignInOutcome
{
    SignedIn,
    /// <summary>The password was right; a code from the authenticator app (or a recovery code) comes next.</summary>
    NeedsCode,
    /// <summary>Signed in, but this person must enrol in two-factor authentication before anything else.</summary>
    MustEnrol,
    /// <summary>Too many wrong passwords for this account from this address (or from everywhere): the same answer whether the account exists or not.</summary>
    LockedOut,
    Failed,
    /// <summary>Too many attempts this minute for this account from this address.</summary>
    TooManyAttempts,
}

/// <summary>Why a one-time link could not set a password: the link itself, or the password chosen.</summary>

/// <summary>A new authenticator key, its <c>otpauth://</c> URI and that URI as a QR code (PNG data URI).</summary>
public sealed record AuthenticatorEnrolment(string Key, string Uri, string QrCodePng);

/// <summary>
/// Signing in, two-factor enrolment and one-time password links, once for both the API and the web pages:
/// the same Identity checks, lockout and audit entries whichever door a person uses.
/// </summary>
internal sealed class SignInFlow(SignInManager<AppUser> signIn, UserManager<AppUser> users, TwoFactorRule rule, AuditTrail audit,
    AccountMail mail, CampaignDbContext db, SignInThrottle throttle, IPasswordHasher<AppUser> hasher, IHttpContextAccessor http)
{
    private const string Issuer = "Dtx.Campaign";

    // A hash of a password nobody knows, checked when the account does not exist: an unknown address costs
    // the same hashing as a known one, so the time of the answer does not tell which addresses have accounts.
    private static string? unknownAccountHash;

    /// <summary>The password step. The caller has checked the lengths (<see cref="SignInInput"/>).</summary>
    public async Task<SignInOutcome> PasswordAsync(string email, string password, CancellationToken ct)
    {
        email = email.Trim();
        var address = http.HttpContext?.Connection.RemoteIpAddress?.ToString();
        if (await throttle.TooManyAttemptsAsync(email, address, ct))
            return SignInOutcome.TooManyAttempts;
        // Counted per account and address before the password is even checked, known account or not.
        if (await throttle.IsLockedAsync(email, address, ct))
        {
            await audit.RecordAsync(new AuditEvent("login.locked-out", "user", email, Detail: "too many wrong passwords"), ct);
            return SignInOutcome.LockedOut;
        }
        var user = await users.FindByEmailAsync(email);
        SignInResult result;
        if (user is null)
        {
            unknownAccountHash ??= hasher.HashPassword(new AppUser(), Guid.NewGuid().ToString());
            hasher.VerifyHashedPassword(new AppUser(), unknownAccountHash, password);
            result = SignInResult.Failed;
        }
        else
        {
            // Identity's own lockout is not used for passwords (it would let anyone lock anyone out); it still
            // counts wrong second-factor codes, which only someone with the password can reach.
            result = await signIn.PasswordSignInAsync(user, password, isPersistent: false, lockoutOnFailure: false);
        }
        await audit.RecordAsync(new AuditEvent(
            result.Succeeded ? "login.succeeded" : result.RequiresTwoFactor ? "login.password-accepted" : result.IsLockedOut ? "login.locked-out" : SignInThrottle.FailedAction,
            "user", email), ct);
        if (result.RequiresTwoFactor)
            return SignInOutcome.NeedsCode;
        if (result.Succeeded)
        {
            await KeepLanguageAsync(user!);
            return !user!.TwoFactorEnabled && await rule.IsRequiredAsync(user, await users.GetRolesAsync(user), ct)
                ? SignInOutcome.MustEnrol
                : SignInOutcome.SignedIn;
        }
        // The wrong password that reaches the limit answers as the next attempts will.
        return result.IsLockedOut || await throttle.IsLockedAsync(email, address, ct) ? SignInOutcome.LockedOut : SignInOutcome.Failed;
    }

    /// <summary>
    /// A person's language follows their account: chosen in this browser (its cookie), it is saved to the account (the
    /// newest choice); a browser that never chose takes the account's. Once signed in, as only the account holder may change it.
    /// </summary>
    private async Task KeepLanguageAsync(AppUser user)
    {
        if (http.HttpContext is not { } context)
            return;
        if (Web.WebSetup.ChosenLanguage(context.Request) is { } chosen)
        {
            if (user.Language != chosen)
            {
                user.Language = chosen;
                await users.UpdateAsync(user);
            }
        }
        else if (user.Language == "en")
            Web.WebSetup.RememberLanguage(context, user.Language);
    }

    /// <summary>Whether a password step is waiting for its second factor (its short-lived cookie is there).</summary>
    public async Task<bool> AwaitsCodeAsync() => await signIn.GetTwoFactorAuthenticationUserAsync() is not null;

    /// <summary>The second step: a code from the authenticator app, or one of the recovery codes.</summary>
    public async Task<SignInOutcome> SecondFactorAsync(string? code, string? recoveryCode, CancellationToken ct)
    {
        var user = await signIn.GetTwoFactorAuthenticationUserAsync();
        if (user is null)
            return SignInOutcome.Failed;
        var result = code is { Length: > 0 }
            ? await signIn.TwoFactorAuthenticatorSignInAsync(Compact(code), isPersistent: false, rememberClient: false)
            : await signIn.TwoFactorRecoveryCodeSignInAsync(Compact(recoveryCode ?? ""));
        if (!result.Succeeded)
            ForgetUnsavedChanges();
        else
            await KeepLanguageAsync(user);
        await audit.RecordAsync(new AuditEvent(
            result.Succeeded ? "login.succeeded" : result.IsLockedOut ? "login.locked-out" : "login.two-factor-failed", "user", user.Email,
            Detail: code is { Length: > 0 } ? "authenticator code" : "recovery code"), ct);
        return result.Succeeded ? SignInOutcome.SignedIn : result.IsLockedOut ? SignInOutcome.LockedOut : SignInOutcome.Failed;
    }

    /// <summary>A new authenticator key for someone not yet enrolled; null when two-factor is already on.</summary>
    public async Task<AuthenticatorEnrolment?> IssueAuthenticatorKeyAsync(AppUser user, CancellationToken ct)
    {
        if (user.TwoFactorEnabled)
            return null;
        await users.ResetAuthenticatorKeyAsync(user);
        var enrolment = Describe(user, (await users.GetAuthenticatorKeyAsync(user))!);
        await audit.RecordAsync(new AuditEvent("two-factor.key-issued", "user", user.Email), ct);
        return enrolment;
    }

    /// <summary>The key already issued and not yet confirmed, shown again (after a mistyped code).</summary>
    public Task<AuthenticatorEnrolment?> DescribeAuthenticatorKeyAsync(AppUser user, string key) =>
        Task.FromResult<AuthenticatorEnrolment?>(user.TwoFactorEnabled ? null : Describe(user, key));

    private static AuthenticatorEnrolment Describe(AppUser user, string key)
    {
        var uri = $"otpauth://totp/{Uri.EscapeDataString(Issuer)}:{Uri.EscapeDataString(user.Email!)}?secret={key}&issuer={Uri.EscapeDataString(Issuer)}&digits=6&period=30";
        using var generator = new QRCodeGenerator();
        using var qr = generator.CreateQrCode(uri, QRCodeGenerator.ECCLevel.M);
        var png = new PngByteQRCode(qr).GetGraphic(5);
        return new AuthenticatorEnrolment(key, uri, "data:image/png;base64," + Convert.ToBase64String(png));
    }

    /// <summary>Turns two-factor on with a first code; answers the recovery codes (shown once), or null when the code is wrong.</summary>
    public async Task<IReadOnlyList<string>?> ConfirmAuthenticatorAsync(AppUser user, string? code, CancellationToken ct)
    {
        if (!await CodeIsValidAsync(user, code))
        {
            await audit.RecordAsync(new AuditEvent("two-factor.confirm-failed", "user", user.Email), ct);
            return null;
        }
        await users.SetTwoFactorEnabledAsync(user, true);
        var codes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10))!.ToList();
        await audit.RecordAsync(new AuditEvent("two-factor.enabled", "user", user.Email), ct);
        // The stamp changed: renew the session cookie so this session goes on, without the "must enrol" mark.
        await signIn.RefreshSignInAsync(user);
        return codes;
    }

    public async Task<bool> CodeIsValidAsync(AppUser user, string? code)
    {
        if (!string.IsNullOrWhiteSpace(code) && await users.VerifyTwoFactorTokenAsync(user, users.Options.Tokens.AuthenticatorTokenProvider, Compact(code)))
            return true;
        ForgetUnsavedChanges();
        return false;
    }

    // A code refused because another request used it first leaves the user's row changed but unsaved (its
    // concurrency stamp no longer matches): the audit entry that follows must not try to save it again.
    private void ForgetUnsavedChanges() => db.ChangeTracker.Clear();

    /// <summary>Queues the link to set a new password (or a fresh invitation to whoever never set one); silent about unknown addresses.</summary>
    public async Task RequestPasswordResetAsync(string email, CancellationToken ct)
    {
        email = email.Trim();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var user = await users.FindByEmailAsync(email);
        if (user is not null)
        {
            if (await users.HasPasswordAsync(user))
                await mail.QueueResetAsync(user);
            else
                await mail.QueueInvitationAsync(user, "đã được giao", "already granted to you");
            await db.SaveChangesAsync(ct);
        }
        await audit.RecordAsync(new AuditEvent("password.reset-requested", "user", email, Detail: user is null ? "no such account" : null), ct);
        await transaction.CommitAsync(ct);
    }

    /// <summary>Sets a password from the one-time link of an invitation or a reset; null when done (the link then no longer works).</summary>
    public async Task<Refusal?> SetPasswordAsync(string userId, string token, string password, CancellationToken ct)
    {
        var refused = Refusal.Invalid("token", "set-password.link-invalid");
        var user = await users.FindByIdAsync(userId);
        if (user is null)
            return refused;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var invitation = !await users.HasPasswordAsync(user);
        IdentityResult result;
        if (invitation)
        {
            if (!await users.VerifyUserTokenAsync(user, LinkTokenProvider.Name, LinkTokenProvider.InvitationPurpose, token))
                return refused;
            // Adding the password changes the security stamp: the link cannot be used again.
            result = await users.AddPasswordAsync(user, password);
        }
        else
        {
            result = await users.ResetPasswordAsync(user, token, password);
            if (result.Errors.Any(e => e.Code == "InvalidToken"))
                return refused;
        }
        if (!result.Succeeded)
            return IdentityRefusals.Of(result, "password", users.Options.Password);
        // The link came by e-mail: the address is proven. A reset also ends a lockout.
        user.EmailConfirmed = true;
        await users.UpdateAsync(user);
        await users.SetLockoutEndDateAsync(user, null);
        await users.ResetAccessFailedCountAsync(user);
        await audit.RecordAsync(new AuditEvent(invitation ? "account.activated" : "password.reset", "user", user.Email), ct);
        await transaction.CommitAsync(ct);
        return null;
    }

    // Apps show codes in groups ("123 456"); people copy them with the spaces.
    private static string Compact(string code) => code.Replace(" ", "", StringComparison.Ordinal);
}
