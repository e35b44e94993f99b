using System.Data.Common;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Dtx.Campaign.Server.Tests.Locks;

/// <summary>
/// The advisory lock travels with the transaction's next query (one round trip, not two) and still serialises: a second
/// transaction on the same key waits, and then reads what the first committed — not the state from before its wait.
/// </summary>
public sealed class PostgresLockTests : IAsyncLifetime
{
    private readonly PostgresTestDatabase database = new();
    private readonly CommandCount commands = new();
    private const long Key = 0x5445_5354_0000_0001;

    public Task InitializeAsync() => database.CreateMigratedAsync();

    public async Task DisposeAsync() => await database.DisposeAsync();

    [Fact]
    public async Task A_query_after_the_lock_waits_for_the_holder_and_reads_what_it_committed_in_one_round_trip()
    {
        await using var first = Open();
        await using var holding = await first.Database.BeginTransactionAsync();
        var before = commands.Executed;
        await new PostgresAdvisoryLock().AcquireAsync(first, Key, CancellationToken.None);
        Assert.Equal(0, await first.DataProtectionKeys.CountAsync());
        Assert.Equal(1, commands.Executed - before); // the lock and the read: one command, one round trip
        first.DataProtectionKeys.Add(new DataProtectionKey { FriendlyName = "written under the lock", Xml = "<key/>" });
        await first.SaveChangesAsync();

        await ASecondReaderWaitsAndThenReadsTheCommitAsync(holding);
    }

    [Fact]
    public async Task A_save_after_the_lock_takes_it_first_so_that_a_reader_on_the_key_waits()
    {
        await using var first = Open();
        await using var holding = await first.Database.BeginTransactionAsync();
        await new PostgresAdvisoryLock().AcquireAsync(first, Key, CancellationToken.None);
        first.DataProtectionKeys.Add(new DataProtectionKey { FriendlyName = "saved without reading", Xml = "<key/>" });
        await first.SaveChangesAsync();

        await ASecondReaderWaitsAndThenReadsTheCommitAsync(holding);
    }

    /// <summary>
    /// A lock asked for in a transaction that is disposed before any command (a use case that threw) is not sent with the
    /// context's next transaction: a pooled context serves that one to another request, which must not hold a stranger's lock.
    /// </summary>
    [Fact]
    public async Task A_lock_left_by_an_abandoned_transaction_does_not_ride_on_the_next_one()
    {
        await using var context = Open();
        await using (await context.Database.BeginTransactionAsync())
            await new PostgresAdvisoryLock().AcquireAsync(context, Key, CancellationToken.None);

        await using var next = await context.Database.BeginTransactionAsync();
        Assert.Equal(0, await context.DataProtectionKeys.CountAsync());
        await using var observer = new NpgsqlConnection(database.ConnectionString);
        await observer.OpenAsync();
        await using var held = new NpgsqlCommand("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'", observer);
        Assert.Equal(0L, await held.ExecuteScalarAsync());
    }

    /// <summary>The same, when the context's next command runs outside any transaction (a read of another request).</summary>
    [Fact]
    public async Task A_lock_left_by_an_abandoned_transaction_is_not_sent_with_a_command_outside_one()
    {
        await using var context = Open();
        await using (await context.Database.BeginTransactionAsync())
            await new PostgresAdvisoryLock().AcquireAsync(context, Key, CancellationToken.None);

        Assert.Equal(0, await context.DataProtectionKeys.CountAsync());
        Assert.DoesNotContain("pg_advisory_xact_lock", commands.LastText, StringComparison.Ordinal);
        // And the lock is not kept for later either: a transaction's query after it goes alone.
        await using var next = await context.Database.BeginTransactionAsync();
        Assert.Equal(0, await context.DataProtectionKeys.CountAsync());
        Assert.DoesNotContain("pg_advisory_xact_lock", commands.LastText, StringComparison.Ordinal);
    }

    /// <summary>A reader on the same key waits while the first transaction holds it, then reads its one row.</summary>
    private async Task ASecondReaderWaitsAndThenReadsTheCommitAsync(IDbContextTransaction holding)
    {
        await using var second = Open();
        await using var waiting = await second.Database.BeginTransactionAsync();
        await new PostgresAdvisoryLock().AcquireAsync(second, Key, CancellationToken.None);
        var read = second.DataProtectionKeys.CountAsync();
        await WaitUntilBlockedOnAdvisoryLockAsync();
        Assert.False(read.IsCompleted);

        await holding.CommitAsync();
        Assert.Equal(1, await read);
    }

    private PostgresCampaignDbContext Open() =>
        new(new DbContextOptionsBuilder<PostgresCampaignDbContext>().UseNpgsql(database.ConnectionString)
            .AddInterceptors(PostgresLockInterceptor.Instance, commands).Options);

    /// <summary>Polls PostgreSQL until a backend of this database waits on an advisory lock (no fixed sleep).</summary>
    private async Task WaitUntilBlockedOnAdvisoryLockAsync()
    {
        await using var observer = new NpgsqlConnection(database.ConnectionString);
        await observer.OpenAsync();
        var name = new NpgsqlConnectionStringBuilder(database.ConnectionString).Database;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            await using var query = new NpgsqlCommand(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = @name AND wait_event_type = 'Lock' AND wait_event = 'advisory'", observer);
            query.Parameters.AddWithValue("name", name!);
            if ((long)(await query.ExecuteScalarAsync(timeout.Token))! > 0)
                return;
            await Task.Delay(20, timeout.Token);
        }
    }

    private sealed class CommandCount : DbCommandInterceptor
    {
        private int executed;

        public int Executed => Volatile.Read(ref executed);

        /// <summary>The text of the last query, as sent (this interceptor runs after the lock interceptor).</summary>
        public string LastText { get; private set; } = "";

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            LastText = command.CommandText;
            Interlocked.Increment(ref executed);
            return ValueTask.FromResult(result);
        }

        public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result,
            CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref executed);
            return ValueTask.FromResult(result);
        }
    }
}
