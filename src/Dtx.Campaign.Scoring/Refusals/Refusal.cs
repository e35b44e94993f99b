using System.Globalization;

namespace Dtx.Campaign.Scoring.Refusals;

/// <summary>Why a request is refused, which decides the answer's status (400, 403, 404, 409, 413).</summary>
public enum RefusalKind
{
    Invalid,
    Forbidden,
    NotFound,
    Conflict,
    TooLarge,
    Unauthorized,
    Locked,
    TooManyRequests,
}

/// <summary>
/// One reason for a refusal: a stable code from <see cref="RefusalTexts"/>, the values its text names,
/// and the input field at fault where there is one.
/// </summary>
public sealed record Reason(string Code, IReadOnlyDictionary<string, object?> Args, string? Field = null)
{
    public static Reason Of(string code, params (string Name, object? Value)[] args) => new(code, ToArgs(args));

    public static Reason For(string field, string code, params (string Name, object? Value)[] args) => new(code, ToArgs(args), field);

    /// <summary>The reason's text in "vi" or "en".</summary>
    public string Text(string language) => RefusalTexts.Render(Code, Args, language);

    internal static Dictionary<string, object?> ToArgs((string Name, object? Value)[] args) =>
        args.ToDictionary(a => a.Name, a => a.Value, StringComparer.Ordinal);
}

/// <summary>A value shown by its label in the reader's language (a stage, a status), never by its key.</summary>
public sealed record Label(string Key)
{
    public override string ToString() => Key;
}

/// <summary>A time in a campaign's zone, as a refusal shows it: "30/11/2025 17:00 (giờ Việt Nam)", "(Vietnam time)".</summary>
public sealed record LocalTime(string Text, string ZoneId)
{
    /// <summary>The zone as a reader of the language calls it: Vietnam's in words, any other by its id.</summary>
    public string Zone(string language) => ZoneId == "Asia/Ho_Chi_Minh" ? (language == "en" ? "Vietnam time" : "giờ Việt Nam") : ZoneId;

    public string Show(string language) => $"{Text} ({Zone(language)})";

    /// <summary>For logs and machine-read parameters: the text with the zone's id.</summary>
    public override string ToString() => $"{Text} ({ZoneId})";
}

/// <summary>A name the data holds in both languages (an indicator's, a unit's).</summary>
public sealed record Words(string Vi, string En)
{
    public override string ToString() => Vi;
}

/// <summary>
/// The one way a rule says no: thrown by models and use cases, turned into problem details for the API
/// and into a message for pages in one place each. The exception's message is the English text (logs).
/// </summary>
public sealed class Refusal(RefusalKind kind, IReadOnlyList<Reason> reasons, IReadOnlyDictionary<string, object?>? extensions = null)
    : Exception(string.Join("; ", reasons.Select(r => (r.Field is null ? "" : r.Field + ": ") + r.Text("en"))))
{
    public RefusalKind Kind { get; } = kind;

    /// <summary>At least one; several when a form has several faults (each then names its field).</summary>
    public IReadOnlyList<Reason> Reasons { get; } = reasons.Count > 0 ? reasons : throw new ArgumentException("a refusal needs a reason", nameof(reasons));

    /// <summary>The first reason's code: what a client acts on.</summary>
    public string Code => Reasons[0].Code;

    public string? Field => Reasons[0].Field;

    /// <summary>Data for clients beside the text (e.g. the stored version after a conflict).</summary>
    public IReadOnlyDictionary<string, object?> Extensions { get; } = extensions ?? new Dictionary<string, object?>();

    /// <summary>Every reason's text in "vi" or "en", prefixed by its field where it names one.</summary>
    public IEnumerable<string> Texts(string language) => Reasons.Select(r => r.Text(language));

    public static Refusal Invalid(string field, string code, params (string Name, object? Value)[] args) => new(RefusalKind.Invalid, [Reason.For(field, code, args)]);

    public static Refusal Invalid(IReadOnlyList<Reason> reasons) => new(RefusalKind.Invalid, reasons);

    public static Refusal Conflict(string code, params (string Name, object? Value)[] args) => new(RefusalKind.Conflict, [Reason.Of(code, args)]);

    public static Refusal Forbidden(string code, params (string Name, object? Value)[] args) => new(RefusalKind.Forbidden, [Reason.Of(code, args)]);

    public static Refusal NotFound(string code, params (string Name, object? Value)[] args) => new(RefusalKind.NotFound, [Reason.Of(code, args)]);

    /// <summary>"en" for English, "vi" for anything else: Vietnamese first.</summary>
    public static string LanguageOf(CultureInfo culture) => culture.TwoLetterISOLanguageName == "en" ? "en" : "vi";
}
