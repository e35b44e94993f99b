using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dtx.Campaign.Server.Targets;

/// <summary>How a resolution or plan target stands at the time of assessment.</summary>
public enum TargetStatus
{
    NotEvaluated,
    Achieved,
    Likely,
    Low,
    NotAchieved,
    NoBasis,
}

/// <summary>A resolution or plan target the campaign tracks (e.g. "100% of documents processed digitally").</summary>
public sealed class CampaignTarget
{
    public Guid Id { get; set; }
    public Guid CampaignId { get; set; }
    public required string Code { get; set; }
    /// <summary>The resolution, plan or agreement the target comes from (e.g. "NQ 57-NQ/TW", "KH 2025").</summary>
    public required string Source { get; set; }
    public required string TitleVi { get; set; }
    public string? TitleEn { get; set; }
    public TargetStatus Status { get; set; }
    public string? Note { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public string? UpdatedBy { get; set; }
}

internal sealed class CampaignTargetConfiguration : IEntityTypeConfiguration<CampaignTarget>
{
    public void Configure(EntityTypeBuilder<CampaignTarget> builder)
    {
        builder.ToTable("campaign_targets");
        builder.Property(x => x.Code).HasMaxLength(50);
        builder.Property(x => x.Source).HasMaxLength(200);
        builder.Property(x => x.TitleVi).HasMaxLength(1000);
        builder.Property(x => x.TitleEn).HasMaxLength(1000);
        builder.Property(x => x.Note).HasMaxLength(4000);
        builder.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
        builder.HasIndex(x => new { x.CampaignId, x.Code }).IsUnique();
        builder.HasOne<Campaigns.Campaign>().WithMany().HasForeignKey(x => x.CampaignId).OnDelete(DeleteBehavior.Cascade);
    }
}
