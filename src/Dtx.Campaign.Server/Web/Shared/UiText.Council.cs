namespace Dtx.Campaign.Server.Web;

internal sealed partial class UiText
{
    /// <summary>The Appraisal Council's pages: assigned units, verification, disputes, the chair's approvals.</summary>
    private static readonly Dictionary<string, (string Vi, string En)> CouncilTexts = new(StringComparer.Ordinal)
    {
    };
}
