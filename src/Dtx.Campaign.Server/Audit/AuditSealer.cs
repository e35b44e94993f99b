using Dtx.Campaign.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Audit;

/// <summary>
/// Chains committed audit entries: gives each unsealed entry, in the order of its row number, the next
/// place in the chain, the previous entry's hash and its own. One sealer at a time (a PostgreSQL advisory
/// lock across nodes, a semaphore within the process), so the chain never forks; on PostgreSQL the writers
/// of entries never wait for it. On SQLite, which has one writer at a time anyway, the trail chains its
/// entries inside their own transaction (<see cref="ChainPendingAsync"/>).
/// </summary>
/// <remarks>
/// The price of not chaining inside each transaction: an entry is unprotected from its commit until it is
/// sealed, normally well under a second (the trail nudges the sealer; it also runs every second).
/// An entry whose transaction commits after later ones were sealed is sealed in the next round, so chain
/// order is the order of sealing, not of row numbers.
/// </remarks>
internal sealed class AuditSealer(CampaignDbContext db, AuditSealingSignal signal, Workflows.Storage.ITransactionLock locks)
{
    // Any fixed number: the key of the advisory lock that lets one sealer at a time extend the chain.
    internal const long SealLockKey = 0x647478_61756474;
    private const int BatchSize = 1000;

    /// <summary>Seals every entry committed so far; returns how many it sealed.</summary>
    public async Task<int> SealPendingAsync(CancellationToken ct)
    {
        await signal.OneSealer.WaitAsync(ct);
        try
        {
            var total = 0;
            int sealedNow;
            do
            {
                sealedNow = await SealBatchAsync(ct);
                total += sealedNow;
            }
            while (sealedNow == BatchSize);
            return total;
        }
        finally
        {
            signal.OneSealer.Release();
        }
    }

    private async Task<int> SealBatchAsync(CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await locks.AcquireAsync(db, SealLockKey, ct);
        var chained = await ChainPendingAsync(ct);
        await transaction.CommitAsync(ct);
        foreach (var entry in chained)
            db.Entry(entry).State = EntityState.Detached;
        return chained.Count;
    }

    /// <summary>
    /// Chains up to <paramref name="limit"/> unsealed entries in the current transaction, which must keep
    /// other sealers out (the advisory lock; on SQLite the write lock every transaction takes).
    /// </summary>
    public async Task<List<AuditEntry>> ChainPendingAsync(CancellationToken ct, int limit = BatchSize)
    {
        var pending = await db.Set<AuditEntry>().Where(e => e.Seq == null).OrderBy(e => e.Id).Take(limit).ToListAsync(ct);
        if (pending.Count == 0)
            return pending;
        var last = await db.Set<AuditEntry>().AsNoTracking().Where(e => e.Seq != null).OrderByDescending(e => e.Seq)
            .Select(e => new { e.Seq, e.Hash }).FirstOrDefaultAsync(ct);
        var (seq, previous) = last is null ? (0L, AuditTrail.Genesis) : (last.Seq!.Value, last.Hash!);
        foreach (var entry in pending)
        {
            entry.Seq = ++seq;
            entry.PreviousHash = previous;
            entry.Hash = previous = AuditTrail.HashOf(entry, seq, entry.PreviousHash);
        }
        await db.SaveChangesAsync(ct);
        return pending;
    }

    /// <summary>Asks the sealing service for a round soon (it also runs every second).</summary>
    public void Nudge() => signal.Nudge();
}

/// <summary>Wakes the sealing service when entries were written, and keeps one sealer per process.</summary>
internal sealed class AuditSealingSignal
{
    private readonly SemaphoreSlim wake = new(0, 1);

    public SemaphoreSlim OneSealer { get; } = new(1, 1);

    public void Nudge()
    {
        // At most one pending wake-up: a burst of entries is sealed in one round.
        if (wake.CurrentCount == 0)
        {
            try { wake.Release(); } catch (SemaphoreFullException) { }
        }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => wake.WaitAsync(timeout, ct);
}

/// <summary>
/// Seals audit entries shortly after they are written, and every second in case a nudge came before the
/// commit. PostgreSQL only: on SQLite the trail chains entries in their own transaction.
/// </summary>
internal sealed partial class AuditSealingService(IServiceScopeFactory scopes, AuditSealingSignal signal, ILogger<AuditSealingService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await using (var scope = scopes.CreateAsyncScope())
        {
            if (!scope.ServiceProvider.GetRequiredService<CampaignDbContext>().Database.IsNpgsql())
                return;
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await signal.WaitAsync(TimeSpan.FromSeconds(1), stoppingToken);
                // Let the transaction that nudged commit, and gather the entries of a busy moment into one round.
                await Task.Delay(TimeSpan.FromMilliseconds(50), stoppingToken);
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<AuditSealer>().SealPendingAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogRoundFailed(logger, e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Sealing audit entries into the chain failed; the next round retries")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);
}
