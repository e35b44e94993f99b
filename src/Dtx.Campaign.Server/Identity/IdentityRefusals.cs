using Dtx.Campaign.Scoring.Refusals;
using Microsoft.AspNetCore.Identity;

namespace Dtx.Campaign.Server.Identity;

/// <summary>
/// Identity refuses with English descriptions of its own; a person reads the refusal catalogue's words instead,
/// chosen by Identity's stable error code (and, for the length rules, the configured limits).
/// </summary>
internal static class IdentityRefusals
{
    public static IEnumerable<Reason> Reasons(IdentityResult result, string field, PasswordOptions password) =>
        result.Errors.Select(e => e.Code switch
        {
            nameof(IdentityErrorDescriber.PasswordTooShort) => Reason.For(field, "password.too-short", ("length", password.RequiredLength)),
            nameof(IdentityErrorDescriber.PasswordRequiresUniqueChars) => Reason.For(field, "password.needs-unique", ("count", password.RequiredUniqueChars)),
            nameof(IdentityErrorDescriber.PasswordRequiresNonAlphanumeric) => Reason.For(field, "password.needs-symbol"),
            nameof(IdentityErrorDescriber.PasswordRequiresDigit) => Reason.For(field, "password.needs-digit"),
            nameof(IdentityErrorDescriber.PasswordRequiresLower) => Reason.For(field, "password.needs-lower"),
            nameof(IdentityErrorDescriber.PasswordRequiresUpper) => Reason.For(field, "password.needs-upper"),
            PasswordPolicy.ContainsEmail => Reason.For(field, "password.contains-email"),
            PasswordPolicy.TooCommon => Reason.For(field, "password.too-common"),
            nameof(IdentityErrorDescriber.DuplicateEmail) or nameof(IdentityErrorDescriber.DuplicateUserName) => Reason.For(field, "account.email-taken"),
            nameof(IdentityErrorDescriber.InvalidEmail) or nameof(IdentityErrorDescriber.InvalidUserName) => Reason.For(field, "account.email-invalid"),
            _ => Reason.For(field, "account.identity-refused", ("code", e.Code)),
        });

    public static Refusal Of(IdentityResult result, string field, PasswordOptions password) =>
        Refusal.Invalid([.. Reasons(result, field, password)]);
}
