using System.Globalization;
using Dtx.Campaign.Server.Results;

namespace Dtx.Campaign.Server.Web.Public;

/// <summary>How the public pages write figures in the reader's culture: "136,69", "68,35%", "+5,25" (vi-VN).</summary>
internal static class PublicFormat
{
    public static string Points(decimal value) => value.ToString("#,0.##", CultureInfo.CurrentCulture);

    public static string Percent(decimal value) => value.ToString("0.##", CultureInfo.CurrentCulture) + "%";

    public static string Change(decimal value) => (value > 0 ? "+" : "") + value.ToString("0.##", CultureInfo.CurrentCulture);

    /// <summary>The up, down or level sign drawn before a change; screen readers get words instead (see the pages).</summary>
    public static string Arrow(decimal change) => change > 0 ? "▲" : change < 0 ? "▼" : "●";

    public static string Direction(decimal change) => change > 0 ? "up" : change < 0 ? "down" : "level";

    public static string BandName(CategoryResult category, string? key, UiText text) =>
        category.Aggregate.Bands.FirstOrDefault(b => b.Key == key) is { } band ? (text.Language == "en" ? band.NameEn : band.NameVi) : "—";

    public static string GroupName(GroupResult group, UiText text) => text.Language == "en" ? group.NameEn : group.NameVi;
}

/// <summary>A category's ranking drawn as bars (server-side SVG: no script, nothing the CSP could refuse).</summary>
internal sealed record RankingChart(CategoryResult Category, string CategoryName)
{
    public IReadOnlyList<UnitResult> Ranked { get; } = [.. Category.Units.Where(u => u.Status == ResultCalculator.Assessed && u.Rank is not null).OrderBy(u => u.Rank).ThenBy(u => u.UnitName, StringComparer.CurrentCulture)];

    public const int RowHeight = 40;

    /// <summary>A bar's length as an SVG percentage ("68.35%"), clamped to the drawing.</summary>
    public static string Width(decimal percentage) =>
        Math.Clamp(percentage, 0m, 100m).ToString("0.##", CultureInfo.InvariantCulture) + "%";
}
