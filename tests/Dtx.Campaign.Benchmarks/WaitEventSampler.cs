using Npgsql;

namespace Dtx.Campaign.Benchmarks;

/// <summary>
/// A poor man's profile of the database side: samples what every backend of one database is doing
/// (<c>pg_stat_activity</c>) every few milliseconds and counts the states and wait events seen. A backend
/// waiting on an <c>advisory</c> lock is waiting for another transaction's lock; <c>WALSync</c>/<c>WALWrite</c>
/// is the commit's flush to disk; <c>ClientRead</c> while idle in a transaction is time spent in the
/// application between two statements.
/// </summary>
internal sealed class WaitEventSampler : IAsyncDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly Dictionary<string, int> counts = [];
    private readonly Task loop;
    private int samples;

    private WaitEventSampler(string connectionString, string database) => loop = Task.Run(() => SampleAsync(connectionString, database));

    public static WaitEventSampler Start(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return new WaitEventSampler(new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString, builder.Database!);
    }

    private async Task SampleAsync(string connectionString, string database)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT state || coalesce(' / ' || wait_event_type || ':' || wait_event, ''), count(*)::int
            FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid() AND state <> 'idle'
            GROUP BY 1
            """, connection);
        command.Parameters.AddWithValue(database);
        while (!stop.IsCancellationRequested)
        {
            await using (var reader = await command.ExecuteReaderAsync())
                while (await reader.ReadAsync())
                    counts[reader.GetString(0)] = counts.GetValueOrDefault(reader.GetString(0)) + reader.GetInt32(1);
            samples++;
            try { await Task.Delay(5, stop.Token); } catch (OperationCanceledException) { }
        }
    }

    /// <summary>Stops and returns each state with the average number of backends in it per sample, busiest first.</summary>
    public async Task<IReadOnlyList<(string State, double Backends)>> StopAsync()
    {
        await stop.CancelAsync();
        await loop;
        return counts.OrderByDescending(c => c.Value).Select(c => (c.Key, c.Value / (double)Math.Max(1, samples))).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        if (!stop.IsCancellationRequested)
            await StopAsync();
        stop.Dispose();
    }
}
