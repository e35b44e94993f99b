using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Dtx.Campaign.Workflows.Storage;

/// <summary>Adds the runtime's tables to the host's single DbContext.</summary>
public static class WorkflowModel
{
    /// <summary>Table names, for migrations and raw SQL.</summary>
    public const string InstancesTable = "wf_instances";
    public const string BookmarksTable = "wf_bookmarks";
    public const string JournalTable = "wf_journal";
    public const string OutboxTable = "wf_outbox";
    public const string PinnedDefinitionsTable = "wf_pinned_definitions";

    /// <summary>
    /// Call from the host's <c>OnModelCreating</c>: <c>modelBuilder.ApplyWorkflowModel();</c>. Then a
    /// step's domain changes, the workflow state, its journal and outbox rows commit in one transaction.
    /// </summary>
    public static ModelBuilder ApplyWorkflowModel(this ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.ApplyConfiguration(new InstanceConfiguration());
        modelBuilder.ApplyConfiguration(new BookmarkConfiguration());
        modelBuilder.ApplyConfiguration(new JournalConfiguration());
        modelBuilder.ApplyConfiguration(new OutboxConfiguration());
        modelBuilder.Entity<PinnedDefinition>(e =>
        {
            e.ToTable(PinnedDefinitionsTable);
            e.HasKey(x => new { x.Key, x.Version });
            e.Property(x => x.Key).HasMaxLength(100);
            e.Property(x => x.ContentHash).HasMaxLength(64);
            e.Property(x => x.FileName).HasMaxLength(200);
            e.Property(x => x.PinnedAt).AsUtc();
        });
        return modelBuilder;
    }

    // SQLite gives DateTimes back unspecified; the runtime only ever stores UTC.
    private static readonly ValueConverter<DateTime, DateTime> Utc =
        new(v => v.Kind == DateTimeKind.Utc ? v : DateTime.SpecifyKind(v, DateTimeKind.Utc), v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

    private static readonly ValueConverter<DateTime?, DateTime?> NullableUtc =
        new(v => v.HasValue ? DateTime.SpecifyKind(v.Value, DateTimeKind.Utc) : v, v => v.HasValue ? DateTime.SpecifyKind(v.Value, DateTimeKind.Utc) : v);

    private static PropertyBuilder<DateTime> AsUtc(this PropertyBuilder<DateTime> property) => property.HasConversion(Utc);

    private static PropertyBuilder<DateTime?> AsUtc(this PropertyBuilder<DateTime?> property) => property.HasConversion(NullableUtc);

    private sealed class InstanceConfiguration : IEntityTypeConfiguration<WorkflowInstance>
    {
        public void Configure(EntityTypeBuilder<WorkflowInstance> e)
        {
            e.ToTable(InstancesTable);
            e.HasKey(x => x.Id);
            e.Property(x => x.DefinitionKey).HasMaxLength(100);
            e.Property(x => x.CorrelationId).HasMaxLength(200);
            e.Property(x => x.CurrentStage).HasMaxLength(100);
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
            e.Property(x => x.TimeZoneId).HasMaxLength(64);
            e.Property(x => x.Incident).HasMaxLength(4000);
            e.Property(x => x.CreatedAt).AsUtc();
            e.Property(x => x.UpdatedAt).AsUtc();
            e.Property(x => x.IncidentAt).AsUtc();
            e.Property(x => x.FinishedAt).AsUtc();
            e.Property(x => x.Version).IsConcurrencyToken();
            e.HasIndex(x => x.CorrelationId);
            e.HasIndex(x => new { x.DefinitionKey, x.DefinitionVersion });
        }
    }

    private sealed class BookmarkConfiguration : IEntityTypeConfiguration<Bookmark>
    {
        public void Configure(EntityTypeBuilder<Bookmark> e)
        {
            e.ToTable(BookmarksTable);
            e.HasKey(x => x.Id);
            e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(20);
            e.Property(x => x.Name).HasMaxLength(200);
            e.Property(x => x.Stage).HasMaxLength(100);
            e.Property(x => x.ConsumedBy).HasMaxLength(200);
            e.Property(x => x.DueUtc).AsUtc();
            e.Property(x => x.CreatedAt).AsUtc();
            e.Property(x => x.ConsumedAt).AsUtc();
            e.HasOne<WorkflowInstance>().WithMany().HasForeignKey(x => x.InstanceId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => new { x.InstanceId, x.ConsumedAt });
            e.HasIndex(x => new { x.Kind, x.ConsumedAt, x.DueUtc });
        }
    }

    private sealed class JournalConfiguration : IEntityTypeConfiguration<JournalEntry>
    {
        public void Configure(EntityTypeBuilder<JournalEntry> e)
        {
            e.ToTable(JournalTable);
            e.HasKey(x => x.Id);
            e.Property(x => x.Actor).HasMaxLength(200);
            e.Property(x => x.Stage).HasMaxLength(100);
            e.Property(x => x.Activity).HasMaxLength(100);
            e.Property(x => x.Outcome).HasMaxLength(50);
            e.Property(x => x.Detail).HasMaxLength(4000);
            e.Property(x => x.At).AsUtc();
            e.HasOne<WorkflowInstance>().WithMany().HasForeignKey(x => x.InstanceId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => new { x.InstanceId, x.Sequence }).IsUnique();

            // NULLs are distinct in unique indexes on both PostgreSQL and SQLite: only consumption
            // entries carry the bookmark id, and a second consumption of it cannot be stored.
            e.HasIndex(x => x.ConsumedBookmarkId).IsUnique();
        }
    }

    private sealed class OutboxConfiguration : IEntityTypeConfiguration<OutboxMessage>
    {
        public void Configure(EntityTypeBuilder<OutboxMessage> e)
        {
            e.ToTable(OutboxTable);
            e.HasKey(x => x.Id);
            e.Property(x => x.Kind).HasMaxLength(50);
            e.Property(x => x.IdempotencyKey).HasMaxLength(300);
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
            e.Property(x => x.LastError).HasMaxLength(4000);
            e.Property(x => x.CreatedAt).AsUtc();
            e.Property(x => x.NextAttemptAt).AsUtc();
            e.Property(x => x.SentAt).AsUtc();
            e.HasIndex(x => x.IdempotencyKey).IsUnique();
            e.HasIndex(x => new { x.Status, x.NextAttemptAt });
            // The e-mail lease and the notice fan-out take the oldest pending rows of a kind: with this index they stop after a
            // chunk instead of sorting every pending row on each lease, a cost that grows with the backlog (a notice to every
            // unit's contacts).
            e.HasIndex(x => new { x.Kind, x.Status, x.CreatedAt });
        }
    }
}
