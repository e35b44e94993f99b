using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dtx.Campaign.Server.Awards;

public enum AwardClass
{
    First,
    Second,
    Third,
}

/// <summary>How many First, Second and Third class awards a category receives, and the least percentage that earns one.</summary>
public sealed class AwardQuota
{
    public Guid Id { get; set; }
    public Guid CampaignId { get; set; }
    public required string Category { get; set; }
    public int First { get; set; }
    public int Second { get; set; }
    public int Third { get; set; }
    public decimal? MinPercentage { get; set; }
}

/// <summary>An emulation award confirmed by the council chair, with its Certificate of Merit's serial number and public verification code.</summary>
public sealed class Award
{
    public Guid Id { get; set; }
    public Guid CampaignId { get; set; }
    public Guid UnitId { get; set; }
    public required string UnitCode { get; set; }
    public required string UnitName { get; set; }
    public required string Category { get; set; }
    public AwardClass Class { get; set; }
    public int Rank { get; set; }
    public decimal Percentage { get; set; }
    /// <summary>Set when the chair's list differs from the proposal for this unit.</summary>
    public string? AdjustmentReason { get; set; }
    public required string ConfirmedBy { get; set; }
    public DateTimeOffset ConfirmedAt { get; set; }
    public required string Serial { get; set; }
    public required string VerificationCode { get; set; }
    /// <summary>The award decision (quyết định khen thưởng) in the document register, e.g. "3/QĐ-UBND".</summary>
    public string? DecisionNumber { get; set; }
    /// <summary>Set when the chair revokes the certificate (thu hồi): the public check then says so, with the reason.</summary>
    public DateTimeOffset? RevokedAt { get; set; }
    public string? RevokedBy { get; set; }
    public string? RevocationReason { get; set; }
}

internal sealed class AwardQuotaConfiguration : IEntityTypeConfiguration<AwardQuota>
{
    public void Configure(EntityTypeBuilder<AwardQuota> builder)
    {
        builder.ToTable("award_quotas");
        builder.Property(x => x.Category).HasMaxLength(50);
        builder.Property(x => x.MinPercentage).HasPrecision(7, 2);
        builder.HasIndex(x => new { x.CampaignId, x.Category }).IsUnique();
        builder.HasOne<Campaigns.Campaign>().WithMany().HasForeignKey(x => x.CampaignId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AwardConfiguration : IEntityTypeConfiguration<Award>
{
    public void Configure(EntityTypeBuilder<Award> builder)
    {
        builder.ToTable("awards");
        builder.Property(x => x.UnitCode).HasMaxLength(50);
        builder.Property(x => x.UnitName).HasMaxLength(300);
        builder.Property(x => x.Category).HasMaxLength(50);
        builder.Property(x => x.Class).HasConversion<string>().HasMaxLength(10);
        builder.Property(x => x.Percentage).HasPrecision(7, 2);
        builder.Property(x => x.AdjustmentReason).HasMaxLength(2000);
        builder.Property(x => x.ConfirmedBy).HasMaxLength(256);
        builder.Property(x => x.Serial).HasMaxLength(40);
        builder.Property(x => x.VerificationCode).HasMaxLength(20);
        builder.Property(x => x.DecisionNumber).HasMaxLength(60);
        builder.Property(x => x.RevokedBy).HasMaxLength(256);
        builder.Property(x => x.RevocationReason).HasMaxLength(2000);
        builder.HasIndex(x => x.Serial).IsUnique();
        builder.HasIndex(x => new { x.CampaignId, x.UnitId }).IsUnique();
        builder.HasOne<Campaigns.Campaign>().WithMany().HasForeignKey(x => x.CampaignId).OnDelete(DeleteBehavior.Cascade);
    }
}
