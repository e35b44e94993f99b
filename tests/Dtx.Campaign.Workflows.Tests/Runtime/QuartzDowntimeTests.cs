using Dtx.Campaign.Workflows.Runtime;
using Dtx.Campaign.Workflows.Scheduling;
using Dtx.Campaign.Workflows.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dtx.Campaign.Workflows.Tests.Runtime;

/// <summary>The persistent store keeps a timer while no scheduler runs; the next start fires it once.</summary>
public sealed class QuartzDowntimeTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    [Fact]
    public async Task A_timer_due_while_every_node_was_down_fires_once_at_start_up()
    {
        await using (var connection = new Npgsql.NpgsqlConnection(database.ConnectionString))
        {
            await QuartzSchema.EnsureCreatedAsync(connection, QuartzDatabase.Postgres);
        }

        // Node A schedules the timer and goes down before it is due (never started here).
        var misfireThreshold = TimeSpan.FromSeconds(1);
        var a = await TestNode.StartAsync(database.ConnectionString, "dtx-downtime", "node-a", start: false, misfireThreshold: misfireThreshold);
        await QuartzTimerScheduler.AddResumeJobAsync(a.Scheduler);
        var dates = WorkflowHarness.CampaignDates();
        var due = DateTimeOffset.UtcNow.AddSeconds(1);
        dates["indexPublication.at"] = due;
        dates["selfAssessment.opensAt"] = DateTimeOffset.UtcNow.AddDays(30);
        Guid instanceId;
        await using (var scope = a.Services.CreateAsyncScope())
        {
            instanceId = (await scope.ServiceProvider.GetRequiredService<WorkflowRuntime>()
                .StartAsync(new StartWorkflow("annual-campaign", "downtime-campaign", dates, Version: 1))).Id;
        }

        await a.Scheduler.Shutdown(false);
        await a.Services.DisposeAsync();
        // Every node stays down until the timer is due and then missed by more than the threshold (Quartz reads the wall clock).
        var missed = due + misfireThreshold + TimeSpan.FromMilliseconds(500);
        if (missed > DateTimeOffset.UtcNow)
        {
            await Task.Delay(missed - DateTimeOffset.UtcNow);
        }

        // Node B starts later on the same tables.
        var b = await TestNode.StartAsync(database.ConnectionString, "dtx-downtime", "node-b", start: false, misfireThreshold: misfireThreshold);
        try
        {
            await b.Scheduler.Start();
            await Eventually.UntilAsync(async () =>
            {
                await using var scope = b.Services.CreateAsyncScope();
                return (await scope.ServiceProvider.GetRequiredService<WorkflowRuntime>().GetStateAsync(instanceId))!;
            }, s => s.Instance.CurrentStage == "index-publication", "the timer missed while every node was down to fire");
            await QuartzFirings.UntilNoneInFlightAsync(database.ConnectionString); // a duplicate firing lands before counting
            await using var db = database.NewContext();
            Assert.Equal(1, await db.Set<JournalEntry>().CountAsync(j => j.InstanceId == instanceId && j.Outcome == "transition"));
            Assert.Equal(1, b.Jobs.Runs);
        }
        finally
        {
            await b.Scheduler.Shutdown(true);
            await b.Services.DisposeAsync();
        }
    }
}
