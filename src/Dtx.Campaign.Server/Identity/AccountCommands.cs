using System.CommandLine;
using Dtx.Campaign.Server.Audit;
using Microsoft.AspNetCore.Identity;

namespace Dtx.Campaign.Server.Identity;

/// <summary>
/// <c>account reset-two-factor EMAIL</c> and <c>account unlock EMAIL</c>: for an operator on the server
/// when a person has lost both their authenticator and their recovery codes, or is locked out.
/// </summary>
internal static class AccountCommands
{
    public static Command Build(Func<IServiceProvider> services, TextWriter output, TextWriter error)
    {
        var resetEmail = new Argument<string>("email") { Description = "The account's e-mail address." };
        var reset = new Command("reset-two-factor", "Turn two-factor authentication off and forget the key; the person enrols again at the next sign-in.") { resetEmail };
        reset.SetAction((result, ct) => RunAsync(services, error, result.GetValue(resetEmail)!, ct, async (users, user) =>
        {
            await users.SetTwoFactorEnabledAsync(user, false);
            await users.ResetAuthenticatorKeyAsync(user);
            await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 0);
            output.WriteLine($"{user.Email}: two-factor authentication is off; open sessions end at their next check.");
            return new AuditEvent("two-factor.reset", "user", user.Email, Detail: "by an operator on the command line");
        }));

        var unlockEmail = new Argument<string>("email") { Description = "The account's e-mail address." };
        var unlock = new Command("unlock", "End a lockout after failed sign-ins.") { unlockEmail };
        unlock.SetAction((result, ct) => RunAsync(services, error, result.GetValue(unlockEmail)!, ct, async (users, user) =>
        {
            await users.SetLockoutEndDateAsync(user, null);
            await users.ResetAccessFailedCountAsync(user);
            output.WriteLine($"{user.Email}: unlocked.");
            return new AuditEvent("account.unlocked", "user", user.Email, Detail: "by an operator on the command line");
        }));
        return new Command("account", "Account recovery for operators.") { reset, unlock };
    }

    private static async Task<int> RunAsync(Func<IServiceProvider> services, TextWriter error, string email, CancellationToken ct,
        Func<UserManager<AppUser>, AppUser, Task<AuditEvent>> action)
    {
        await using var scope = services().CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = await users.FindByEmailAsync(email.Trim());
        if (user is null)
        {
            error.WriteLine($"{email}: no account has this e-mail address.");
            return 1;
        }
        var audit = await action(users, user);
        await scope.ServiceProvider.GetRequiredService<AuditTrail>().RecordAsync(audit, ct);
        return 0;
    }
}
