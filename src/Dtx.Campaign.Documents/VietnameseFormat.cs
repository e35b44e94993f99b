using System.Globalization;

namespace Dtx.Campaign.Documents;

/// <summary>Number, percentage, date and time formatting for documents in Vietnamese ("vi") or English ("en").</summary>
public static class DocFormat
{
    /// <summary>A campaign's name with its year said once: "Đánh giá chuyển đổi số năm 2025", whether or not the name has it.</summary>
    public static string CampaignWithYear(string name, int year, string lang = "vi")
    {
        ArgumentNullException.ThrowIfNull(name);
        var campaign = name.Normalize(System.Text.NormalizationForm.FormC).Trim();
        var text = year.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (campaign.Contains(text, StringComparison.Ordinal))
            return campaign;
        return IsEnglish(lang) ? $"{campaign} {text}" : $"{campaign} năm {text}";
    }

    public const string DefaultTimeZoneId = "Asia/Ho_Chi_Minh";

    private static readonly CultureInfo Vi = CreateVi();
    private static readonly CultureInfo En = CultureInfo.GetCultureInfo("en-GB");

    private static CultureInfo CreateVi()
    {
        var c = (CultureInfo)CultureInfo.InvariantCulture.Clone();
        c.NumberFormat.NumberDecimalSeparator = ",";
        c.NumberFormat.NumberGroupSeparator = ".";
        c.NumberFormat.PercentDecimalSeparator = ",";
        c.NumberFormat.PercentGroupSeparator = ".";
        return CultureInfo.ReadOnly(c);
    }

    public static bool IsEnglish(string? lang) => string.Equals(lang, "en", StringComparison.OrdinalIgnoreCase);

    public static CultureInfo Culture(string? lang) => IsEnglish(lang) ? En : Vi;

    /// <summary>136.69 → "136,69" (vi) / "136.69" (en); thousands grouped: 1234.5 → "1.234,50".</summary>
    public static string Number(decimal value, string? lang = "vi", int decimals = 2) =>
        value.ToString("N" + decimals.ToString(CultureInfo.InvariantCulture), Culture(lang));

    /// <summary>Integer with thousands separators: 1234 → "1.234" (vi) / "1,234" (en).</summary>
    public static string Integer(long value, string? lang = "vi") => value.ToString("N0", Culture(lang));

    /// <summary>68.35 (already a percentage) → "68,35%" (vi) / "68.35%" (en).</summary>
    public static string Percent(decimal percentage, string? lang = "vi", int decimals = 2) =>
        Number(percentage, lang, decimals) + "%";

    public static TimeZoneInfo Zone(string? timeZoneId) =>
        TimeZoneInfo.FindSystemTimeZoneById(string.IsNullOrWhiteSpace(timeZoneId) ? DefaultTimeZoneId : timeZoneId);

    public static DateTimeOffset ToZone(DateTimeOffset utc, string? timeZoneId) => TimeZoneInfo.ConvertTime(utc, Zone(timeZoneId));

    /// <summary>"ngày 23 tháng 10 năm 2025" (vi) / "23 October 2025" (en), in the campaign's zone.</summary>
    public static string LongDate(DateTimeOffset value, string? timeZoneId = DefaultTimeZoneId, string? lang = "vi")
    {
        var local = ToZone(value, timeZoneId);
        return IsEnglish(lang)
            ? local.ToString("d MMMM yyyy", En)
            : string.Create(CultureInfo.InvariantCulture, $"ngày {local.Day} tháng {local.Month} năm {local.Year}");
    }

    /// <summary>"23/10/2025" (vi) / "23 Oct 2025" (en).</summary>
    public static string ShortDate(DateTimeOffset value, string? timeZoneId = DefaultTimeZoneId, string? lang = "vi")
    {
        var local = ToZone(value, timeZoneId);
        return IsEnglish(lang) ? local.ToString("d MMM yyyy", En) : local.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);
    }

    /// <summary>"17 giờ 00 ngày 23/10/2025" (vi) / "17:00, 23 Oct 2025" (en).</summary>
    public static string DateTime(DateTimeOffset value, string? timeZoneId = DefaultTimeZoneId, string? lang = "vi")
    {
        var local = ToZone(value, timeZoneId);
        return IsEnglish(lang)
            ? local.ToString("HH:mm, d MMM yyyy", En)
            : local.ToString("HH 'giờ' mm 'ngày' dd/MM/yyyy", CultureInfo.InvariantCulture);
    }

    /// <summary>"Hà Nội, ngày 23 tháng 10 năm 2025" (vi) / "Hà Nội, 23 October 2025" (en).</summary>
    public static string PlaceAndDate(string place, DateTimeOffset value, string? timeZoneId = DefaultTimeZoneId, string? lang = "vi") =>
        place + ", " + LongDate(value, timeZoneId, lang);

    /// <summary>Award class 1/2/3 → "Giải Nhất/Nhì/Ba" (vi) / "First/Second/Third class" (en).</summary>
    public static string AwardClass(AwardClass award, string? lang = "vi") => (award, IsEnglish(lang)) switch
    {
        (Documents.AwardClass.First, false) => "Giải Nhất",
        (Documents.AwardClass.Second, false) => "Giải Nhì",
        (Documents.AwardClass.Third, false) => "Giải Ba",
        (Documents.AwardClass.First, true) => "First class",
        (Documents.AwardClass.Second, true) => "Second class",
        (Documents.AwardClass.Third, true) => "Third class",
        _ => award.ToString(),
    };
}

public enum AwardClass
{
    First = 1,
    Second = 2,
    Third = 3,
}

/// <summary>Number and symbol of an official document (Decree 30/2020/NĐ-CP): "15/TB-UBND" or "920/QĐ-UBND".</summary>
public sealed record DocumentNumber(int Number, string TypeCode, string AuthoritySymbol)
{
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Number}/{TypeCode}-{AuthoritySymbol}");
}
