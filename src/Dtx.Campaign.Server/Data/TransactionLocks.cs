using System.Data.Common;
using System.Runtime.CompilerServices;
using Dtx.Campaign.Workflows.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Dtx.Campaign.Server.Data;

/// <summary>
/// PostgreSQL: a transaction-scoped advisory lock on the key, held across every node of a cluster. It is sent with the
/// transaction's next query, in the same round trip (<see cref="PostgresLockInterceptor"/>): a save on the deadline day
/// then waits for one round trip less. A context without the interceptor takes the lock on its own, at once.
/// </summary>
internal sealed class PostgresAdvisoryLock : ITransactionLock
{
    public async Task AcquireAsync(DbContext db, long key, CancellationToken cancellationToken)
    {
        if (db.Database.CurrentTransaction is not null && PostgresLockInterceptor.Defer(db, key))
            return;
        await db.Database.ExecuteSqlRawAsync(PostgresLockInterceptor.LockSql(key), cancellationToken);
    }
}

/// <summary>
/// Sends the advisory locks a transaction asked for ahead of its next command. A query gets them as statements of its own
/// round trip, before it: PostgreSQL runs them in order, and each statement of a read-committed transaction reads what was
/// committed when that statement starts, so the query reads only after the locks are held, as if they had been sent alone.
/// Their (empty) results are skipped before EF Core reads the query's. Any other command (a save, a bulk update) gets them
/// sent alone just before it.
/// </summary>
internal sealed class PostgresLockInterceptor : DbCommandInterceptor, IDbTransactionInterceptor
{
    public static readonly PostgresLockInterceptor Instance = new();

    // Keyed by context, not by transaction: Npgsql reuses one transaction object per physical connection, so locks keyed by
    // it would outlive their transaction into the next one on that connection, whichever context it serves.
    private static readonly ConditionalWeakTable<DbContext, List<long>> Pending = new();
    private static readonly ConditionalWeakTable<DbCommand, StrongBox<int>> Prefixed = new();

    public static string LockSql(long key) => $"SELECT pg_advisory_xact_lock({key})";

    /// <summary>Records the lock for the context's next command; false when the context does not send it (no interceptor).</summary>
    public static bool Defer(DbContext db, long key)
    {
        var interceptors = db.GetService<IDbContextOptions>().FindExtension<CoreOptionsExtension>()?.Interceptors;
        if (interceptors is null || !interceptors.Contains(Instance))
            return false;
        Pending.GetOrCreateValue(db).Add(key);
        return true;
    }

    /// <summary>
    /// The locks to send with <paramref name="command"/>, taken off the context. A command outside any transaction gets
    /// none and drops them: they were asked for by a transaction that has ended (one disposed before its next command).
    /// </summary>
    private static List<long>? Take(DbContext? db, DbCommand? command = null)
    {
        if (db is null || !Pending.TryGetValue(db, out var keys) || keys.Count == 0)
            return null;
        var taken = keys.ToList();
        keys.Clear();
        return command is { Transaction: null } ? null : taken;
    }

    private static bool IsQuery(CommandEventData data) => data.CommandSource is CommandSource.LinqQuery or CommandSource.FromSqlQuery;

    /// <summary>How many lock results precede the query's; forgotten once read, as Npgsql reuses command objects.</summary>
    private static int Skip(DbCommand command)
    {
        if (!Prefixed.TryGetValue(command, out var locks))
            return 0;
        Prefixed.Remove(command);
        return locks.Value;
    }

    private static void Prefix(DbCommand command, List<long> keys)
    {
        command.CommandText = string.Concat(keys.Select(k => LockSql(k) + ";\n")) + command.CommandText;
        Prefixed.AddOrUpdate(command, new StrongBox<int>(keys.Count));
    }

    /// <summary>Sends the pending locks as a command of their own, before a command that is not a query.</summary>
    private static void SendAlone(DbCommand command, CommandEventData data)
    {
        if (Take(data.Context, command) is not { } keys)
            return;
        using var alone = Alone(command, keys);
        alone.ExecuteNonQuery();
    }

    private static async Task SendAloneAsync(DbCommand command, CommandEventData data, CancellationToken cancellationToken)
    {
        if (Take(data.Context, command) is not { } keys)
            return;
        await using var alone = Alone(command, keys);
        await alone.ExecuteNonQueryAsync(cancellationToken);
    }

    private static DbCommand Alone(DbCommand command, List<long> keys)
    {
        var alone = command.Connection!.CreateCommand();
        alone.Transaction = command.Transaction;
        alone.CommandText = string.Join(";\n", keys.Select(LockSql));
        return alone;
    }

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        if (!IsQuery(eventData))
            SendAlone(command, eventData);
        else if (Take(eventData.Context, command) is { } keys)
            Prefix(command, keys);
        return result;
    }

    public override async ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        if (!IsQuery(eventData))
            await SendAloneAsync(command, eventData, cancellationToken);
        else if (Take(eventData.Context, command) is { } keys)
            Prefix(command, keys);
        return result;
    }

    public override DbDataReader ReaderExecuted(DbCommand command, CommandExecutedEventData eventData, DbDataReader result)
    {
        for (var i = Skip(command); i > 0; i--)
            result.NextResult();
        return result;
    }

    public override async ValueTask<DbDataReader> ReaderExecutedAsync(DbCommand command, CommandExecutedEventData eventData, DbDataReader result,
        CancellationToken cancellationToken = default)
    {
        for (var i = Skip(command); i > 0; i--)
            await result.NextResultAsync(cancellationToken);
        return result;
    }

    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData) => Skip(command);

    // A cancelled command is not a failed one to EF Core: without this, a reused command object would skip results later.
    public override void CommandCanceled(DbCommand command, CommandEndEventData eventData) => Skip(command);

    public override Task CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Skip(command);
        return Task.CompletedTask;
    }

    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Skip(command);
        return Task.CompletedTask;
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        SendAlone(command, eventData);
        return result;
    }

    public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        await SendAloneAsync(command, eventData, cancellationToken);
        return result;
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        SendAlone(command, eventData);
        return result;
    }

    public override async ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result,
        CancellationToken cancellationToken = default)
    {
        await SendAloneAsync(command, eventData, cancellationToken);
        return result;
    }

    // Locks are asked for inside a transaction and go with its next command: a new transaction starts with none. Locks
    // left by one disposed without a commit or rollback event (a use case that threw before its next command) would
    // otherwise ride on the next transaction of the same context, which a pooled context serves to another request.
    public DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        Take(eventData.Context);
        return result;
    }

    public ValueTask<DbTransaction> TransactionStartedAsync(DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
    {
        Take(eventData.Context);
        return ValueTask.FromResult(result);
    }

    // A transaction that ends without another command read or wrote nothing under the lock: nothing to send.
    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Take(eventData.Context);

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Take(eventData.Context);
        return Task.CompletedTask;
    }

    public void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => Take(eventData.Context);

    public Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Take(eventData.Context);
        return Task.CompletedTask;
    }
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
