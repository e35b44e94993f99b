using System.Text.Json;
using Dtx.Campaign.Scoring.IndexSets;
using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Scoring.Scoring;

namespace Dtx.Campaign.Scoring.Participation;

/// <summary>Where one unit's self-assessment stands in one campaign (the storage's status, by the same names).</summary>
public enum ParticipationStatus
{
    NotStarted,
    InProgress,
    Submitted,
    ReturnedForClarification,
    NotSubmitted,
    /// <summary>Prepared by the unit's officer and waiting for its head to approve and submit it (campaigns with head approval).</summary>
    AwaitingApproval,
}

/// <summary>The campaign's dates and settings that a unit's participation depends on.</summary>
public sealed record ParticipationTerms(
    bool Running,
    string CampaignStatus,
    DateTimeOffset OpensAt,
    DateTimeOffset ClosesAt,
    int GraceDays,
    bool HeadApproval = false);

/// <summary>
/// The rules of one unit in one campaign, pure (no database, no clock, no HTTP): its own deadline (the
/// clarification's while it answers the council, else its extension's, else the campaign's), the grace period,
/// whether it may change its self-assessment now, and whether a bonus claim counts. Each refusal is a
/// <see cref="Refusal"/>. Use cases load it from storage, ask it, and save what changed. <c>Show</c> gives an
/// instant as people read it (the campaign's local time and zone), as the refusals name it.
/// </summary>
public sealed record Participation(
    string UnitCode,
    ParticipationStatus Status,
    ParticipationTerms Terms,
    DateTimeOffset? ExtendedUntil,
    DateTimeOffset? ClarificationDueAt,
    DateTimeOffset? SubmittedAt,
    Func<DateTimeOffset, LocalTime> Show)
{
    /// <summary>The unit's own deadline for self-assessment, before any clarification: its extension's, else the campaign's.</summary>
    public static DateTimeOffset OwnDeadline(DateTimeOffset campaignCloses, DateTimeOffset? extendedUntil) => extendedUntil ?? campaignCloses;

    /// <summary>When late submissions stop: the deadline plus the campaign's grace days.</summary>
    public static DateTimeOffset GraceEnd(DateTimeOffset deadline, int graceDays) => deadline.AddDays(graceDays);

    /// <summary>A unit that has not submitted is closed as not submitted once its own grace period has ended.</summary>
    public static bool DueToClose(DateTimeOffset campaignCloses, DateTimeOffset? extendedUntil, int graceDays, DateTimeOffset now) =>
        GraceEnd(OwnDeadline(campaignCloses, extendedUntil), graceDays) <= now;

    /// <summary>A unit returned for clarification is answering the council until the due time it was given.</summary>
    public static bool AwaitsClarification(bool returned, DateTimeOffset? dueAt, DateTimeOffset now) => returned && dueAt > now;

    /// <summary>A bonus claim counts only with evidence filed under it.</summary>
    public static bool BonusCounts(int claimed, bool hasEvidence) => claimed > 0 && hasEvidence;

    /// <summary>A bonus claimed without evidence keeps a submission back (it would count for nothing).</summary>
    public static bool BonusLacksEvidence(int claimed, bool hasEvidence) => claimed > 0 && !hasEvidence;

    /// <summary>An indicator is answered once the unit gave a yes or no, a numerator or a number (a denominator alone says nothing).</summary>
    public static bool Answered(IndicatorInput answer) => answer.Yes != null || answer.Numerator != null || answer.Number != null;

    /// <summary>
    /// Evidence backs a claim: an answer to an indicator that asks for evidence needs it when it would earn points once
    /// evidenced; a "No", a zero or an empty figure declares nothing and needs none (officers must not invent evidence
    /// for what they lack). The same rule holds a submission back and keeps a self-score out of the council's bulk acceptance.
    /// </summary>
    public static bool AnswerLacksEvidence(IndicatorNode indicator, IndicatorInput answer) =>
        indicator.EvidenceRequired && !answer.HasEvidence && ScoringEngine.ScoreLeaf(indicator, answer with { HasEvidence = true }).Points > 0;

    /// <summary>The evidence code a bonus claim's evidence is filed under ("bonus:&lt;rule&gt;").</summary>
    public static string BonusEvidenceCode(string ruleKey) => BonusPrefix + ruleKey;

    public static bool IsBonusEvidence(string code) => code.StartsWith(BonusPrefix, StringComparison.Ordinal);

    public const string BonusPrefix = "bonus:";

    /// <summary>The deadline now: the clarification's due time while the unit answers the council, else its own.</summary>
    public DateTimeOffset Deadline => Status == ParticipationStatus.ReturnedForClarification && ClarificationDueAt is { } due ? due
        : OwnDeadline(Terms.ClosesAt, ExtendedUntil);

    /// <summary>Until when changes are accepted: a clarification has no grace period; the first submission has.</summary>
    public DateTimeOffset EditableUntil => Status == ParticipationStatus.ReturnedForClarification ? Deadline : GraceEnd(Deadline, Terms.GraceDays);

    /// <summary>A first submission after the deadline (inside the grace period) is recorded as late.</summary>
    public bool SubmissionIsLate(DateTimeOffset now) => Status != ParticipationStatus.ReturnedForClarification && now >= Deadline;

    /// <summary>Throws when the unit may not change its self-assessment now, saying why and until when.</summary>
    public void EnsureEditable(DateTimeOffset now)
    {
        EnsureRunning(now);
        switch (Status)
        {
            case ParticipationStatus.Submitted:
                throw Refusal.Conflict("self-assessment.locked", ("unit", UnitCode), ("submittedAt", SubmittedAt is { } at ? Show(at) : null));
            case ParticipationStatus.NotSubmitted:
                throw Refusal.Conflict("self-assessment.closed-not-submitted", ("deadline", Show(Deadline)), ("unit", UnitCode));
            case ParticipationStatus.AwaitingApproval:
                throw Refusal.Conflict("self-assessment.awaiting-approval", ("unit", UnitCode));
        }
        EnsureInTime(now);
    }

    /// <summary>
    /// An officer sends the prepared self-assessment to the unit's head (campaigns with head approval). A reply to the
    /// council's clarification request is resubmitted directly: the head approved the submission it answers for.
    /// </summary>
    public void EnsurePreparable(DateTimeOffset now)
    {
        if (!Terms.HeadApproval)
            throw Refusal.Conflict("self-assessment.no-head-approval");
        if (Status == ParticipationStatus.ReturnedForClarification)
            throw Refusal.Conflict("self-assessment.clarification-submits-directly");
        EnsureEditable(now);
    }

    /// <summary>
    /// Who may submit, and when: in a campaign with head approval only the head (or someone acting for the organiser:
    /// <paramref name="byApprover"/>), from the prepared or the unfinished form; otherwise anyone of the unit, as before.
    /// </summary>
    public void EnsureSubmittable(DateTimeOffset now, bool byApprover)
    {
        if (Terms.HeadApproval && !byApprover && Status != ParticipationStatus.ReturnedForClarification)
            throw Refusal.Forbidden("self-assessment.head-submits", ("unit", UnitCode));
        if (Status == ParticipationStatus.AwaitingApproval)
        {
            EnsureRunning(now);
            EnsureInTime(now);
        }
        else
            EnsureEditable(now);
    }

    /// <summary>The head sends a prepared self-assessment back to the officer while it can still be changed.</summary>
    public void EnsureCanSendBack(DateTimeOffset now)
    {
        if (Status != ParticipationStatus.AwaitingApproval)
            throw Refusal.Conflict("self-assessment.not-awaiting-approval", ("unit", UnitCode));
        EnsureRunning(now);
        EnsureInTime(now);
    }

    /// <summary>How long after submitting a unit may take its submission back to correct a slip (the undo of a submission).</summary>
    public static readonly TimeSpan WithdrawalWindow = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Until when a submission can be taken back: a first submission, for <see cref="WithdrawalWindow"/>, and never past the
    /// deadline (what is in at the deadline stays in). Null when nothing can be taken back.
    /// </summary>
    public DateTimeOffset? WithdrawableUntil =>
        Status == ParticipationStatus.Submitted && SubmittedAt is { } at && ClarificationDueAt is null && at < Deadline
            ? (at + WithdrawalWindow < Deadline ? at + WithdrawalWindow : Deadline)
            : null;

    /// <summary>
    /// Whether the submission may be taken back now: by whoever may submit it (the head in a campaign with head approval),
    /// while self-assessment is still the campaign's stage (the last submission may have closed it early), inside
    /// <see cref="WithdrawableUntil"/>. A submission answering the council's clarification request is never taken back.
    /// </summary>
    public void EnsureWithdrawable(DateTimeOffset now, bool byApprover, bool selfAssessmentLasts)
    {
        if (Status != ParticipationStatus.Submitted)
            throw Refusal.Conflict("self-assessment.withdraw-not-submitted", ("unit", UnitCode));
        if (Terms.HeadApproval && !byApprover)
            throw Refusal.Forbidden("self-assessment.head-withdraws", ("unit", UnitCode));
        EnsureRunning(now);
        if (ClarificationDueAt is not null)
            throw Refusal.Conflict("self-assessment.withdraw-clarification", ("unit", UnitCode));
        if (!selfAssessmentLasts)
            throw Refusal.Conflict("self-assessment.withdraw-stage-closed", ("unit", UnitCode));
        if (WithdrawableUntil is not { } until || now >= until)
            throw Refusal.Conflict("self-assessment.withdraw-too-late",
                ("submittedAt", SubmittedAt is { } at ? Show(at) : null), ("minutes", (int)WithdrawalWindow.TotalMinutes), ("deadline", Show(Deadline)));
    }

    /// <summary>Not yet submitted and not closed: the unit is still expected to submit (reminded, closed when due).</summary>
    public static bool Unsubmitted(ParticipationStatus status) =>
        status is ParticipationStatus.NotStarted or ParticipationStatus.InProgress or ParticipationStatus.AwaitingApproval;

    private void EnsureRunning(DateTimeOffset now)
    {
        if (!Terms.Running)
            throw Refusal.Conflict("self-assessment.campaign-not-running", ("status", new Label("campaign." + Terms.CampaignStatus)));
        if (now < Terms.OpensAt)
            throw Refusal.Conflict("self-assessment.not-open", ("opensAt", Show(Terms.OpensAt)));
    }

    private void EnsureInTime(DateTimeOffset now)
    {
        if (now >= EditableUntil)
            throw EditableUntil == Deadline
                ? Refusal.Conflict("self-assessment.deadline-passed", ("deadline", Show(Deadline)))
                : Refusal.Conflict("self-assessment.grace-passed", ("deadline", Show(Deadline)), ("graceEnd", Show(EditableUntil)));
    }

    /// <summary>Whether the unit may change its self-assessment now (the reason is <see cref="EnsureEditable"/>'s).</summary>
    public bool Editable(DateTimeOffset now)
    {
        try
        {
            EnsureEditable(now);
            return true;
        }
        catch (Refusal)
        {
            return false;
        }
    }

    /// <summary>Answering the council is possible only while the self-assessment is returned for clarification.</summary>
    public void EnsureReturned()
    {
        if (Status != ParticipationStatus.ReturnedForClarification)
            throw Refusal.Conflict("self-assessment.not-returned", ("unit", UnitCode));
    }

    /// <summary>Only a submitted self-assessment can be returned to the unit for clarification.</summary>
    public void EnsureReturnable()
    {
        if (Status != ParticipationStatus.Submitted)
            throw Refusal.Conflict("verification.only-submitted-returned", ("unit", UnitCode), ("status", StatusLabel(Status)));
    }

    /// <summary>The status's words in a refusal ("participant.awaiting-approval": the catalogue's key, the API's spelling).</summary>
    public static Label StatusLabel(ParticipationStatus status) => new("participant." + JsonNamingPolicy.KebabCaseLower.ConvertName(status.ToString()));

    /// <summary>Where a withdrawn submission goes back to: to the head when the head had approved a prepared form, else to the unit.</summary>
    public static ParticipationStatus Withdrawn(bool headApproval, bool wasPrepared) =>
        headApproval && wasPrepared ? ParticipationStatus.AwaitingApproval : ParticipationStatus.InProgress;

    /// <summary>An extension reopens a unit closed as not submitted, where its work stood; any other status stays.</summary>
    public static ParticipationStatus Extended(ParticipationStatus status, bool anyAnswer) =>
        status != ParticipationStatus.NotSubmitted ? status : anyAnswer ? ParticipationStatus.InProgress : ParticipationStatus.NotStarted;

    /// <summary>The first answer starts a self-assessment; answers change no other status.</summary>
    public static ParticipationStatus AfterAnswers(ParticipationStatus status, bool anyAnswer) =>
        status == ParticipationStatus.NotStarted && anyAnswer ? ParticipationStatus.InProgress : status;
}
