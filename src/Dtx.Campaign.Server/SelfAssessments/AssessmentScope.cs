using Dtx.Campaign.Scoring.IndexSets;
using Dtx.Campaign.Scoring.Participation;
using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Scoring.Scoring;
using Dtx.Campaign.Server.Campaigns;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Hosting;
using Dtx.Campaign.Server.IndexSets;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.SelfAssessments;

/// <summary>One unit's self-assessment in one campaign: what applies to it, and whether it may be edited now.</summary>
internal sealed record AssessmentScope(Campaigns.Campaign Campaign, Participant Participant, Units.Unit Unit, IndexSet IndexSet, TimeZoneInfo Zone)
{
    public UnitProfile Profile { get; } = new(Participant.Category, Participant.Flags.ToHashSet(StringComparer.Ordinal));

    /// <summary>
    /// The unit's rules in this campaign (deadline, grace, whether it may edit now), without storage; read from the
    /// participant as it stands, so that a step's view after a change (a submission) sees the change.
    /// </summary>
    public Participation Rules => new(Unit.Code, ParticipantStatuses.ForRules(Participant.Status),
        new ParticipationTerms(Campaign.Status == CampaignStatus.Launched, ApiNames.Of(Campaign.Status),
            Campaign.Schedule.SelfAssessmentOpensAt, Campaign.Schedule.SelfAssessmentClosesAt, Campaign.GraceDays, Campaign.HeadApproval),
        Participant.ExtendedUntil, Participant.ClarificationDueAt, Participant.SubmittedAt,
        When);

    /// <summary>Until when changes are accepted: the clarification's due time, else the deadline plus the campaign's grace period.</summary>
    public DateTimeOffset EditableUntil => Rules.EditableUntil;

    /// <summary>The unit's own deadline: the clarification's while it answers the council, else its extension's, else the campaign's.</summary>
    public DateTimeOffset Deadline => Rules.Deadline;

    /// <summary>The leaves this unit answers: those that apply to it and are scored.</summary>
    public IReadOnlyList<IndicatorNode> ApplicableLeaves { get; } = ApplicableLeavesOf(IndexSet, Participant);

    /// <summary>The leaves a participant answers in <paramref name="set"/>: those that apply to its category and flags and are scored.</summary>
    public static IReadOnlyList<IndicatorNode> ApplicableLeavesOf(IndexSet set, Participant participant) => set.Groups
        .SelectMany(g => Walk(g, new UnitProfile(participant.Category, participant.Flags.ToHashSet(StringComparer.Ordinal)), true))
        .ToList();

    /// <summary>The scored leaves under <paramref name="node"/> that apply to the unit (a node that does not apply takes its children with it).</summary>
    internal static IEnumerable<IndicatorNode> Walk(IndicatorNode node, UnitProfile unit, bool parentApplies = true)
    {
        var applies = parentApplies && ScoringEngine.AppliesTo(node, unit);
        if (node.IsLeaf)
            return applies && node.Scored ? [node] : [];
        return node.Children.SelectMany(c => Walk(c, unit, applies));
    }

    public string Local(DateTimeOffset utc) => When(utc).ToString();

    /// <summary>An instant as a refusal names it, in the reader's words for the zone.</summary>
    public LocalTime When(DateTimeOffset utc) => new(Campaigns.ScheduleInput.Show(Campaigns.ScheduleInput.Local(utc, Zone)), Zone.Id);

    /// <summary>Throws when the unit may not change its self-assessment now, saying why and until when.</summary>
    public void EnsureEditable(DateTimeOffset now) => Rules.EnsureEditable(now);

    /// <summary>The unit's scope, its three rows tracked (PostgreSQL's save path reads them in one batch: <see cref="AssessmentWork.ScopeAndEntriesAsync"/>).</summary>
    public static async Task<AssessmentScope?> LoadAsync(CampaignDbContext db, IndexSetCache sets, Guid campaignId, Guid unitId, CancellationToken ct)
    {
        // One round trip for the three rows.
        var row = await (
            from participant in db.Set<Participant>()
            where participant.CampaignId == campaignId && participant.UnitId == unitId
            join campaign in db.Set<Campaigns.Campaign>() on participant.CampaignId equals campaign.Id
            join unit in db.Units on participant.UnitId equals unit.Id
            select new { campaign, participant, unit }).FirstOrDefaultAsync(ct);
        if (row is null)
            return null;
        return new AssessmentScope(row.campaign, row.participant, row.unit, await sets.GetAsync(db, row.participant.IndexSetId, ct), TimeZoneInfo.FindSystemTimeZoneById(row.campaign.TimeZone));
    }
}
