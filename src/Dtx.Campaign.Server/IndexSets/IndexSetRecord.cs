using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dtx.Campaign.Server.IndexSets;

public enum IndexSetStatus
{
    Draft,
    Published,
    Superseded,
}

/// <summary>
/// A stored version of an index set. The whole definition is kept as canonical JSON (what scoring
/// reads) next to the source text it came from; a published version is never modified again.
/// </summary>
public sealed class IndexSetRecord
{
    public Guid Id { get; set; }
    public required string Key { get; set; }
    public int Version { get; set; }
    public IndexSetStatus Status { get; set; }
    public required string NameVi { get; set; }
    public required string NameEn { get; set; }
    public required string Level { get; set; }
    public int EffectiveYear { get; set; }
    public required string LegalReference { get; set; }
    public bool IsSample { get; set; }
    public decimal MaxPoints { get; set; }
    public int IndicatorCount { get; set; }
    /// <summary>The definition as canonical JSON of <see cref="Scoring.IndexSets.IndexSet"/>.</summary>
    public required string DefinitionJson { get; set; }
    public required string SourceFileName { get; set; }
    /// <summary>SHA-256 of <see cref="DefinitionJson"/>, hex; identical content gives an identical hash.</summary>
    public required string ContentHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string? CreatedBy { get; set; }
    public DateTimeOffset? PublishedAt { get; set; }
    public string? PublishedBy { get; set; }
    /// <summary>Optimistic concurrency: two admins publishing at once cannot both win.</summary>
    public Guid ConcurrencyStamp { get; set; } = Guid.NewGuid();

    public List<IndicatorRecord> Indicators { get; set; } = [];
}

/// <summary>One node of a stored index set, flattened so that answers and scores can refer to it by code.</summary>
public sealed class IndicatorRecord
{
    public Guid Id { get; set; }
    public Guid IndexSetId { get; set; }
    public required string Code { get; set; }
    public string? ParentCode { get; set; }
    public int Depth { get; set; }
    public int SortOrder { get; set; }
    public required string NameVi { get; set; }
    public required string NameEn { get; set; }
    public decimal MaxPoints { get; set; }
    public bool IsLeaf { get; set; }
    public string? MethodKind { get; set; }
    public string? RequiresFlag { get; set; }
}

internal sealed class IndexSetRecordConfiguration : IEntityTypeConfiguration<IndexSetRecord>
{
    public void Configure(EntityTypeBuilder<IndexSetRecord> builder)
    {
        builder.ToTable("index_sets");
        builder.HasIndex(x => new { x.Key, x.Version }).IsUnique();
        builder.Property(x => x.Key).HasMaxLength(100);
        builder.Property(x => x.Level).HasMaxLength(50);
        builder.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(x => x.ContentHash).HasMaxLength(64);
        builder.Property(x => x.MaxPoints).HasPrecision(12, 4);
        builder.Property(x => x.ConcurrencyStamp).IsConcurrencyToken();
        builder.HasMany(x => x.Indicators).WithOne().HasForeignKey(x => x.IndexSetId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class IndicatorRecordConfiguration : IEntityTypeConfiguration<IndicatorRecord>
{
    public void Configure(EntityTypeBuilder<IndicatorRecord> builder)
    {
        builder.ToTable("indicators");
        builder.HasIndex(x => new { x.IndexSetId, x.Code }).IsUnique();
        builder.Property(x => x.Code).HasMaxLength(50);
        builder.Property(x => x.ParentCode).HasMaxLength(50);
        builder.Property(x => x.MethodKind).HasMaxLength(20);
        builder.Property(x => x.RequiresFlag).HasMaxLength(50);
        builder.Property(x => x.MaxPoints).HasPrecision(12, 4);
    }
}
