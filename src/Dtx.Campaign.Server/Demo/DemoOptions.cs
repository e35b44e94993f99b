namespace Dtx.Campaign.Server.Demo;

/// <summary>
/// The demonstration data, bound from the <c>Demo</c> section; on only in the Development environment
/// (<c>appsettings.Development.json</c>), never in production: its accounts share a published password.
/// </summary>
public sealed class DemoOptions
{
    public const string Section = "Demo";

    /// <summary>At start, fill an empty database with two campaigns and the people who work on them.</summary>
    public bool Enabled { get; set; }

    /// <summary>The password of every demo account but the administrator.</summary>
    public string Password { get; set; } = "";

    /// <summary>
    /// The demo's administrator. Not <c>Bootstrap:*</c>: those create the first administrator of any database
    /// (also by <c>migrate</c>), and a published password must only ever open the demo's own database.
    /// </summary>
    public string AdminEmail { get; set; } = "";

    public string AdminPassword { get; set; } = "";
}
