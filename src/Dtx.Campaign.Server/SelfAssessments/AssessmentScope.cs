using Dtx.Campaign.Scoring.IndexSets;
using Dtx.Campaign.Scoring.Scoring;
using Dtx.Campaign.Server.Campaigns;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.IndexSets;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.SelfAssessments;

/// <summary>Refused because of where the unit's assessment stands (deadline passed, already submitted…).</summary>
public sealed class AssessmentClosedException(string message) : Exception(message);

/// <summary>Refused because of what was sent; each message names the field or indicator.</summary>
public sealed class AssessmentInputException(string field, IReadOnlyList<string> messages) : Exception($"{field}: {string.Join("; ", messages)}")
{
    public string Field { get; } = field;
    public IReadOnlyList<string> Messages { get; } = messages;
}

/// <summary>One unit's self-assessment in one campaign: what applies to it, and whether it may be edited now.</summary>
internal sealed record AssessmentScope(Campaigns.Campaign Campaign, Participant Participant, Units.Unit Unit, IndexSet IndexSet, TimeZoneInfo Zone)
{
    public UnitProfile Profile { get; } = new(Participant.Category, Participant.Flags.ToHashSet(StringComparer.Ordinal));

    /// <summary>Until when changes are accepted: the clarification's due time, else the deadline plus the campaign's grace period.</summary>
    public DateTimeOffset EditableUntil => Participant.Status == ParticipantStatus.ReturnedForClarification ? Deadline : Campaign.GraceEnd(Deadline);

    /// <summary>The unit's own deadline: the clarification's while it answers the council, else its extension's, else the campaign's.</summary>
    public DateTimeOffset Deadline => Participant.Status == ParticipantStatus.ReturnedForClarification && Participant.ClarificationDueAt is { } due ? due
        : Participant.ExtendedUntil ?? Campaign.Schedule.SelfAssessmentClosesAt;

    /// <summary>The leaves this unit answers: those that apply to it and are scored.</summary>
    public IReadOnlyList<IndicatorNode> ApplicableLeaves { get; } = IndexSet.Groups
        .SelectMany(g => Walk(g, new UnitProfile(Participant.Category, Participant.Flags.ToHashSet(StringComparer.Ordinal)), true))
        .ToList();

    private static IEnumerable<IndicatorNode> Walk(IndicatorNode node, UnitProfile unit, bool parentApplies)
    {
        var applies = parentApplies && ScoringEngine.AppliesTo(node, unit);
        if (node.IsLeaf)
            return applies && node.Scored ? [node] : [];
        return node.Children.SelectMany(c => Walk(c, unit, applies));
    }

    public string Local(DateTimeOffset utc) => $"{Campaigns.ScheduleInput.Show(Campaigns.ScheduleInput.Local(utc, Zone))} ({Zone.Id})";

    /// <summary>Throws when the unit may not change its self-assessment now, saying why and until when.</summary>
    public void EnsureEditable(DateTimeOffset now)
    {
        if (Campaign.Status != CampaignStatus.Launched)
            throw new AssessmentClosedException($"the campaign is {Campaign.Status.ToString().ToLowerInvariant()}, not running");
        if (now < Campaign.Schedule.SelfAssessmentOpensAt)
            throw new AssessmentClosedException($"self-assessment opens at {Local(Campaign.Schedule.SelfAssessmentOpensAt)}");
        switch (Participant.Status)
        {
            case ParticipantStatus.Submitted:
                throw new AssessmentClosedException($"{Unit.Code} submitted its self-assessment at {Local(Participant.SubmittedAt!.Value)}; it can be changed only if the council returns it for clarification");
            case ParticipantStatus.NotSubmitted:
                throw new AssessmentClosedException($"the deadline was {Local(Deadline)}; the self-assessment of {Unit.Code} is closed as not submitted");
        }
        if (now >= EditableUntil)
            throw new AssessmentClosedException(EditableUntil == Deadline
                ? $"the deadline was {Local(Deadline)}; late changes are not accepted"
                : $"the deadline was {Local(Deadline)} and the grace period for late submissions ended {Local(EditableUntil)}; late changes are not accepted");
    }

    public static async Task<AssessmentScope?> LoadAsync(CampaignDbContext db, IndexSetCache sets, Guid campaignId, Guid unitId, CancellationToken ct)
    {
        // One round trip for the three rows: this runs on every save of the deadline day.
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
