using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Audit;
using Dtx.Campaign.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Dtx.Campaign.Server.Identity;

/// <summary>How sign-in attempts are counted (<c>Security:SignIn</c>).</summary>
public sealed class SignInThrottleOptions
{
    public const string Section = "Security:SignIn";

    /// <summary>Wrong passwords for one account from one address before that address waits out <see cref="Window"/> for it.</summary>
    public int FailuresPerAddress { get; set; } = 5;

    /// <summary>Wrong passwords for one account from all addresses together before everyone waits: a ceiling against guessing from many addresses.</summary>
    public int FailuresPerAccount { get; set; } = 100;

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>Longest values a sign-in form or request may carry; checked before anything is looked up or logged.</summary>
internal static class SignInInput
{
    // The audit log keeps an entity id (here the address typed) in 100 characters.
    public const int MaxEmail = 100;
    public const int MaxPassword = 1024;
    public const int MaxCode = 32;
    public const int MaxRecoveryCode = 64;
    public const int MaxLinkToken = 4096;

    /// <summary>The first field that is too long, named, or null.</summary>
    public static Refusal? TooLong(params (string Field, string? Value, int Max)[] fields) =>
        fields.FirstOrDefault(f => f.Value is { } v && v.Length > f.Max) is { Field: { } field, Max: var max }
            ? Refusal.Invalid(field, "sign-in.field-too-long", ("field", field), ("max", max))
            : null;
}

/// <summary>
/// Counts sign-in attempts per account <i>and</i> client address, so that a stranger guessing an
/// administrator's password locks only their own address out, not the administrator (ASVS V2.2.1), and an
/// office behind one address signs in together. The attempts are counted from the audit log (every attempt
/// is an entry with its address), on the application's clock: the same count on every node, and
/// administrators read the same entries. Known and unknown accounts are counted alike: the answer tells nothing.
/// </summary>
internal sealed class SignInThrottle(CampaignDbContext db, IOptions<SignInThrottleOptions> options, IOptions<SecurityOptions> security, TimeProvider clock)
{
    public const string FailedAction = "login.failed";

    // What a password step leaves in the audit log; the second step's "login.succeeded" counts too.
    private static readonly string[] Attempts = ["login.succeeded", "login.password-accepted", FailedAction, "login.locked-out"];

    /// <summary>Whether this account has had <c>Security:SignInsPerMinute</c> attempts from this address in the last minute.</summary>
    public async Task<bool> TooManyAttemptsAsync(string email, string? address, CancellationToken ct) =>
        await Entries(email, TimeSpan.FromMinutes(1)).CountAsync(e => Attempts.Contains(e.Action) && e.ActorAddress == address, ct)
            >= security.Value.SignInsPerMinute;

    /// <summary>Whether wrong passwords for this account, from this address or from everywhere, have reached their limit in the window.</summary>
    public async Task<bool> IsLockedAsync(string email, string? address, CancellationToken ct)
    {
        var failures = Entries(email, options.Value.Window).Where(e => e.Action == FailedAction);
        return await failures.CountAsync(e => e.ActorAddress == address, ct) >= options.Value.FailuresPerAddress
            || await failures.CountAsync(ct) >= options.Value.FailuresPerAccount;
    }

    private IQueryable<AuditEntry> Entries(string email, TimeSpan window)
    {
        var since = clock.GetUtcNow() - window;
        var account = email.ToLowerInvariant();
        return db.Set<AuditEntry>().AsNoTracking()
            .Where(e => e.At >= since && e.EntityType == "user" && e.EntityId != null && e.EntityId.ToLower() == account);
    }
}
