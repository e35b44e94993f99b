namespace Dtx.Campaign.Server.Identity;

/// <summary>System-wide roles. Per-campaign and per-unit roles (chair of a council, focal officer of a unit) are scoped grants.</summary>
public static class Roles
{
    public const string SystemAdmin = "system-admin";
    public const string CampaignAdmin = "campaign-admin";
    public const string Observer = "observer";

    public static readonly IReadOnlyList<string> All = [SystemAdmin, CampaignAdmin, Observer];

    public static bool IsAdministrator(IEnumerable<string> roles) => roles.Any(r => r is SystemAdmin or CampaignAdmin);

    public static bool IsAdministrator(System.Security.Claims.ClaimsPrincipal user) => user.IsInRole(SystemAdmin) || user.IsInRole(CampaignAdmin);
}

public static class RateLimits
{
    public const string SignIn = "sign-in";

    /// <summary>Requests that carry an API token, per client address: slows guessing of tokens.</summary>
    public const string ApiTokens = "api-tokens";
}

public static class Policies
{
    /// <summary>Grant and withdraw the system roles: system administrators only.</summary>
    public const string ManageAccounts = "manage-accounts";

    /// <summary>Import and publish index sets and units, launch campaigns.</summary>
    public const string Administer = "administer";

    /// <summary>The unit in the route: its own focal officers and head, or an administrator.</summary>
    public const string UnitAccess = "unit-access";

    /// <summary>The head of the unit in the route, or an administrator: approves the unit's self-assessment in a campaign with head approval.</summary>
    public const string UnitHead = "unit-head";

    /// <summary>A person in a session (the cookie), not an API token: managing tokens and two-factor authentication.</summary>
    public const string Interactive = "interactive";
}
