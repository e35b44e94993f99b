using Dtx.Campaign.Server.Audit;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Dtx.Campaign.Server.Tests.Audit;

/// <summary>
/// A database whose audit log was chained inside each transaction (the first schema) keeps a verifiable
/// chain after the migration to sealing after commit, and new entries continue it.
/// </summary>
public abstract class AuditChainMigrationTests(ITestDatabase database) : IAsyncLifetime
{
    protected abstract string FirstMigration { get; }

    protected abstract CampaignDbContext Open(string connectionString);

    protected abstract Dtx.Campaign.Workflows.Storage.ITransactionLock Lock { get; }

    /// <summary>How the provider stores a time (SQLite: UTC ticks), for writing rows by hand.</summary>
    protected abstract object Stored(DateTimeOffset at);

    public Task InitializeAsync() => database.CreateAsync();

    public async Task DisposeAsync() => await database.DisposeAsync();

    [Fact]
    public async Task Entries_chained_by_the_first_schema_still_verify_and_new_entries_continue_the_chain()
    {
        await using (var db = Open(database.ConnectionString))
        {
            await db.GetService<IMigrator>().MigrateAsync(FirstMigration);
            // Three entries as the first schema wrote them: the row number was the place in the chain.
            var previous = AuditTrail.Genesis;
            for (var id = 1L; id <= 3; id++)
            {
                var entry = new AuditEntry { Id = id, At = new DateTimeOffset(2025, 9, 30, 1, 0, 0, TimeSpan.Zero).AddMinutes(id), Actor = "cli", Action = $"old.{id}", Detail = "trước khi nâng cấp" };
                var hash = AuditTrail.HashOf(entry, id, previous);
                await db.Database.ExecuteSqlInterpolatedAsync(
                    $"INSERT INTO audit_entries (\"Id\", \"At\", \"Actor\", \"Action\", \"Detail\", \"PreviousHash\", \"Hash\") VALUES ({id}, {Stored(entry.At)}, {entry.Actor}, {entry.Action}, {entry.Detail}, {previous}, {hash})");
                previous = hash;
            }
            await db.Database.MigrateAsync();
        }

        await using (var db = Open(database.ConnectionString))
        {
            db.Add(new AuditEntry { At = new DateTimeOffset(2025, 10, 1, 1, 0, 0, TimeSpan.Zero), Actor = "cli", Action = "new.1" });
            await db.SaveChangesAsync();
            // The verifier never seals: the sealer chains the new entry first, as the server would.
            await new AuditSealer(db, new AuditSealingSignal(), Lock).SealPendingAsync(CancellationToken.None);
            var options = Microsoft.Extensions.Options.Options.Create(new AuditOptions { AnchorFile = null });
            var anchors = new AuditAnchors(db, TimeProvider.System, options, Microsoft.Extensions.Options.Options.Create(new StorageOptions()),
                new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { ContentRootPath = Path.GetTempPath() });
            var report = await new AuditVerifier(db, TimeProvider.System, options, anchors).VerifyAsync(CancellationToken.None);
            Assert.True(report.Intact, report.Message);
            Assert.Equal(4, report.Entries);
            var newest = await db.AuditEntries.SingleAsync(e => e.Action == "new.1");
            Assert.Equal((4L, 4L), (newest.Id, newest.Seq!.Value));
        }
    }
}

public sealed class AuditChainMigrationTests_Postgres() : AuditChainMigrationTests(new PostgresTestDatabase())
{
    protected override string FirstMigration => "20261123035658_Initial";

    protected override object Stored(DateTimeOffset at) => at;

    protected override Dtx.Campaign.Workflows.Storage.ITransactionLock Lock { get; } = new PostgresAdvisoryLock();

    protected override CampaignDbContext Open(string connectionString) =>
        new PostgresCampaignDbContext(new DbContextOptionsBuilder<PostgresCampaignDbContext>().UseNpgsql(connectionString).Options);
}

public sealed class AuditChainMigrationTests_Sqlite() : AuditChainMigrationTests(new SqliteTestDatabase())
{
    protected override string FirstMigration => "20261123035638_Initial";

    protected override object Stored(DateTimeOffset at) => at.UtcTicks;

    protected override Dtx.Campaign.Workflows.Storage.ITransactionLock Lock { get; } = new SqliteWriteLock();

    protected override CampaignDbContext Open(string connectionString) =>
        new SqliteCampaignDbContext(new DbContextOptionsBuilder<SqliteCampaignDbContext>().UseSqlite(connectionString).Options);
}
