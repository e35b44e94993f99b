using Dtx.Campaign.Server.Audit;
using Dtx.Campaign.Server.Campaigns;
using Dtx.Campaign.Server.Identity;
using Dtx.Campaign.Server.IndexSets;
using Dtx.Campaign.Server.Units;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Dtx.Campaign.Workflows.Storage;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Data;

/// <summary>
/// The one DbContext of the server. Each provider has a subclass only so that each keeps its own
/// migrations (<see cref="SqliteCampaignDbContext"/>, <see cref="PostgresCampaignDbContext"/>).
/// </summary>
public abstract class CampaignDbContext : IdentityDbContext<AppUser>, IDataProtectionKeyContext
{
    protected CampaignDbContext(DbContextOptions options) : base(options)
    {
        // No use case retries a failed save inside its transaction: the savepoint EF Core would set around each save in a
        // transaction costs two round trips (set, release) and buys nothing.
        Database.AutoSavepointsEnabled = false;
    }

    /// <summary>Cookie and token keys, shared by every node of a deployment.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<IndexSetRecord> IndexSets => Set<IndexSetRecord>();
    public DbSet<IndicatorRecord> Indicators => Set<IndicatorRecord>();
    public DbSet<OrganizingAuthority> Authorities => Set<OrganizingAuthority>();
    public DbSet<Unit> Units => Set<Unit>();
    public DbSet<UnitContact> UnitContacts => Set<UnitContact>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<Campaigns.Campaign> Campaigns => Set<Campaigns.Campaign>();
    public DbSet<Participant> Participants => Set<Participant>();
    public DbSet<UnitMembership> UnitMemberships => Set<UnitMembership>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(CampaignDbContext).Assembly);
        // The workflow runtime's instances, bookmarks, journal and outbox share the server's transactions.
        builder.ApplyWorkflowModel();
    }
}

/// <remarks>
/// Migrations: <c>dotnet ef migrations add NAME --project src/Dtx.Campaign.Server --context SqliteCampaignDbContext --output-dir Data/Migrations/Sqlite</c>
/// </remarks>
public sealed class SqliteCampaignDbContext(DbContextOptions<SqliteCampaignDbContext> options) : CampaignDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite has no native date-time-with-offset or decimal type: store sortable, comparable values.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToUtcTicksConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<DateTimeOffsetToUtcTicksConverter>();
    }
}

/// <remarks>
/// Migrations: <c>dotnet ef migrations add NAME --project src/Dtx.Campaign.Server --context PostgresCampaignDbContext --output-dir Data/Migrations/Postgres</c>
/// </remarks>
public sealed class PostgresCampaignDbContext(DbContextOptions<PostgresCampaignDbContext> options) : CampaignDbContext(options)
{
    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        // Result documents run to tens of megabytes for a national campaign, and their units' rows as much again:
        // lz4 compresses them several times faster than PostgreSQL's default (pglz).
        builder.Entity<Results.ResultSet>().Property(x => x.Document).UseCompressionMethod("lz4");
        builder.Entity<Results.UnitResultRow>().Property(x => x.Result).UseCompressionMethod("lz4");
    }
}
