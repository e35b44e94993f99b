using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dtx.Campaign.Server.Campaigns;

public enum CampaignStatus
{
    Draft,
    Launched,
    Cancelled,
    Archived,
}

/// <summary>A yearly assessment campaign of one organising authority.</summary>
public sealed class Campaign
{
    public Guid Id { get; set; }
    public Guid AuthorityId { get; set; }
    public int Year { get; set; }
    public required string NameVi { get; set; }
    public required string NameEn { get; set; }
    /// <summary>IANA zone in which dates are entered, scheduled and shown.</summary>
    public string TimeZone { get; set; } = Documents.DocFormat.DefaultTimeZoneId;
    public CampaignStatus Status { get; set; }
    public Guid? WorkflowInstanceId { get; set; }
    public Guid? CopiedFromId { get; set; }
    public required CampaignSchedule Schedule { get; set; }
    /// <summary>Whether the saved draft of a unit that never submitted is scored.</summary>
    public bool CountUnsubmittedDrafts { get; set; }
    /// <summary>Days before a unit's deadline on which units that have not submitted are reminded (the smallest also to the unit head).</summary>
    public List<int> ReminderDays { get; set; } = [.. DefaultReminderDays];
    /// <summary>Days after a unit's deadline during which it may still submit (marked late) and is reminded daily; 0 = none.</summary>
    public int GraceDays { get; set; }
    /// <summary>
    /// Approval inside the unit: an officer prepares the self-assessment and sends it to the unit's head, who sends it back
    /// with a note or approves and submits it. Off: anyone of the unit submits, in one step.
    /// </summary>
    public bool HeadApproval { get; set; }
    /// <summary>Whether self-assessment closes as soon as every unit has submitted (the workflow's <c>all-units-submitted</c> event), before its deadline.</summary>
    public bool EarlyClose { get; set; }

    /// <summary>Hours before the deadline at which units that have not submitted get a last reminder (with their head); 0 = none.</summary>
    public int ReminderHours { get; set; } = DefaultReminderHours;

    public static readonly IReadOnlyList<int> DefaultReminderDays = [7, 3, 1];
    public const int DefaultReminderHours = 2;

    /// <summary>
    /// Calendar days from <paramref name="now"/> to <paramref name="deadline"/>, counted in the campaign's zone: "3 days
    /// before" is three calendar days, whatever the hour.
    /// </summary>
    public static int DaysLeft(DateTimeOffset deadline, DateTimeOffset now, TimeZoneInfo zone) =>
        DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(deadline, zone).DateTime).DayNumber - DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, zone).DateTime).DayNumber;

    /// <summary>
    /// Whether a reminder round of the council's or the dispute deadline writes at <paramref name="now"/>: the morning
    /// round on the campaign's reminder days before it, the hours round (<paramref name="hoursRound"/>) when the campaign
    /// has a last call; never once the deadline has passed.
    /// </summary>
    public bool RemindsOf(DateTimeOffset deadline, DateTimeOffset now, TimeZoneInfo zone, bool hoursRound) =>
        deadline > now && (hoursRound ? ReminderHours > 0 : ReminderDays.Contains(DaysLeft(deadline, now, zone)));

    /// <summary>Until when a deadline still accepts changes: the deadline itself, or the end of the grace period after it.</summary>
    public DateTimeOffset GraceEnd(DateTimeOffset deadline) => Scoring.Participation.Participation.GraceEnd(deadline, GraceDays);

    /// <summary>A unit's own self-assessment deadline (its extension's, else the campaign's), by the rule in <see cref="Scoring.Participation.Participation"/>.</summary>
    public DateTimeOffset DeadlineOf(Participant participant) =>
        Scoring.Participation.Participation.OwnDeadline(Schedule.SelfAssessmentClosesAt, participant.ExtendedUntil);

    /// <summary>Whether a unit that has not submitted is past its own grace period (to be closed as not submitted).</summary>
    public bool DueToClose(Participant participant, DateTimeOffset now) =>
        Scoring.Participation.Participation.DueToClose(Schedule.SelfAssessmentClosesAt, participant.ExtendedUntil, GraceDays, now);
    public DateTimeOffset CreatedAt { get; set; }
    public string? CreatedBy { get; set; }
    public DateTimeOffset? LaunchedAt { get; set; }
    public string? LaunchedBy { get; set; }
    /// <summary>
    /// When each stage's step acted (stamped by the workflow step itself, null until then): what a stage opened
    /// or closed is read from here, not worked out again from the schedule and the clock.
    /// </summary>
    public DateTimeOffset? IndexPublishedAt { get; set; }
    public DateTimeOffset? SelfAssessmentOpenedAt { get; set; }
    public DateTimeOffset? DisputesOpenedAt { get; set; }
    public DateTimeOffset? DisputesClosedAt { get; set; }
    public DateTimeOffset? ArchivedAt { get; set; }
    public Guid ConcurrencyStamp { get; set; } = Guid.NewGuid();

    public List<CampaignIndexSet> IndexSets { get; set; } = [];
    public List<Participant> Participants { get; set; } = [];
    public List<CouncilMember> Council { get; set; } = [];
}

