using System.Globalization;
using Dtx.Campaign.Scoring.Refusals;

namespace Dtx.Campaign.Server.Campaigns;

/// <summary>
/// The API's one rule for a date and time given as text: ISO 8601, either a local time in the campaign's zone
/// (<c>2026-12-04T22:06</c> or <c>2026-12-04T22:06:00</c>) or an instant with an explicit offset
/// (<c>2026-12-04T15:06:00Z</c>, <c>2026-12-04T22:06+07:00</c>).
/// </summary>
public static class LocalDateTimeInput
{
    private static readonly string[] LocalFormats = ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss"];
    private static readonly string[] OffsetFormats = ["yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"];

    /// <summary>The instant in UTC; null on success, else the refusal naming the value given.</summary>
    public static Reason? TryParse(string? text, TimeZoneInfo zone, out DateTimeOffset utc)
    {
        utc = default;
        var value = text?.Trim() ?? "";
        if (DateTime.TryParseExact(value, LocalFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            if (zone.IsInvalidTime(local))
                return Reason.Of("date.not-exist", ("time", value), ("zone", zone.Id));
            utc = ScheduleInput.Utc(local, zone);
            return null;
        }
        if (DateTimeOffset.TryParseExact(value, OffsetFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var instant))
        {
            utc = instant.ToUniversalTime();
            return null;
        }
        return Reason.Of("date.not-iso", ("value", value), ("zone", zone.Id));
    }
}
