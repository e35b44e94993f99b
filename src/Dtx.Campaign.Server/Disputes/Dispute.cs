using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dtx.Campaign.Server.Disputes;

public enum DisputeStatus
{
    Open,
    Upheld,
    Rejected,
}

/// <summary>A unit's objection to the verified score of one indicator, with its justification, new evidence and the council's answer.</summary>
public sealed class Dispute
{
    public Guid Id { get; set; }
    public Guid CampaignId { get; set; }
    public Guid ParticipantId { get; set; }
    public required string IndicatorCode { get; set; }
    public required string Justification { get; set; }
    /// <summary>New evidence: links and official document references, one per line as given.</summary>
    public List<string> Evidence { get; set; } = [];
    public required string FiledBy { get; set; }
    public DateTimeOffset FiledAt { get; set; }
    /// <summary>The score the unit disputes (verified, or self-score when the council accepted it).</summary>
    public decimal PointsBefore { get; set; }
    public DisputeStatus Status { get; set; }
    public decimal? NewPoints { get; set; }
    public string? Resolution { get; set; }
    public string? ResolvedBy { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
}

internal sealed class DisputeConfiguration : IEntityTypeConfiguration<Dispute>
{
    public void Configure(EntityTypeBuilder<Dispute> builder)
    {
        builder.ToTable("disputes");
        builder.Property(x => x.IndicatorCode).HasMaxLength(60);
        builder.Property(x => x.Justification).HasMaxLength(8000);
        builder.Property(x => x.Resolution).HasMaxLength(8000);
        builder.Property(x => x.FiledBy).HasMaxLength(256);
        builder.Property(x => x.ResolvedBy).HasMaxLength(256);
        builder.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(x => x.PointsBefore).HasPrecision(12, 4);
        builder.Property(x => x.NewPoints).HasPrecision(12, 4);
        builder.PrimitiveCollection(x => x.Evidence);
        builder.HasIndex(x => new { x.CampaignId, x.Status });
        builder.HasIndex(x => new { x.ParticipantId, x.IndicatorCode });
        builder.HasOne<Campaigns.Participant>().WithMany().HasForeignKey(x => x.ParticipantId).OnDelete(DeleteBehavior.Cascade);
    }
}
