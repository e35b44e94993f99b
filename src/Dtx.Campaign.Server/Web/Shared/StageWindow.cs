using Dtx.Campaign.Server.Campaigns;

namespace Dtx.Campaign.Server.Web.Shared;

/// <summary>
/// Whether the campaign's current stage allows an action of a given stage, and if not, whether it comes later
/// (and from when, by the schedule) or is over. Pages use it to leave out forms the server would refuse and to
/// say why instead ("Thẩm định mở từ 12/12/2026 08:00"). Pure: the stage and schedule come in.
/// </summary>
internal sealed record StageWindow(bool Open, bool Later, DateTimeOffset? OpensAt)
{
    public static StageWindow For(string current, string wanted, CampaignSchedule schedule)
    {
        if (current == wanted)
            return new StageWindow(true, false, null);
        var later = Server.Council.CampaignStage.Order.IndexOf(current) < Server.Council.CampaignStage.Order.IndexOf(wanted);
        return new StageWindow(false, later, later ? Start(wanted, schedule) : null);
    }

    /// <summary>When a stage is scheduled to begin (the chair's approval may move it later; the schedule is what a person can plan on).</summary>
    public static DateTimeOffset? Start(string stage, CampaignSchedule s) => stage switch
    {
        "index-publication" => s.IndexPublicationAt,
        "self-assessment" => s.SelfAssessmentOpensAt,
        "council-verification" => s.SelfAssessmentClosesAt,
        "preliminary-results" => s.PreliminaryResultsAt,
        "dispute-window" => s.DisputesOpensAt,
        "dispute-resolution" => s.DisputesClosesAt,
        "final-results" or "publication-and-awards" => s.FinalPublicationAt,
        _ => null,
    };
}
