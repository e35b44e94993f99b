using System.ComponentModel.DataAnnotations;

namespace Dtx.Campaign.Server.Identity;

/// <summary>
/// The <c>Security</c> settings, bound once and checked at start-up: a zero, a negative or a misspelt number stops the
/// start naming the setting, instead of silently turning a limit off. Wrong passwords per account and address are
/// <see cref="SignInThrottleOptions"/> (<c>Security:SignIn</c>).
/// </summary>
public sealed class SecurityOptions
{
    public const string Section = "Security";

    /// <summary>Administrators and council chairs must sign in with a second factor; false only for the Development demo.</summary>
    public bool RequireTwoFactor { get; set; } = true;

    /// <summary>Sign-in attempts per account and address per minute (audited attempts, the same on every node).</summary>
    [Range(1, int.MaxValue)]
    public int SignInsPerMinute { get; set; } = 10;

    /// <summary>Public certificate checks per address per minute.</summary>
    [Range(1, int.MaxValue)]
    public int VerificationsPerMinute { get; set; } = 30;

    /// <summary>Sign-in requests per address per minute: a flood guard only (pages opened are not counted).</summary>
    [Range(1, int.MaxValue)]
    public int SignInRequestsPerAddressPerMinute { get; set; } = 300;

    /// <summary>Requests that carry an API token, per address per minute: slows the guessing of tokens.</summary>
    [Range(1, int.MaxValue)]
    public int TokenRequestsPerMinute { get; set; } = 300;
}
