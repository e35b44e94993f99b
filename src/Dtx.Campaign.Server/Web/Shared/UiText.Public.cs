namespace Dtx.Campaign.Server.Web;

internal sealed partial class UiText
{
    /// <summary>The public results pages and the certificate check.</summary>
    private static readonly Dictionary<string, (string Vi, string En)> PublicTexts = new(StringComparer.Ordinal)
    {
        ["PublishedResults"] = ("Kết quả công bố", "Published results"),
    };
}
