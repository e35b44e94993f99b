namespace Dtx.Campaign.Server.Imports;

/// <summary>
/// Text written into a CSV or Excel export: a cell that starts with = + - @, a tab or a carriage return is
/// prefixed with an apostrophe, so a spreadsheet shows it instead of running it as a formula
/// (<c>=HYPERLINK(…)</c> as a sign-in name or a unit name), and a cell is capped at a length a spreadsheet holds.
/// Only text: numbers are written as numbers, and a negative one must stay negative.
/// </summary>
internal static class SpreadsheetText
{
    /// <summary>Below Excel's 32 767 characters per cell, with room for the apostrophe.</summary>
    public const int MaxCellLength = 32_000;

    public static string? Safe(string? value)
    {
        if (string.IsNullOrEmpty(value))
            return value;
        if (value.Length > MaxCellLength)
            value = string.Concat(value.AsSpan(0, MaxCellLength - 1), "…");
        return value[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + value : value;
    }

    /// <summary>Cuts a value to <paramref name="max"/> characters, marking the cut (for stored text with a column limit).</summary>
    public static string? Cap(string? value, int max) =>
        value is null || value.Length <= max ? value : string.Concat(value.AsSpan(0, max - 1), "…");
}
