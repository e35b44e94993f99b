using Dtx.Campaign.Scoring.IndexSets;
using Dtx.Campaign.Server.SelfAssessments;

namespace Dtx.Campaign.Server.Web.Unit;

/// <summary>
/// What the assessment page puts above and below the indicators: the contents by group with how much of each
/// is answered, and the checklist of what still stands in the way of submitting, each item linked to its card
/// and worded in the reader's language (the server's own list is one bilingual string per item).
/// Pure: built from the view the use case returns, testable without a page.
/// </summary>
internal sealed record AssessmentOutline(IReadOnlyList<AssessmentOutline.GroupEntry> Groups, IReadOnlyList<AssessmentOutline.ChecklistItem> Checklist)
{
    public sealed record GroupEntry(string Code, string Name, string Anchor, int Answered, int Applicable)
    {
        public bool Complete => Answered == Applicable;
    }

    /// <summary>Reason is "not-answered" or "evidence-missing".</summary>
    public sealed record ChecklistItem(string Code, string Name, string Anchor, string Reason);

    public static AssessmentOutline From(SelfAssessmentView view, IReadOnlyList<IndicatorNode> groups, string language)
    {
        var entries = new List<GroupEntry>();
        foreach (var group in groups)
        {
            var items = view.Indicators.Where(i => i.GroupCode == group.Code).ToList();
            if (items.Count == 0)
                continue;
            entries.Add(new GroupEntry(group.Code, language == "en" ? group.Name.En : group.Name.Vi, "group-" + group.Code,
                items.Count(i => i.Answer is not null), items.Count));
        }
        var checklist = new List<ChecklistItem>();
        foreach (var i in view.Indicators)
        {
            var name = language == "en" ? i.NameEn : i.NameVi;
            if (i.Answer is null)
                checklist.Add(new ChecklistItem(i.Code, name, IndicatorCard.IdOf(i.Code), "not-answered"));
            // The same rule as the use case's: evidence is needed only for an answer that claims points.
            else if (i.EvidenceRequired && i.Evidence.Count == 0 && ClaimsPoints(i.Answer))
                checklist.Add(new ChecklistItem(i.Code, name, IndicatorCard.IdOf(i.Code), "evidence-missing"));
        }
        return new AssessmentOutline(entries, checklist);
    }

    /// <summary>
    /// An answer claims points when it is a "yes" or a positive figure; the stored self-score is zero without
    /// evidence, so it cannot tell.
    /// </summary>
    private static bool ClaimsPoints(AnswerView a) =>
        a.Yes == true || a.Numerator > 0 || a.Number > 0 || a.SelfScore > 0;
}