/// <summary>The campaign's dates, stored in UTC. Entered and shown in the campaign's time zone.</summary>
public sealed class CampaignSchedule
{
    public DateTimeOffset IndexPublicationAt { get; set; }
    public DateTimeOffset SelfAssessmentOpensAt { get; set; }
    public DateTimeOffset SelfAssessmentClosesAt { get; set; }
    public DateTimeOffset VerificationEndsAt { get; set; }
    public DateTimeOffset PreliminaryResultsAt { get; set; }
    public DateTimeOffset DisputesOpensAt { get; set; }
    public DateTimeOffset DisputesClosesAt { get; set; }
    public DateTimeOffset FinalPublicationAt { get; set; }
}

/// <summary>The index-set version a category of units is assessed on in a campaign.</summary>
public sealed class CampaignIndexSet
{
    public Guid CampaignId { get; set; }
    public required string Category { get; set; }
    public Guid IndexSetId { get; set; }
}

public enum ParticipantStatus
{
    NotStarted,
    InProgress,
    Submitted,
    ReturnedForClarification,
    NotSubmitted,
    /// <summary>Prepared by the unit's officer, waiting for its head to approve and submit it (campaigns with head approval).</summary>
    AwaitingApproval,
}

/// <summary>Groups of statuses that several features ask about, named once.</summary>
public static class ParticipantStatuses
{
    /// <summary>
    /// Not yet submitted and not closed: reminded, closed when due, counted as outstanding (the rule is
    /// <see cref="Scoring.Participation.Participation.Unsubmitted"/>; an array so that queries translate it to <c>IN</c>).
    /// </summary>
    public static readonly ParticipantStatus[] Unsubmitted = [.. Enum.GetValues<ParticipantStatus>()
        .Where(s => Scoring.Participation.Participation.Unsubmitted(ForRules(s)))];

    /// <summary>The stored status as the pure rules name it (the same names).</summary>
    public static Scoring.Participation.ParticipationStatus ForRules(ParticipantStatus status) => Enum.Parse<Scoring.Participation.ParticipationStatus>(status.ToString());

    /// <summary>The pure rules' status as it is stored (the same names).</summary>
    public static ParticipantStatus FromRules(Scoring.Participation.ParticipationStatus status) => Enum.Parse<ParticipantStatus>(status.ToString());

    /// <summary>The stored verification status as the council's pure rules name it (the same names).</summary>
    public static Scoring.Participation.ReviewStatus ForRules(VerificationStatus status) => Enum.Parse<Scoring.Participation.ReviewStatus>(status.ToString());
}

