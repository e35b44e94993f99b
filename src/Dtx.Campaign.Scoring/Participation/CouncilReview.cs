using Dtx.Campaign.Scoring.Refusals;

namespace Dtx.Campaign.Scoring.Participation;

/// <summary>Where a unit stands with the Appraisal Council (the storage's verification status, by the same names).</summary>
public enum ReviewStatus
{
    Pending,
    InProgress,
    Verified,
    Excluded,
}

/// <summary>A council member's verdict on one indicator as given: accept the unit's own score, or points with a note.</summary>
public sealed record VerdictInput(bool Accept, decimal? Points, string? Note);

/// <summary>
/// The council's rules for one unit, pure (no database, no clock, no HTTP): whether the unit is to be verified at all,
/// whether a member may review it, what a verdict may say, and when the review is complete. Each refusal is a
/// <see cref="Refusal"/>; the use case loads the facts, asks, and saves what the rules allowed.
/// </summary>
public static class CouncilReview
{
    /// <summary>The longest note a verdict keeps.</summary>
    public const int NoteLimit = 4000;

    /// <summary>
    /// A unit is verified when it submitted (or answers a clarification request); one that did not submit is verified from
    /// its draft only where the campaign counts unsubmitted drafts.
    /// </summary>
    public static bool NeedsVerification(ParticipationStatus status, bool countUnsubmittedDrafts) =>
        status is ParticipationStatus.Submitted or ParticipationStatus.ReturnedForClarification
        || ((status == ParticipationStatus.NotSubmitted || Participation.Unsubmitted(status)) && countUnsubmittedDrafts);

    /// <summary>
    /// Whether a member may review the unit at all: never their own unit (conflict of interest), only a unit there is
    /// something to verify in, not one the council excluded.
    /// </summary>
    public static void EnsureReviewable(string unitCode, string memberName, bool membersOwnUnit, bool needsVerification, ReviewStatus status, string? exclusionReason)
    {
        if (membersOwnUnit)
            throw Refusal.Forbidden("verification.conflict-of-interest", ("member", memberName), ("unit", unitCode));
        if (!needsVerification)
            throw Refusal.Conflict("verification.nothing-to-verify", ("unit", unitCode));
        if (status == ReviewStatus.Excluded)
            throw Refusal.Conflict("verification.excluded", ("unit", unitCode), ("reason", exclusionReason));
    }

    /// <summary>
    /// What a verdict records for an indicator worth <paramref name="max"/> that the unit scored <paramref name="selfPoints"/>:
    /// accepting takes the unit's score (a different figure beside it is a contradiction); otherwise points within
    /// [0, max], whole numbers for a bonus claim's items; lowering a score needs a note saying why.
    /// </summary>
    public static (decimal Points, string? Note) Decide(string code, VerdictInput input, decimal max, decimal selfPoints, bool bonus)
    {
        decimal points;
        if (input.Accept)
        {
            if (input.Points is not null && input.Points != selfPoints)
                throw Refusal.Invalid("points", "verification.points-both");
            points = selfPoints;
        }
        else
        {
            points = input.Points ?? throw Refusal.Invalid("points", "verification.points-required", ("max", max));
            if (points < 0 || points > max)
                throw Refusal.Invalid("points", "verification.points-range", ("max", max), ("code", code), ("got", points));
            if (bonus && points != decimal.Truncate(points))
                throw Refusal.Invalid("points", "verification.bonus-whole", ("got", points));
        }
        var note = string.IsNullOrWhiteSpace(input.Note) ? null : input.Note.Trim();
        if (points < selfPoints && note is null)
            throw Refusal.Invalid("note", "verification.note-required", ("code", code), ("from", selfPoints), ("to", points));
        if (note?.Length > NoteLimit)
            throw Refusal.Invalid("note", "field.too-long", ("max", NoteLimit));
        return (points, note);
    }

    /// <summary>
    /// The council marks a unit verified once every verdict is in (<see cref="EnsureComplete"/>), but not while the unit is
    /// still answering the council's questions: its answer may change what was verified.
    /// </summary>
    public static void EnsureVerifiable(string unitCode, bool answeringClarification, IEnumerable<string> toReview, IEnumerable<string> withVerdict)
    {
        if (answeringClarification)
            throw Refusal.Conflict("verification.answering-clarification", ("unit", unitCode));
        EnsureComplete(unitCode, toReview, withVerdict);
    }

    /// <summary>The shortest reason for leaving a unit out that the record accepts.</summary>
    public const int ExclusionReasonMinimum = 5;

    /// <summary>Leaving a unit out of verification and ranking needs a reason on the record; returns it as it is kept.</summary>
    public static string ExclusionReason(string? reason) =>
        reason?.Trim() is { Length: >= ExclusionReasonMinimum } kept ? kept : throw Refusal.Invalid("reason", "verification.exclusion-reason");

    /// <summary>A unit's review is under way from the first verdict given on it.</summary>
    public static ReviewStatus AfterVerdict(ReviewStatus status) => status == ReviewStatus.Pending ? ReviewStatus.InProgress : status;

    /// <summary>A unit is verified once every indicator to review (and every bonus claim) has a verdict; refuses listing what is missing.</summary>
    public static void EnsureComplete(string unitCode, IEnumerable<string> toReview, IEnumerable<string> withVerdict)
    {
        var missing = toReview.Except(withVerdict, StringComparer.Ordinal).ToList();
        if (missing.Count > 0)
            throw Refusal.Invalid("verdicts", "verification.verdicts-missing", ("count", missing.Count), ("unit", unitCode), ("items", missing.Take(20).ToList()));
    }
}
