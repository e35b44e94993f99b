using Dtx.Campaign.Workflows.Storage;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Data;

/// <summary>PostgreSQL: a transaction-scoped advisory lock on the key, held across every node of a cluster.</summary>
internal sealed class PostgresAdvisoryLock : ITransactionLock
{
    public async Task AcquireAsync(DbContext db, long key, CancellationToken cancellationToken) =>
        await db.Database.ExecuteSqlInterpolatedAsync($"SELECT pg_advisory_xact_lock({key})", cancellationToken);
}

/// <summary>
/// SQLite has one writer at a time: a write (here of no row) takes the database write lock before anything is
/// read, which serialises every locked transaction whatever its key, and spares a reader the failed upgrade
/// to a writer (SQLITE_BUSY) it would meet if another transaction wrote after it first read.
/// </summary>
internal sealed class SqliteWriteLock : ITransactionLock
{
    public async Task AcquireAsync(DbContext db, long key, CancellationToken cancellationToken) =>
        await db.Database.ExecuteSqlRawAsync($"UPDATE {WorkflowModel.InstancesTable} SET \"Version\" = \"Version\" WHERE \"Id\" = ''", cancellationToken);
}
