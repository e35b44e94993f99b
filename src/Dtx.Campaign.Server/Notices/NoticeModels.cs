using Dtx.Campaign.Documents;
using Dtx.Campaign.Server.Results;

namespace Dtx.Campaign.Server.Notices;

/// <summary>The notice models filled from the campaign's own data, used by the <see cref="INoticeBuilder"/>s.</summary>
internal static class NoticeModels
{
    public static IndexPublicationNotice IndexPublication(NoticeDesk.NoticeContext c) => new()
    {
        Authority = c.Letterhead.Authority, Number = c.Number, IssuedAt = c.IssuedAt, TimeZoneId = c.Zone.Id, Campaign = c.Campaign, Signer = c.Letterhead.Signer,
        Recipients = c.Recipients,
        DecisionNumber = string.Join("; ", c.SetsByCategory.Values.Select(s => s.LegalReference).Distinct()),
        ComponentCount = c.SetsByCategory.Values.Sum(s => s.Leaves().Count(l => l.Scored)),
        Groups = [.. c.SetsByCategory.SelectMany(kv => kv.Value.Groups.Select(g => new ScoreLine(g.Code,
            c.SetsByCategory.Count > 1 ? $"{g.Name.Vi} ({NoticeDesk.CategoryAddressee(kv.Key)})" : g.Name.Vi, 0, g.MaxPoints,
            $"{g.SelfAndDescendants().Count(n => n.IsLeaf && n.Scored)} chỉ số thành phần")))],
    };

    public static SelfAssessmentOpeningNotice Opening(NoticeDesk.NoticeContext c, Documents.Unit unit, string account) => new()
    {
        Authority = c.Letterhead.Authority, Number = c.Number, IssuedAt = c.IssuedAt, TimeZoneId = c.Zone.Id, Campaign = c.Campaign, Signer = c.Letterhead.Signer,
        Recipients = c.Recipients, Unit = unit, AccountName = account,
    };

    public static DeadlineReminderNotice Reminder(NoticeDesk.NoticeContext c, Documents.Unit unit, DateTimeOffset deadline, int daysLeft, int done, int total) => new()
    {
        Authority = c.Letterhead.Authority, Number = c.Number, IssuedAt = c.IssuedAt, TimeZoneId = c.Zone.Id, Campaign = c.Campaign, Signer = c.Letterhead.Signer,
        Recipients = c.Recipients, Unit = unit, Deadline = deadline, DaysLeft = Math.Max(0, daysLeft), CompletedIndicators = done, TotalIndicators = total,
    };

    public static DeadlineClosedNotice Closed(NoticeDesk.NoticeContext c, DateTimeOffset closedAt, int submitted, int total, IReadOnlyList<string> missing) => new()
    {
        Authority = c.Letterhead.Authority, Number = c.Number, IssuedAt = c.IssuedAt, TimeZoneId = c.Zone.Id, Campaign = c.Campaign, Signer = c.Letterhead.Signer,
        Recipients = c.Recipients, ClosedAt = closedAt, SubmittedUnits = submitted, TotalUnits = total, MissingUnits = missing,
    };

    /// <summary>A unit's preliminary result: its groups with the council's notes, its rank in its category, and until when it may dispute.</summary>
    public static PreliminaryResultsNotice Preliminary(NoticeDesk.NoticeContext c, Documents.Unit unit, UnitResult? result, int rankOf, DateTimeOffset disputeDeadline) => new()
    {
        Authority = c.Letterhead.Authority, Number = c.Number, IssuedAt = c.IssuedAt, TimeZoneId = c.Zone.Id, Campaign = c.Campaign, Signer = c.Letterhead.Signer,
        Recipients = c.Recipients, Unit = unit, TotalScore = (result?.Total ?? 0) + (result?.Bonus ?? 0), Percent = result?.Percentage ?? 0,
        Band = result?.Band ?? "", Rank = result?.Rank ?? 0, RankOf = rankOf, DisputeDeadline = disputeDeadline,
        Lines = result is null ? [] : [.. result.Groups.Select(g => new ScoreLine(g.Code, g.NameVi, g.Points, g.Max,
            string.Join(" ", result.Indicators.Where(i => i.Code.StartsWith(g.Code + ".", StringComparison.Ordinal) && i.Note is not null).Select(i => $"{i.Code}: {i.Note}"))))],
    };
}
