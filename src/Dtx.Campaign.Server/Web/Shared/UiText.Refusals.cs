using Dtx.Campaign.Scoring.Refusals;

namespace Dtx.Campaign.Server.Web;

// The one place pages turn a refusal into words: the same catalogue as the API's problem details.
internal sealed partial class UiText
{
    /// <summary>Each reason in the reader's language, after the field's label where the form has one.</summary>
    public IReadOnlyList<string> Refused(Refusal refusal) =>
        refusal.Reasons.Select(r => r.Field is { } field && Texts.ContainsKey("field." + field) ? $"{Field(field)}: {r.Text(Language)}" : r.Text(Language)).ToList();

    /// <summary>The reasons as one line (a card's status, a flash message).</summary>
    public string RefusedLine(Refusal refusal) => string.Join("; ", Refused(refusal));

    /// <summary>The reasons per field, for a form that shows each beside its input.</summary>
    public Dictionary<string, string[]> RefusedFields(Refusal refusal) =>
        refusal.Reasons.GroupBy(r => r.Field ?? "").ToDictionary(g => g.Key, g => g.Select(r => r.Text(Language)).ToArray());

    /// <summary>The status a page answers with, the same as the API's.</summary>
    public static int StatusOf(Refusal refusal) => Hosting.RefusalProblems.StatusOf(refusal.Kind);
}
