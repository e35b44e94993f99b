using System.Globalization;

namespace Dtx.Campaign.Scoring.IndexSets;

/// <summary>
/// A number as a file or a form gives it: digits, an optional sign and a decimal point. No thousands separator: a
/// Vietnamese "1,5" (one and a half) would otherwise be read as 15 without a word; refused, the person is told to
/// write "1.5".
/// </summary>
public static class DecimalText
{
    public const NumberStyles Style = NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite | NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint;

    public static bool TryParse(string? text, out decimal value) => decimal.TryParse(text, Style, CultureInfo.InvariantCulture, out value);
}
