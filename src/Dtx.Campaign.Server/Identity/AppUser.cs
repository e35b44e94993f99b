using Microsoft.AspNetCore.Identity;

namespace Dtx.Campaign.Server.Identity;

/// <summary>A person who signs in: administrator, unit officer, council member.</summary>
public sealed class AppUser : IdentityUser
{
    public string FullName { get; set; } = "";
    /// <summary>Preferred language for e-mails and pages: <c>vi</c> (default) or <c>en</c>.</summary>
    public string Language { get; set; } = "vi";
    public DateTimeOffset CreatedAt { get; set; }
}
