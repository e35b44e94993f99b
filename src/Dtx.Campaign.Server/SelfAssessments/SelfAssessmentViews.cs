using Dtx.Campaign.Scoring.IndexSets;
using Dtx.Campaign.Server.Campaigns;

namespace Dtx.Campaign.Server.SelfAssessments;

public sealed record AnswerInput(bool? Yes, decimal? Numerator, decimal? Denominator, decimal? Number, string? Explanation, int Version);

public sealed record AnswerChange(string Code, AnswerInput Input);

public sealed record AnswerView(string Code, bool? Yes, decimal? Numerator, decimal? Denominator, decimal? Number, string? Explanation,
    decimal SelfScore, string? ShortfallReason, int Version, DateTimeOffset UpdatedAt, string? UpdatedBy);

public sealed record EvidenceView(Guid Id, string Code, EvidenceKind Kind, string? FileName, string? ContentType, long? Size, string? Sha256,
    string? Url, string? DocumentNumber, DateOnly? DocumentDate, string? DocumentIssuer, DateTimeOffset AddedAt);

public sealed record IndicatorView(string Code, string GroupCode, string NameVi, string NameEn, decimal MaxPoints, ScoringMethod Method,
    string? EvidenceRequirement, bool EvidenceRequired, AnswerView? Answer, IReadOnlyList<EvidenceView> Evidence);

public sealed record BonusClaimInput(int Count, string? Explanation, int Version);

public sealed record BonusView(string RuleKey, string NameVi, string NameEn, decimal PointsPerItem, decimal? Cap, int Count, string? Explanation,
    int Version, IReadOnlyList<EvidenceView> Evidence);

public sealed record SelfAssessmentView(Guid CampaignId, Guid UnitId, string UnitCode, string UnitName, ParticipantStatus Status, DateTimeOffset Deadline,
    string DeadlineLocal, bool Editable, string? ClosedReason, decimal SelfTotal, decimal ApplicableMax, decimal SelfPercentage, string? Band,
    int Answered, int Applicable, IReadOnlyList<string> Missing, IReadOnlyList<IndicatorView> Indicators, decimal Bonus,
    IReadOnlyList<BonusView> BonusClaims, string CalendarFeed, UnitApprovalView? Approval = null, DateTimeOffset? WithdrawableUntil = null);

/// <summary>
/// Approval inside the unit, in a campaign that asks for it: who sent the self-assessment to the head and when, the head's
/// note when it was sent back, and who submitted (the approver).
/// </summary>
public sealed record UnitApprovalView(DateTimeOffset? PreparedAt, string? PreparedBy, string? SentBackNote, DateTimeOffset? SentBackAt, string? SentBackBy,
    DateTimeOffset? SubmittedAt, string? SubmittedBy);

/// <summary>What a prefill from last year copied, and why it left the rest.</summary>
public sealed record PrefillReport(int? FromYear, IReadOnlyList<string> Copied, IReadOnlyList<string> Skipped);
