using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dtx.Campaign.Server.Verification;

/// <summary>A council member assigned to verify a unit, or only one indicator group of it.</summary>
public sealed class VerificationAssignment
{
    public Guid Id { get; set; }
    public Guid CampaignId { get; set; }
    public Guid ParticipantId { get; set; }
    public Guid CouncilMemberId { get; set; }
    /// <summary>The indicator group (its code) the member verifies; null for the whole unit.</summary>
    public string? GroupCode { get; set; }
    public DateTimeOffset AssignedAt { get; set; }
    public string? AssignedBy { get; set; }
}

/// <summary>
/// The council's score for one indicator of a unit (or, under <c>bonus:rule</c>, the number of bonus
/// items it accepts). Lower than the self-score only with a note the unit will read.
/// </summary>
public sealed class IndicatorVerdict
{
    public Guid Id { get; set; }
    public Guid ParticipantId { get; set; }
    public required string IndicatorCode { get; set; }
    public decimal SelfPoints { get; set; }
    public decimal Points { get; set; }
    public string? Note { get; set; }
    public Guid CouncilMemberId { get; set; }
    public required string MemberName { get; set; }
    public DateTimeOffset At { get; set; }
}

public enum ScoreStage
{
    Self,
    Verified,
    Dispute,
}

/// <summary>One change of an indicator's score: self-score → verified → after dispute, with who, when and why.</summary>
public sealed class ScoreChange
{
    public Guid Id { get; set; }
    public Guid ParticipantId { get; set; }
    public required string IndicatorCode { get; set; }
    public ScoreStage Stage { get; set; }
    public decimal? FromPoints { get; set; }
    public decimal ToPoints { get; set; }
    public string? Note { get; set; }
    public required string By { get; set; }
    public DateTimeOffset At { get; set; }
}

/// <summary>The council's questions to a unit, returned to it for clarification until a due time.</summary>
public sealed class ClarificationRequest
{
    public Guid Id { get; set; }
    public Guid ParticipantId { get; set; }
    public required string Questions { get; set; }
    public required string RequestedBy { get; set; }
    public DateTimeOffset RequestedAt { get; set; }
    public DateTimeOffset DueAt { get; set; }
    public string? Answer { get; set; }
    public string? AnsweredBy { get; set; }
    public DateTimeOffset? AnsweredAt { get; set; }
}

internal sealed class VerificationAssignmentConfiguration : IEntityTypeConfiguration<VerificationAssignment>
{
    public void Configure(EntityTypeBuilder<VerificationAssignment> builder)
    {
        builder.ToTable("verification_assignments");
        builder.Property(x => x.GroupCode).HasMaxLength(50);
        builder.HasIndex(x => new { x.ParticipantId, x.CouncilMemberId, x.GroupCode }).IsUnique();
        builder.HasOne<Campaigns.Participant>().WithMany().HasForeignKey(x => x.ParticipantId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Campaigns.CouncilMember>().WithMany().HasForeignKey(x => x.CouncilMemberId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class IndicatorVerdictConfiguration : IEntityTypeConfiguration<IndicatorVerdict>
{
    public void Configure(EntityTypeBuilder<IndicatorVerdict> builder)
    {
        builder.ToTable("indicator_verdicts");
        builder.Property(x => x.IndicatorCode).HasMaxLength(60);
        builder.Property(x => x.SelfPoints).HasPrecision(12, 4);
        builder.Property(x => x.Points).HasPrecision(12, 4);
        builder.Property(x => x.Note).HasMaxLength(4000);
        builder.Property(x => x.MemberName).HasMaxLength(200);
        builder.HasIndex(x => new { x.ParticipantId, x.IndicatorCode }).IsUnique();
        builder.HasOne<Campaigns.Participant>().WithMany().HasForeignKey(x => x.ParticipantId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ScoreChangeConfiguration : IEntityTypeConfiguration<ScoreChange>
{
    public void Configure(EntityTypeBuilder<ScoreChange> builder)
    {
        builder.ToTable("score_changes");
        builder.Property(x => x.IndicatorCode).HasMaxLength(60);
        builder.Property(x => x.Stage).HasConversion<string>().HasMaxLength(20);
        builder.Property(x => x.FromPoints).HasPrecision(12, 4);
        builder.Property(x => x.ToPoints).HasPrecision(12, 4);
        builder.Property(x => x.Note).HasMaxLength(4000);
        builder.Property(x => x.By).HasMaxLength(256);
        builder.HasIndex(x => new { x.ParticipantId, x.IndicatorCode });
        builder.HasOne<Campaigns.Participant>().WithMany().HasForeignKey(x => x.ParticipantId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ClarificationRequestConfiguration : IEntityTypeConfiguration<ClarificationRequest>
{
    public void Configure(EntityTypeBuilder<ClarificationRequest> builder)
    {
        builder.ToTable("clarification_requests");
        builder.Property(x => x.Questions).HasMaxLength(8000);
        builder.Property(x => x.Answer).HasMaxLength(8000);
        builder.Property(x => x.RequestedBy).HasMaxLength(256);
        builder.Property(x => x.AnsweredBy).HasMaxLength(256);
        builder.HasIndex(x => x.ParticipantId);
        builder.HasOne<Campaigns.Participant>().WithMany().HasForeignKey(x => x.ParticipantId).OnDelete(DeleteBehavior.Cascade);
    }
}
