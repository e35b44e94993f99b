using System.Globalization;
using Dtx.Campaign.Scoring.Refusals;

namespace Dtx.Campaign.Server.Campaigns;

/// <summary>
/// The campaign's dates as people enter them: wall-clock times in the campaign's time zone, without an
/// offset (e.g. <c>2025-11-01T08:00</c>). Converted to UTC for storage and scheduling.
/// </summary>
public sealed record ScheduleInput(
    DateTime IndexPublicationAt,
    DateTime SelfAssessmentOpensAt,
    DateTime SelfAssessmentClosesAt,
    DateTime VerificationEndsAt,
    DateTime PreliminaryResultsAt,
    DateTime DisputesOpensAt,
    DateTime DisputesClosesAt,
    DateTime FinalPublicationAt)
{
    /// <summary>The dates in the order the cycle needs them, with the field names used in error messages.</summary>
    private IEnumerable<(string Field, DateTime Local)> InOrder() =>
    [
        ("schedule.indexPublicationAt", IndexPublicationAt),
        ("schedule.selfAssessmentOpensAt", SelfAssessmentOpensAt),
        ("schedule.selfAssessmentClosesAt", SelfAssessmentClosesAt),
        ("schedule.verificationEndsAt", VerificationEndsAt),
        ("schedule.preliminaryResultsAt", PreliminaryResultsAt),
        ("schedule.disputesOpensAt", DisputesOpensAt),
        ("schedule.disputesClosesAt", DisputesClosesAt),
        ("schedule.finalPublicationAt", FinalPublicationAt),
    ];

    // Windows must have length; a publication may coincide with the opening that follows it.
    private static readonly HashSet<string> StrictlyAfterPrevious = ["schedule.selfAssessmentClosesAt", "schedule.disputesClosesAt"];

    /// <summary>Checks order and form; every problem is keyed by its field.</summary>
    public List<Reason> Validate(TimeZoneInfo zone)
    {
        var errors = new List<Reason>();
        (string Field, DateTime Local)? previous = null;
        foreach (var (field, local) in InOrder())
        {
            if (local.Kind != DateTimeKind.Unspecified)
                errors.Add(Reason.For(field, "date.local-time", ("zone", zone.Id)));
            else if (local == default)
                errors.Add(Reason.For(field, "field.required"));
            else if (zone.IsInvalidTime(local))
                errors.Add(Reason.For(field, "date.not-exist", ("time", Show(local)), ("zone", zone.Id)));
            else if (previous is { } p && (local < p.Local || (StrictlyAfterPrevious.Contains(field) && local == p.Local)))
                errors.Add(Reason.For(field, StrictlyAfterPrevious.Contains(field) ? "schedule.after" : "schedule.on-or-after", ("previous", new Label(p.Field)), ("previousAt", Show(p.Local)), ("got", Show(local))));
            previous = (field, local);
        }
        return errors;
    }

    public CampaignSchedule ToUtc(TimeZoneInfo zone) => new()
    {
        IndexPublicationAt = Utc(IndexPublicationAt, zone),
        SelfAssessmentOpensAt = Utc(SelfAssessmentOpensAt, zone),
        SelfAssessmentClosesAt = Utc(SelfAssessmentClosesAt, zone),
        VerificationEndsAt = Utc(VerificationEndsAt, zone),
        PreliminaryResultsAt = Utc(PreliminaryResultsAt, zone),
        DisputesOpensAt = Utc(DisputesOpensAt, zone),
        DisputesClosesAt = Utc(DisputesClosesAt, zone),
        FinalPublicationAt = Utc(FinalPublicationAt, zone),
    };

    public static ScheduleInput FromUtc(CampaignSchedule s, TimeZoneInfo zone) => new(
        Local(s.IndexPublicationAt, zone), Local(s.SelfAssessmentOpensAt, zone), Local(s.SelfAssessmentClosesAt, zone),
        Local(s.VerificationEndsAt, zone), Local(s.PreliminaryResultsAt, zone), Local(s.DisputesOpensAt, zone),
        Local(s.DisputesClosesAt, zone), Local(s.FinalPublicationAt, zone));

    /// <summary>The same schedule a whole number of years later, at the same wall-clock times.</summary>
    public ScheduleInput AddYears(int years) => new(
        IndexPublicationAt.AddYears(years), SelfAssessmentOpensAt.AddYears(years), SelfAssessmentClosesAt.AddYears(years),
        VerificationEndsAt.AddYears(years), PreliminaryResultsAt.AddYears(years), DisputesOpensAt.AddYears(years),
        DisputesClosesAt.AddYears(years), FinalPublicationAt.AddYears(years));

    /// <summary>The first date that lies before <paramref name="now"/>, if any.</summary>
    public (string Field, DateTime Local)? FirstInThePast(DateTimeOffset now, TimeZoneInfo zone) =>
        InOrder().Where(d => Utc(d.Local, zone) < now).Select(d => ((string, DateTime)?)d).FirstOrDefault();

    public static DateTimeOffset Utc(DateTime local, TimeZoneInfo zone) =>
        new(TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), zone), TimeSpan.Zero);

    public static DateTime Local(DateTimeOffset utc, TimeZoneInfo zone) =>
        DateTime.SpecifyKind(TimeZoneInfo.ConvertTimeFromUtc(utc.UtcDateTime, zone), DateTimeKind.Unspecified);

    /// <summary>Vietnamese date-time, e.g. <c>01/11/2025 08:00</c>.</summary>
    public static string Show(DateTime local) => local.ToString("dd/MM/yyyy HH:mm", CultureInfo.InvariantCulture);
}
