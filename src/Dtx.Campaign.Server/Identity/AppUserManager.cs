using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Dtx.Campaign.Server.Identity;

/// <summary>
/// Identity's user manager with lockout on the application's clock: the stock one reads the system clock,
/// so a lockout could neither be tested nor follow a clock the deployment sets.
/// </summary>
internal sealed class AppUserManager(
    IUserStore<AppUser> store, IOptions<IdentityOptions> options, IPasswordHasher<AppUser> hasher,
    IEnumerable<IUserValidator<AppUser>> userValidators, IEnumerable<IPasswordValidator<AppUser>> passwordValidators,
    ILookupNormalizer normalizer, IdentityErrorDescriber errors, IServiceProvider services, ILogger<UserManager<AppUser>> logger, TimeProvider clock)
    : UserManager<AppUser>(store, options, hasher, userValidators, passwordValidators, normalizer, errors, services, logger)
{
    private IUserLockoutStore<AppUser> LockoutStore =>
        Store as IUserLockoutStore<AppUser> ?? throw new NotSupportedException("The user store does not support lockout.");

    public override async Task<bool> IsLockedOutAsync(AppUser user)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(user);
        if (!await LockoutStore.GetLockoutEnabledAsync(user, CancellationToken))
            return false;
        var end = await LockoutStore.GetLockoutEndDateAsync(user, CancellationToken);
        return end >= clock.GetUtcNow();
    }

    public override async Task<IdentityResult> AccessFailedAsync(AppUser user)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(user);
        var count = await LockoutStore.IncrementAccessFailedCountAsync(user, CancellationToken);
        if (count < Options.Lockout.MaxFailedAccessAttempts)
            return await UpdateUserAsync(user);
        await LockoutStore.SetLockoutEndDateAsync(user, clock.GetUtcNow().Add(Options.Lockout.DefaultLockoutTimeSpan), CancellationToken);
        await LockoutStore.ResetAccessFailedCountAsync(user, CancellationToken);
        return await UpdateUserAsync(user);
    }
}
