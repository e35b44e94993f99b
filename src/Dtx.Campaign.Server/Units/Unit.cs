using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dtx.Campaign.Server.Units;

/// <summary>The government that organises campaigns for its units, e.g. "UBND TP Hà Nội".</summary>
public sealed class OrganizingAuthority
{
    public Guid Id { get; set; }
    /// <summary>Short code, e.g. <c>HN</c>, <c>DT</c>.</summary>
    public required string Code { get; set; }
    public required string NameVi { get; set; }
    public required string NameEn { get; set; }
    /// <summary>Place name used in official documents ("Hà Nội, ngày …").</summary>
    public string Place { get; set; } = "";
    public string TimeZone { get; set; } = Documents.DocFormat.DefaultTimeZoneId;
}

/// <summary>An assessed unit: a department (sở/ban/ngành), a district, a commune or ward People's Committee.</summary>
public sealed class Unit
{
    public Guid Id { get; set; }
    public Guid AuthorityId { get; set; }
    public OrganizingAuthority? Authority { get; set; }
    public required string Code { get; set; }
    public required string NameVi { get; set; }
    public required string NameEn { get; set; }
    /// <summary>A category key from the unit-category catalogue: department, district, commune, province.</summary>
    public required string Category { get; set; }
    /// <summary>Flags the category defines, e.g. <c>digital-economy</c>; decide which indicators apply.</summary>
    public List<string> Flags { get; set; } = [];
    public bool IsActive { get; set; } = true;
    /// <summary>Residents, when known: weighs the unit when predecessors' results are combined (docs/lineage.md).</summary>
    public long? Population { get; set; }
    /// <summary>Demo data shipped with the project (names may be generated).</summary>
    public bool IsDemo { get; set; }
    public List<UnitContact> Contacts { get; set; } = [];
}

public enum ContactRole
{
    Head,
    FocalOfficer,
}

/// <summary>A person to reach at a unit: its head or a focal officer (cán bộ đầu mối).</summary>
public sealed class UnitContact
{
    public Guid Id { get; set; }
    public Guid UnitId { get; set; }
    public ContactRole Role { get; set; }
    public required string FullName { get; set; }
    public required string Email { get; set; }
    public string? Phone { get; set; }
}

internal sealed class OrganizingAuthorityConfiguration : IEntityTypeConfiguration<OrganizingAuthority>
{
    public void Configure(EntityTypeBuilder<OrganizingAuthority> builder)
    {
        builder.ToTable("authorities");
        builder.HasIndex(x => x.Code).IsUnique();
        builder.Property(x => x.Code).HasMaxLength(20);
        builder.Property(x => x.TimeZone).HasMaxLength(64);
    }
}

internal sealed class UnitConfiguration : IEntityTypeConfiguration<Unit>
{
    public void Configure(EntityTypeBuilder<Unit> builder)
    {
        builder.ToTable("units");
        builder.HasIndex(x => new { x.AuthorityId, x.Code }).IsUnique();
        builder.Property(x => x.Code).HasMaxLength(50);
        builder.Property(x => x.Category).HasMaxLength(50);
        builder.HasOne(x => x.Authority).WithMany().HasForeignKey(x => x.AuthorityId).OnDelete(DeleteBehavior.Restrict);
        builder.HasMany(x => x.Contacts).WithOne().HasForeignKey(x => x.UnitId).OnDelete(DeleteBehavior.Cascade);
        // A primitive collection: stored as a JSON array on both providers.
        builder.PrimitiveCollection(x => x.Flags);
    }
}

internal sealed class UnitContactConfiguration : IEntityTypeConfiguration<UnitContact>
{
    public void Configure(EntityTypeBuilder<UnitContact> builder)
    {
        builder.ToTable("unit_contacts");
        builder.Property(x => x.Role).HasConversion<string>().HasMaxLength(20);
        builder.Property(x => x.Email).HasMaxLength(256);
    }
}
