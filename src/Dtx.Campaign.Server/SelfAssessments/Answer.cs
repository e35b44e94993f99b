using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dtx.Campaign.Server.SelfAssessments;

/// <summary>A unit's answer to one indicator, with the self-score computed when it was saved.</summary>
public sealed class Answer
{
    public Guid Id { get; set; }
    public Guid ParticipantId { get; set; }
    public required string IndicatorCode { get; set; }
    public bool? Yes { get; set; }
    public decimal? Numerator { get; set; }
    public decimal? Denominator { get; set; }
    public decimal? Number { get; set; }
    public string? Explanation { get; set; }
    public decimal SelfScore { get; set; }
    public string? ShortfallReason { get; set; }
    /// <summary>Incremented on every change; a save must name the version it edits.</summary>
    public int Version { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public string? UpdatedBy { get; set; }

    /// <summary>The answer as the scoring rules read it.</summary>
    public Scoring.IndexSets.IndicatorInput Input(bool hasEvidence) => new(Yes, Numerator, Denominator, Number, hasEvidence);
}

/// <summary>A unit's claim under a bonus rule of its index set: how many approved items, with evidence like an indicator.</summary>
public sealed class BonusClaimRecord
{
    public Guid Id { get; set; }
    public Guid ParticipantId { get; set; }
    public required string RuleKey { get; set; }
    public int Count { get; set; }
    public string? Explanation { get; set; }
    public int Version { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public string? UpdatedBy { get; set; }

    /// <summary>Evidence of a claim is filed under this code, beside the indicators' codes.</summary>
    public static string EvidenceCode(string ruleKey) => Scoring.Participation.Participation.BonusEvidenceCode(ruleKey);
}

public enum EvidenceKind
{
    File,
    Link,
    Document,
}

/// <summary>Evidence for an indicator: an uploaded file (by content hash), a link, or an official document reference.</summary>
public sealed class EvidenceItem
{
    public Guid Id { get; set; }
    public Guid ParticipantId { get; set; }
    public required string IndicatorCode { get; set; }
    public EvidenceKind Kind { get; set; }
    /// <summary>The name the uploader gave, for display only: it never reaches the file system.</summary>
    public string? FileName { get; set; }
    public string? ContentType { get; set; }
    public long? Size { get; set; }
    public string? Sha256 { get; set; }
    public string? Url { get; set; }
    public string? DocumentNumber { get; set; }
    public DateOnly? DocumentDate { get; set; }
    public string? DocumentIssuer { get; set; }
    public DateTimeOffset AddedAt { get; set; }
    public string? AddedBy { get; set; }
}

internal sealed class AnswerConfiguration : IEntityTypeConfiguration<Answer>
{
    public void Configure(EntityTypeBuilder<Answer> builder)
    {
        builder.ToTable("answers");
        builder.HasIndex(x => new { x.ParticipantId, x.IndicatorCode }).IsUnique();
        builder.Property(x => x.IndicatorCode).HasMaxLength(50);
        builder.Property(x => x.ShortfallReason).HasMaxLength(50);
        builder.Property(x => x.Numerator).HasPrecision(18, 4);
        builder.Property(x => x.Denominator).HasPrecision(18, 4);
        builder.Property(x => x.Number).HasPrecision(18, 4);
        builder.Property(x => x.SelfScore).HasPrecision(12, 4);
        builder.Property(x => x.Version).IsConcurrencyToken();
        builder.HasOne<Campaigns.Participant>().WithMany().HasForeignKey(x => x.ParticipantId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class BonusClaimRecordConfiguration : IEntityTypeConfiguration<BonusClaimRecord>
{
    public void Configure(EntityTypeBuilder<BonusClaimRecord> builder)
    {
        builder.ToTable("bonus_claims");
        builder.HasIndex(x => new { x.ParticipantId, x.RuleKey }).IsUnique();
        builder.Property(x => x.RuleKey).HasMaxLength(50);
        builder.Property(x => x.Version).IsConcurrencyToken();
        builder.HasOne<Campaigns.Participant>().WithMany().HasForeignKey(x => x.ParticipantId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class EvidenceItemConfiguration : IEntityTypeConfiguration<EvidenceItem>
{
    public void Configure(EntityTypeBuilder<EvidenceItem> builder)
    {
        builder.ToTable("evidence");
        builder.HasIndex(x => new { x.ParticipantId, x.IndicatorCode });
        builder.Property(x => x.IndicatorCode).HasMaxLength(50);
        builder.Property(x => x.Kind).HasConversion<string>().HasMaxLength(20);
        builder.Property(x => x.Sha256).HasMaxLength(64);
        builder.Property(x => x.ContentType).HasMaxLength(100);
        builder.HasOne<Campaigns.Participant>().WithMany().HasForeignKey(x => x.ParticipantId).OnDelete(DeleteBehavior.Cascade);
    }
}
