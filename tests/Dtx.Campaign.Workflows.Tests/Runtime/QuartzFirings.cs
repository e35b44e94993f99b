using Dtx.Campaign.Workflows.Scheduling;

namespace Dtx.Campaign.Workflows.Tests.Runtime;

/// <summary>What the clustered Quartz store says about the triggers being fired, on every node at once.</summary>
internal static class QuartzFirings
{
    /// <summary>
    /// Waits until no trigger is acquired or executing anywhere in the cluster. Quartz keeps a fired-trigger row from
    /// the moment a node acquires a trigger until its job has finished, and a dead node's rows until a survivor has
    /// recovered them (and re-fired what requests recovery): once there is none, every run, a duplicate or a
    /// recovered one included, has landed. Counting after that replaces a fixed sleep that a busy machine could outlast.
    /// </summary>
    public static Task UntilNoneInFlightAsync(string connectionString) =>
        Eventually.UntilAsync(async () =>
        {
            await using var connection = new Npgsql.NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new Npgsql.NpgsqlCommand($"SELECT count(*) FROM {QuartzSchema.DefaultTablePrefix}fired_triggers", connection);
            return (long)(await command.ExecuteScalarAsync())!;
        }, inFlight => inFlight == 0, "every acquired trigger to finish or be recovered");
}