/// <summary>A unit taking part in a campaign, with what applies to it and where its self-assessment stands.</summary>
public sealed class Participant
{
    public Guid Id { get; set; }
    public Guid CampaignId { get; set; }
    public Guid UnitId { get; set; }
    public required string Category { get; set; }
    /// <summary>The unit's flags when it joined: they decide which indicators apply and do not change mid-campaign.</summary>
    public List<string> Flags { get; set; } = [];
    public Guid IndexSetId { get; set; }
    public ParticipantStatus Status { get; set; }
    /// <summary>A deadline of its own, when an extension was granted; otherwise the campaign's.</summary>
    public DateTimeOffset? ExtendedUntil { get; set; }
    public string? ExtensionReason { get; set; }
    public DateTimeOffset? SubmittedAt { get; set; }
    /// <summary>Who submitted: in a campaign with head approval, the head (or an administrator) who approved it.</summary>
    public string? SubmittedBy { get; set; }
    /// <summary>When and by whom the self-assessment was sent to the head for approval (campaigns with head approval).</summary>
    public DateTimeOffset? PreparedAt { get; set; }
    public string? PreparedBy { get; set; }
    /// <summary>The head's note when sending the prepared self-assessment back; cleared when it is sent again.</summary>
    public string? SentBackNote { get; set; }
    public DateTimeOffset? SentBackAt { get; set; }
    public string? SentBackBy { get; set; }
    /// <summary>Submitted after its deadline, inside the campaign's grace period.</summary>
    public bool SubmittedLate { get; set; }
    public int AnsweredCount { get; set; }
    public int ApplicableCount { get; set; }
    public decimal SelfTotal { get; set; }
    public decimal SelfPercentage { get; set; }
    /// <summary>Until when a unit returned for clarification may change its self-assessment.</summary>
    public DateTimeOffset? ClarificationDueAt { get; set; }
    public VerificationStatus Verification { get; set; }
    /// <summary>Why the council left the unit out of verification and ranking (required when excluded).</summary>
    public string? ExclusionReason { get; set; }
    public DateTimeOffset? VerifiedAt { get; set; }
    /// <summary>Secret part of the unit's calendar-feed address (calendar apps cannot sign in).</summary>
    public string CalendarToken { get; set; } = NewCalendarToken();
    public Guid ConcurrencyStamp { get; set; } = Guid.NewGuid();
    /// <summary>
    /// Counts the changes of what the unit entered (answers, evidence, claims; each recounts the totals): a change is written
    /// only if the entries are still those it was computed from.
    /// </summary>
    public int EntriesVersion { get; set; }

    /// <summary>Whether the unit is still within the time it was given to answer the council.</summary>
    public bool AwaitsClarification(DateTimeOffset now) =>
        Scoring.Participation.Participation.AwaitsClarification(Status == ParticipantStatus.ReturnedForClarification, ClarificationDueAt, now);

    // Where the unit stands changes only through the steps below, after the pure rules (Participation, CouncilReview) allowed
    // it; each step renews the concurrency stamp, so that a page or a client holding the earlier state is refused instead of
    // acting on it. Saving answers and totals does not renew it: it changes no status.

    public void Submit(DateTimeOffset at, string? by, bool late)
    {
        // A first submission inside the grace period is late; a resubmission keeps the mark.
        SubmittedLate |= late;
        (Status, SubmittedAt, SubmittedBy) = (ParticipantStatus.Submitted, at, by);
        Changed();
    }

    public void Withdraw(bool headApproval)
    {
        Status = ParticipantStatuses.FromRules(Scoring.Participation.Participation.Withdrawn(headApproval, wasPrepared: PreparedAt is not null));
        (SubmittedAt, SubmittedBy) = (null, null);
        Changed();
    }

    public void Prepare(DateTimeOffset at, string? by)
    {
        (Status, PreparedAt, PreparedBy, SentBackNote, SentBackAt, SentBackBy) = (ParticipantStatus.AwaitingApproval, at, by, null, null, null);
        Changed();
    }

    public void SendBack(string note, DateTimeOffset at, string? by)
    {
        (Status, SentBackNote, SentBackAt, SentBackBy) = (ParticipantStatus.InProgress, note, at, by);
        Changed();
    }

    public void Extend(DateTimeOffset until, string reason)
    {
        (ExtendedUntil, ExtensionReason) = (until, reason);
        Status = ParticipantStatuses.FromRules(Scoring.Participation.Participation.Extended(ParticipantStatuses.ForRules(Status), anyAnswer: AnsweredCount > 0));
        Changed();
    }

    public void CloseAsNotSubmitted()
    {
        Status = ParticipantStatus.NotSubmitted;
        Changed();
    }

    public void ReturnForClarification(DateTimeOffset dueAt)
    {
        (Status, ClarificationDueAt) = (ParticipantStatus.ReturnedForClarification, dueAt);
        Changed();
    }

    public void VerdictsGiven()
    {
        Verification = Enum.Parse<VerificationStatus>(Scoring.Participation.CouncilReview.AfterVerdict(ParticipantStatuses.ForRules(Verification)).ToString());
        Changed();
    }

    public void Verify(DateTimeOffset at)
    {
        (Verification, VerifiedAt) = (VerificationStatus.Verified, at);
        Changed();
    }

    public void Exclude(string reason)
    {
        (Verification, ExclusionReason) = (VerificationStatus.Excluded, reason);
        Changed();
    }

