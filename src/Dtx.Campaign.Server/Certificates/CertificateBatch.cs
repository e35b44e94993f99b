using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dtx.Campaign.Server.Certificates;

public enum BatchStatus
{
    Pending,
    Running,
    Done,
    Failed,
}

/// <summary>
/// Printing every Certificate of Merit of a campaign: queued when the awards are confirmed, worked by any
/// node in the background (a lease lets another node take over a batch whose node died), with progress.
/// </summary>
public sealed class CertificateBatch
{
    public Guid Id { get; set; }
    public Guid CampaignId { get; set; }
    public BatchStatus Status { get; set; }
    public int Total { get; set; }
    public int Done { get; set; }
    public string? Error { get; set; }
    /// <summary>Every certificate of the campaign in one PDF, one per page, when done.</summary>
    public byte[]? Pdf { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LeasedUntil { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
}

internal sealed class CertificateBatchConfiguration : IEntityTypeConfiguration<CertificateBatch>
{
    public void Configure(EntityTypeBuilder<CertificateBatch> builder)
    {
        builder.ToTable("certificate_batches");
        builder.HasIndex(x => x.CampaignId).IsUnique();
        builder.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(x => x.Error).HasMaxLength(2000);
        builder.HasOne<Campaigns.Campaign>().WithMany().HasForeignKey(x => x.CampaignId).OnDelete(DeleteBehavior.Cascade);
    }
}
