using System.Diagnostics;
using Dtx.Campaign.Workflows.Runtime;
using Dtx.Campaign.Workflows.Scheduling;
using Dtx.Campaign.Workflows.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Dtx.Campaign.Workflows.Tests.Runtime;

/// <summary>
/// A server node in its own process is killed (SIGKILL) while timers are due and steps are in
/// flight; a surviving node recovers: every bookmark is resumed exactly once, checked in the database.
/// </summary>
public sealed class CrashTests(PostgresDatabase database, ITestOutputHelper output) : IClassFixture<PostgresDatabase>
{
    private const int Instances = 150;

    [Fact]
    public async Task A_node_killed_mid_flight_loses_nothing_and_repeats_nothing()
    {
        await using (var connection = new Npgsql.NpgsqlConnection(database.ConnectionString))
        {
            await QuartzSchema.EnsureCreatedAsync(connection, QuartzDatabase.Postgres);
        }

        var survivor = await TestNode.StartAsync(database.ConnectionString, "dtx-crash", "survivor", start: false);
        try
        {
            await QuartzTimerScheduler.AddResumeJobAsync(survivor.Scheduler);
            using var victim = StartVictim();
            await using var killOnFailure = new VictimGuard(victim);
            Assert.Equal("ready", await victim.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)));

            // Timers due shortly, scheduled through the (not yet started) survivor's store.
            var dueFrom = DateTimeOffset.UtcNow.AddSeconds(5);
            for (var i = 0; i < Instances; i++)
            {
                var dates = WorkflowHarness.CampaignDates();
                dates["indexPublication.at"] = dueFrom.AddMilliseconds(5 * i);
                dates["selfAssessment.opensAt"] = DateTimeOffset.UtcNow.AddDays(30);
                await using var scope = survivor.Services.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<WorkflowRuntime>()
                    .StartAsync(new StartWorkflow("annual-campaign", $"crash-{i}", dates, Version: 1));
            }

            // Kill the victim once it has done part of the work (its steps take 250 ms, 8 at a time).
            var movedAtKill = 0;
            var until = DateTime.UtcNow.AddSeconds(60);
            while (DateTime.UtcNow < until && movedAtKill < Instances / 5)
            {
                await Task.Delay(100);
                movedAtKill = await MovedAsync();
            }

            victim.Kill(entireProcessTree: true);
            await victim.WaitForExitAsync();
            movedAtKill = await MovedAsync();
            output.WriteLine($"moved when the victim was killed: {movedAtKill}/{Instances}");
            Assert.InRange(movedAtKill, 1, Instances - 1);

            await survivor.Scheduler.Start();
            var moved = 0;
            until = DateTime.UtcNow.AddSeconds(120);
            while (DateTime.UtcNow < until && moved < Instances)
            {
                await Task.Delay(500);
                moved = await MovedAsync();
            }

            Assert.Equal(Instances, moved);
            await QuartzFirings.UntilNoneInFlightAsync(database.ConnectionString); // recovered duplicate runs land before counting

            await using var db = database.NewContext();
            var transitions = await db.Set<JournalEntry>().Where(j => j.Outcome == "transition")
                .GroupBy(j => j.InstanceId).Select(g => g.Count()).ToListAsync();
            Assert.Equal(Instances, transitions.Count);
            Assert.All(transitions, count => Assert.Equal(1, count));
            Assert.Equal(Instances, await db.Set<OutboxMessage>().CountAsync());
            Assert.Equal(0, await db.Set<Bookmark>().CountAsync(b => b.Stage == "set-up" && b.ConsumedAt == null));
            output.WriteLine($"survivor job runs: {survivor.Jobs.Runs}; duplicates journaled: {await db.Set<JournalEntry>().CountAsync(j => j.Outcome == "duplicate")}");
        }
        finally
        {
            await survivor.Scheduler.Shutdown(true);
            await survivor.Services.DisposeAsync();
        }
    }

    /// <summary>Never leave the victim running when an assertion fails before the kill.</summary>
    private sealed class VictimGuard(Process victim) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            if (!victim.HasExited)
            {
                victim.Kill(entireProcessTree: true);
                await victim.WaitForExitAsync();
            }
        }
    }

    private async Task<int> MovedAsync()
    {
        await using var db = database.NewContext();
        return await db.Set<WorkflowInstance>().CountAsync(i => i.CurrentStage == "index-publication");
    }

    private Process StartVictim()
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        start.ArgumentList.Add("node");
        start.ArgumentList.Add(database.ConnectionString);
        start.ArgumentList.Add("victim");
        return Process.Start(start) ?? throw new InvalidOperationException("could not start the victim node");
    }
}
