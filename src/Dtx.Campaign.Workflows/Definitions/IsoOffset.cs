using System.Globalization;
using System.Text.RegularExpressions;

namespace Dtx.Campaign.Workflows.Definitions;

/// <summary>
/// An ISO-8601 duration with an optional sign (<c>-P7D</c> = seven days before), applied on the
/// calendar in local time, so "P1M" is one calendar month and days are never 24-hour approximations.
/// </summary>
public sealed partial record IsoOffset(bool Negative, int Years, int Months, int Weeks, int Days, TimeSpan Time)
{
    [GeneratedRegex(@"^(?<sign>[-+])?P(?!$)(?:(?<y>\d+)Y)?(?:(?<mo>\d+)M)?(?:(?<w>\d+)W)?(?:(?<d>\d+)D)?(?:T(?=\d)(?:(?<h>\d+)H)?(?:(?<mi>\d+)M)?(?:(?<s>\d+)S)?)?$")]
    private static partial Regex Pattern();

    public static bool TryParse(string text, out IsoOffset? offset)
    {
        offset = null;
        var match = Pattern().Match(text);
        if (!match.Success)
        {
            return false;
        }

        static int Part(Match m, string name) =>
            m.Groups[name].Success ? int.Parse(m.Groups[name].Value, CultureInfo.InvariantCulture) : 0;

        offset = new IsoOffset(
            match.Groups["sign"].Value == "-",
            Part(match, "y"),
            Part(match, "mo"),
            Part(match, "w"),
            Part(match, "d"),
            new TimeSpan(Part(match, "h"), Part(match, "mi"), Part(match, "s")));
        return true;
    }

    public DateTime ApplyTo(DateTime local)
    {
        var sign = Negative ? -1 : 1;
        return local
            .AddYears(sign * Years)
            .AddMonths(sign * Months)
            .AddDays(sign * ((Weeks * 7) + Days))
            .Add(Negative ? -Time : Time);
    }

    public override string ToString()
    {
        var text = (Negative ? "-" : "") + "P"
            + (Years > 0 ? $"{Years}Y" : "")
            + (Months > 0 ? $"{Months}M" : "")
            + (Weeks > 0 ? $"{Weeks}W" : "")
            + (Days > 0 ? $"{Days}D" : "");
        if (Time > TimeSpan.Zero)
        {
            text += "T"
                + (Time.Hours > 0 ? $"{Time.Hours}H" : "")
                + (Time.Minutes > 0 ? $"{Time.Minutes}M" : "")
                + (Time.Seconds > 0 ? $"{Time.Seconds}S" : "");
        }

        return text;
    }
}
