using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dtx.Campaign.Server.Audit;

/// <summary>
/// One line of the append-only audit log. Entries are hash-chained: each hash covers the previous
/// entry's hash and every field of this one, so editing or removing a row breaks the chain from there on.
/// An entry is written with its change and sealed into the chain moments after it commits
/// (<see cref="AuditSealer"/>): until then <see cref="Seq"/>, <see cref="PreviousHash"/> and <see cref="Hash"/> are null.
/// </summary>
public sealed class AuditEntry
{
    /// <summary>The row's number, given by the database when it is written.</summary>
    public long Id { get; set; }
    /// <summary>The entry's position in the chain (1, 2, 3 … with no gaps), given when it is sealed.</summary>
    public long? Seq { get; set; }
    public DateTimeOffset At { get; set; }
    /// <summary>The person (user name), or <c>system</c>, <c>timer</c>, <c>cli</c>.</summary>
    public required string Actor { get; set; }
    public string? ActorAddress { get; set; }
    /// <summary>What happened, e.g. <c>index-set.published</c>, <c>login.failed</c>.</summary>
    public required string Action { get; set; }
    public string? EntityType { get; set; }
    public string? EntityId { get; set; }
    public Guid? CampaignId { get; set; }
    public Guid? UnitId { get; set; }
    /// <summary>The changed values before and after, as JSON; null when not applicable.</summary>
    public string? Before { get; set; }
    public string? After { get; set; }
    public string? Detail { get; set; }
    public string? PreviousHash { get; set; }
    public string? Hash { get; set; }
}

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.ToTable("audit_entries");
        builder.Property(x => x.Id).ValueGeneratedOnAdd();
        builder.HasIndex(x => x.Seq).IsUnique();
        builder.HasIndex(x => x.At);
        builder.HasIndex(x => x.Actor);
        builder.HasIndex(x => x.UnitId);
        builder.HasIndex(x => x.CampaignId);
        builder.Property(x => x.Actor).HasMaxLength(256);
        builder.Property(x => x.Action).HasMaxLength(100);
        builder.Property(x => x.EntityType).HasMaxLength(100);
        builder.Property(x => x.EntityId).HasMaxLength(100);
        builder.Property(x => x.PreviousHash).HasMaxLength(64);
        builder.Property(x => x.Hash).HasMaxLength(64);
    }
}