    /// <summary>The self-assessment's counts and self-score after answers changed; the first answer starts it.</summary>
    public void RecordTotals(int applicable, int answered, decimal total, decimal percentage)
    {
        (ApplicableCount, AnsweredCount, SelfTotal, SelfPercentage) = (applicable, answered, total, percentage);
        EntriesVersion++;
        Status = ParticipantStatuses.FromRules(Scoring.Participation.Participation.AfterAnswers(ParticipantStatuses.ForRules(Status), anyAnswer: answered > 0));
    }

    private void Changed() => ConcurrencyStamp = Guid.NewGuid();

    public static string NewCalendarToken() =>
        Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');
}

/// <summary>Where the council's verification of a unit stands.</summary>
public enum VerificationStatus
{
    Pending,
    InProgress,
    Verified,
    Excluded,
}

public enum CouncilRole
{
    Chair,
    ViceChair,
    Secretary,
    Member,
}

/// <summary>A member of the campaign's Appraisal Council (Hội đồng thẩm định).</summary>
public sealed class CouncilMember
{
    public Guid Id { get; set; }
    public Guid CampaignId { get; set; }
    public CouncilRole Role { get; set; }
    public required string FullName { get; set; }
    public required string Email { get; set; }
    /// <summary>The unit the member works for: they may not verify it (conflict of interest).</summary>
    public Guid? UnitId { get; set; }
}

internal sealed class CampaignConfiguration : IEntityTypeConfiguration<Campaign>
{
    public void Configure(EntityTypeBuilder<Campaign> builder)
    {
        builder.ToTable("campaigns");
        builder.PrimitiveCollection(x => x.ReminderDays);
        builder.HasIndex(x => new { x.AuthorityId, x.Year });
        builder.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(x => x.TimeZone).HasMaxLength(64);
        builder.Property(x => x.ConcurrencyStamp).IsConcurrencyToken();
        builder.ComplexProperty(x => x.Schedule);
        builder.HasMany(x => x.IndexSets).WithOne().HasForeignKey(x => x.CampaignId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(x => x.Participants).WithOne().HasForeignKey(x => x.CampaignId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(x => x.Council).WithOne().HasForeignKey(x => x.CampaignId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class CampaignIndexSetConfiguration : IEntityTypeConfiguration<CampaignIndexSet>
{
    public void Configure(EntityTypeBuilder<CampaignIndexSet> builder)
    {
        builder.ToTable("campaign_index_sets");
        builder.HasKey(x => new { x.CampaignId, x.Category });
        builder.Property(x => x.Category).HasMaxLength(50);
        // A version chosen by a campaign cannot disappear under it.
        builder.HasOne<IndexSets.IndexSetRecord>().WithMany().HasForeignKey(x => x.IndexSetId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class ParticipantConfiguration : IEntityTypeConfiguration<Participant>
{
    public void Configure(EntityTypeBuilder<Participant> builder)
    {
        builder.ToTable("participants");
        builder.HasIndex(x => new { x.CampaignId, x.UnitId }).IsUnique();
        builder.Property(x => x.Category).HasMaxLength(50);
        builder.Property(x => x.Status).HasConversion<string>().HasMaxLength(30);
        builder.Property(x => x.Verification).HasConversion<string>().HasMaxLength(20);
        builder.Property(x => x.ExclusionReason).HasMaxLength(2000);
        builder.Property(x => x.SentBackNote).HasMaxLength(2000);
        builder.Property(x => x.PreparedBy).HasMaxLength(256);
        builder.Property(x => x.SentBackBy).HasMaxLength(256);
        builder.Property(x => x.SelfTotal).HasPrecision(12, 4);
        builder.Property(x => x.SelfPercentage).HasPrecision(7, 2);
        builder.Property(x => x.ConcurrencyStamp).IsConcurrencyToken();
        builder.Property(x => x.EntriesVersion).IsConcurrencyToken();
        builder.PrimitiveCollection(x => x.Flags);
        builder.Property(x => x.CalendarToken).HasMaxLength(64);
        builder.HasIndex(x => x.CalendarToken).IsUnique();
    }
}

internal sealed class CouncilMemberConfiguration : IEntityTypeConfiguration<CouncilMember>
{
    public void Configure(EntityTypeBuilder<CouncilMember> builder)
    {
        builder.ToTable("council_members");
        builder.Property(x => x.Role).HasConversion<string>().HasMaxLength(20);
        builder.Property(x => x.Email).HasMaxLength(256);
    }
}
