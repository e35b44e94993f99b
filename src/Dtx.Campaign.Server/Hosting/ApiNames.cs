using System.Text.Json;
using Dtx.Campaign.Scoring.Refusals;

namespace Dtx.Campaign.Server.Hosting;

/// <summary>
/// An enum member by the name clients know it by: the HTTP JSON's enum converter is registered with <see cref="Policy"/>
/// (ServerSetup), so responses carry the enum itself and say <c>InProgress</c> as "in-progress". This is the same name
/// for where text is needed instead: a page's CSS class or data attribute, a query's filter value, a refusal's label.
/// Audit snapshots and stored columns keep their own fixed words, so that stored history never follows a naming change.
/// </summary>
internal static class ApiNames
{
    public static JsonNamingPolicy Policy => JsonNamingPolicy.KebabCaseLower;

    public static string Of<TEnum>(TEnum value) where TEnum : struct, Enum => Policy.ConvertName(value.ToString());

    /// <summary>A member as a word of the refusal catalogue, which names them the same way (e.g. "campaign.launched").</summary>
    public static Label Label<TEnum>(string prefix, TEnum value) where TEnum : struct, Enum => new(prefix + "." + Of(value));
}
