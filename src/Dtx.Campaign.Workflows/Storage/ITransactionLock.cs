using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Workflows.Storage;

/// <summary>
/// Serialises work on one key until the current transaction of <c>db</c> ends. The host provides the one
/// that fits its database (e.g. a PostgreSQL advisory lock, held across a cluster; SQLite's write lock), so
/// the runtime writes no provider-specific SQL. Call it inside a transaction: outside one it holds nothing.
/// </summary>
public interface ITransactionLock
{
    Task AcquireAsync(DbContext db, long key, CancellationToken cancellationToken);
}
