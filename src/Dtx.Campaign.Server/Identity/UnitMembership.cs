using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dtx.Campaign.Server.Identity;

public enum UnitRole
{
    FocalOfficer,
    Head,
}

/// <summary>A person's role at one unit: they read and edit that unit's self-assessment, and no other's.</summary>
public sealed class UnitMembership
{
    public Guid Id { get; set; }
    public required string UserId { get; set; }
    public Guid UnitId { get; set; }
    public UnitRole Role { get; set; }
    public DateTimeOffset GrantedAt { get; set; }
    public string? GrantedBy { get; set; }
}

internal sealed class UnitMembershipConfiguration : IEntityTypeConfiguration<UnitMembership>
{
    public void Configure(EntityTypeBuilder<UnitMembership> builder)
    {
        builder.ToTable("unit_memberships");
        builder.HasIndex(x => new { x.UserId, x.UnitId }).IsUnique();
        builder.Property(x => x.Role).HasConversion<string>().HasMaxLength(20);
        builder.HasOne<AppUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Units.Unit>().WithMany().HasForeignKey(x => x.UnitId).OnDelete(DeleteBehavior.Cascade);
    }
}
