using Microsoft.AspNetCore.Identity;

namespace Dtx.Campaign.Server.Identity;

/// <summary>
/// What Identity's length and character rules do not catch: a password made of the person's own e-mail,
/// or one of the passwords people choose first (a short list, including Vietnamese habits).
/// </summary>
internal sealed class PasswordPolicy : IPasswordValidator<AppUser>
{
    // Error codes; a person reads the refusal catalogue's words for them (IdentityRefusals), the descriptions are for logs.
    public const string ContainsEmail = "PasswordContainsEmail";
    public const string TooCommon = "PasswordTooCommon";

    // Compared after lower-casing and dropping everything that is not a letter; so "Password-123!" is "password".
    private static readonly HashSet<string> Common = new(StringComparer.Ordinal)
    {
        "password", "passw", "passwd", "admin", "administrator", "qwerty", "qwertyuiop", "asdfgh", "zxcvbn", "abc", "abcd", "abcdef",
        "letmein", "welcome", "iloveyou", "monkey", "dragon", "master", "sunshine", "princess", "football", "baseball", "superman",
        "trustno", "changeme", "default", "secret", "login", "root", "test", "guest", "user",
        "matkhau", "matkhaumoi", "anhyeuem", "emyeuanh", "yeuem", "vietnam", "hanoi", "saigon", "hochiminh", "dongthap", "ubnd", "sotttt",
        "chuyendoiso", "dtx", "dtxcampaign", "congchuc", "canbo",
    };

    public Task<IdentityResult> ValidateAsync(UserManager<AppUser> manager, AppUser user, string? password)
    {
        var errors = new List<IdentityError>();
        var lower = (password ?? "").ToLowerInvariant();
        var email = (user.Email ?? user.UserName ?? "").ToLowerInvariant();
        var local = email.Split('@')[0];
        if (email.Length > 0 && (lower.Contains(email, StringComparison.Ordinal) || (local.Length >= 6 && lower.Contains(local, StringComparison.Ordinal))))
            errors.Add(new IdentityError { Code = ContainsEmail, Description = "The password contains the e-mail address." });
        var letters = new string(lower.Where(char.IsLetter).ToArray());
        if (Common.Contains(letters) || Common.Contains(lower))
            errors.Add(new IdentityError { Code = TooCommon, Description = "The password is too common." });
        return Task.FromResult(errors.Count == 0 ? IdentityResult.Success : IdentityResult.Failed([.. errors]));
    }
}
