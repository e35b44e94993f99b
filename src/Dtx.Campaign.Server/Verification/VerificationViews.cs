using Dtx.Campaign.Scoring.Participation;
using Dtx.Campaign.Server.Campaigns;
using Dtx.Campaign.Server.SelfAssessments;

namespace Dtx.Campaign.Server.Verification;

public sealed record AssignmentInput(Guid UnitId, Guid MemberId, string? GroupCode);

public sealed record AssignmentView(Guid Id, Guid UnitId, string UnitCode, Guid MemberId, string MemberName, string? GroupCode);

/// <summary>Accept the self-score, or set the verified points (a lower score needs a note the unit will see).</summary>

public sealed record VerdictChange(string Code, VerdictInput Input);

public sealed record VerdictView(string Code, decimal SelfPoints, decimal Points, string? Note, string MemberName, DateTimeOffset At);

/// <summary>Why a self-score was left out of a bulk acceptance: each needs a member's own look, or another member's.</summary>
public enum SkipReason
{
    /// <summary>Outside what the member verifies of the unit (another indicator group; a bonus claim for a group's member).</summary>
    NotAssigned,
    AlreadyReviewed,
    NotAnswered,
    /// <summary>The answer claims points that its indicator asks evidence for, and none is filed (a bonus claim: none under it).</summary>
    NoEvidence,
}

public sealed record SkippedSelfScore(string Code, SkipReason Reason);

/// <summary>What a bulk acceptance did: a verdict per accepted self-score, and each skipped one with why.</summary>
public sealed record SelfScoresAcceptedView(Guid UnitId, string UnitCode, int AcceptedCount, int SkippedCount, IReadOnlyList<VerdictView> Accepted,
    IReadOnlyList<SkippedSelfScore> Skipped);

/// <summary>A unit left out of a bulk acceptance across units, with the refusal a review of it would get (its code, and its text in the reader's language).</summary>
public sealed record UnitRefusedView(Guid UnitId, string UnitCode, string Code, string Reason);

/// <summary>One indicator group's self-scores accepted across the units a member verifies it for: per unit what was accepted and skipped.</summary>
public sealed record GroupSelfScoresAcceptedView(string GroupCode, int AcceptedCount, int SkippedCount, IReadOnlyList<SelfScoresAcceptedView> Units,
    IReadOnlyList<UnitRefusedView> Refused);

public sealed record ScoreChangeView(string Code, ScoreStage Stage, decimal? From, decimal To, string? Note, string By, DateTimeOffset At);

public sealed record ClarificationInput(string Questions, string DueAt);

public sealed record ClarificationView(Guid Id, string Questions, DateTimeOffset DueAt, string DueLocal, string RequestedBy, string? Answer, DateTimeOffset? AnsweredAt);

public sealed record UnitVerificationView(Guid UnitId, string UnitCode, string UnitName, string Category, ParticipantStatus Status, string Verification,
    string? ExclusionReason, int Reviewed, int ToReview, IReadOnlyList<string> AssignedTo);

public sealed record MemberProgressView(Guid MemberId, string Name, string Role, int AssignedUnits, int VerifiedUnits);

public sealed record VerificationProgressView(int Units, int Done, int Verified, int Excluded, int NotRequired, string Summary,
    IReadOnlyList<UnitVerificationView> PerUnit, IReadOnlyList<MemberProgressView> PerMember);

/// <summary>What one unit entered and what the council made of it, indicator by indicator, side by side.</summary>
public sealed record UnitReviewView(UnitVerificationView Unit, SelfAssessmentView SelfAssessment, IReadOnlyList<VerdictView> Verdicts,
    IReadOnlyList<ScoreChangeView> History, IReadOnlyList<ClarificationView> Clarifications);
