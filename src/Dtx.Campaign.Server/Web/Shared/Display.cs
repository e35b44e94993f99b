using System.Globalization;

namespace Dtx.Campaign.Server.Web.Shared;

/// <summary>How pages show stored values: UTC instants in the campaign's zone, numbers in the reader's culture.</summary>
internal static class Display
{
    public const string DefaultZone = Documents.DocFormat.DefaultTimeZoneId;

    public static DateTimeOffset InZone(DateTimeOffset utc, string? zoneId) =>
        TimeZoneInfo.ConvertTime(utc, TimeZoneInfo.FindSystemTimeZoneById(zoneId ?? DefaultZone));

    /// <summary>Date and time in the campaign's zone, e.g. "30/11/2025 17:00" (vi-VN).</summary>
    public static string When(DateTimeOffset utc, string? zoneId) =>
        InZone(utc, zoneId).ToString("dd/MM/yyyy HH:mm", CultureInfo.CurrentCulture);

    public static string Number(decimal value, int decimals = 1) => value.ToString("N" + decimals, CultureInfo.CurrentCulture);

    /// <summary>
    /// A percentage as the reader writes it: "75,00 %" in Vietnamese (a non-breaking space before the sign), "75.00%" in
    /// English. (The public pages have their own, <c>PublicFormat.Percent</c>: up to two decimals, no space in either language.)
    /// </summary>
    public static string Percent(decimal value, int decimals = 1) =>
        Number(value, decimals) + (CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en" ? "%" : "\u00a0%");

    /// <summary>For input values: browsers send and expect a dot, whatever the page's language.</summary>
    public static string Input(decimal? value) => value?.ToString("G29", CultureInfo.InvariantCulture) ?? "";

    public static decimal? ParseInput(string? value) =>
        string.IsNullOrWhiteSpace(value) ? null
        : Scoring.IndexSets.DecimalText.TryParse(value, out var parsed) ? parsed
        : throw new FormatException(value);

    /// <summary>Whole days and hours until a deadline, for the countdown's text without script.</summary>
    public static (int Days, int Hours) Remaining(DateTimeOffset deadline, DateTimeOffset now)
    {
        var left = deadline - now;
        return left <= TimeSpan.Zero ? (0, 0) : ((int)left.TotalDays, left.Hours);
    }
}
