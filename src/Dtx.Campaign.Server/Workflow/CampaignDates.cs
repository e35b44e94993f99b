using Dtx.Campaign.Server.Campaigns;

namespace Dtx.Campaign.Server.Workflow;

/// <summary>The campaign's schedule under the date names the workflow definitions use.</summary>
internal static class CampaignDates
{
    /// <summary>
    /// A date computed from another (the last call from the deadline): it moves with it, and when it falls in the past
    /// the reminder it times is skipped by the workflow, so a change of schedule is not refused for it.
    /// </summary>
    public static bool IsDerived(string name) => name is "selfAssessment.lastCallAt" or "selfAssessment.graceEndsAt" or "verification.lastCallAt" or "disputes.lastCallAt";

    /// <summary>The deadline a reminder to the council or to every unit speaks of, by its template (null: none).</summary>
    public static DateTimeOffset? ReminderDeadline(string template, CampaignSchedule s) => template switch
    {
        "disputes-closing" => s.DisputesClosesAt,
        "verification-closing" => s.VerificationEndsAt,
        _ => null,
    };

    public static Dictionary<string, DateTimeOffset> Of(CampaignSchedule s, int graceDays, int reminderHours = Campaigns.Campaign.DefaultReminderHours) => new(StringComparer.Ordinal)
    {
        // The last reminder, hours before the deadline (annual-campaign v3); with 0 hours the round finds nothing to do.
        ["selfAssessment.lastCallAt"] = s.SelfAssessmentClosesAt.AddHours(-Math.Max(reminderHours, 0)),
        // The same last call before the council's and the dispute deadline (annual-campaign v4).
        ["verification.lastCallAt"] = s.VerificationEndsAt.AddHours(-Math.Max(reminderHours, 0)),
        ["disputes.lastCallAt"] = s.DisputesClosesAt.AddHours(-Math.Max(reminderHours, 0)),
        ["indexPublication.at"] = s.IndexPublicationAt,
        ["selfAssessment.opensAt"] = s.SelfAssessmentOpensAt,
        ["selfAssessment.closesAt"] = s.SelfAssessmentClosesAt,
        ["selfAssessment.graceEndsAt"] = Scoring.Participation.Participation.GraceEnd(s.SelfAssessmentClosesAt, graceDays),
        ["verification.endsAt"] = s.VerificationEndsAt,
        ["preliminaryResults.at"] = s.PreliminaryResultsAt,
        ["disputes.opensAt"] = s.DisputesOpensAt,
        ["disputes.closesAt"] = s.DisputesClosesAt,
        ["finalPublication.at"] = s.FinalPublicationAt,
    };
}
