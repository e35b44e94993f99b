namespace Dtx.Campaign.Server.Web;

internal sealed partial class UiText
{
    /// <summary>Signing in, two-factor, set-password and forgotten-password pages.</summary>
    private static readonly Dictionary<string, (string Vi, string En)> AccountTexts = new(StringComparer.Ordinal)
    {
    };
}
