using Dtx.Campaign.Workflows.Runtime;
using Dtx.Campaign.Workflows.Scheduling;
using Dtx.Campaign.Workflows.Storage;
using Dtx.Campaign.Workflows.Tests.Runtime;

namespace Dtx.Campaign.Workflows.Tests.Trust;

public sealed class SqliteTimerRaceTests(SqliteDatabase database) : TimerRaceTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresTimerRaceTests(PostgresDatabase database) : TimerRaceTests(database), IClassFixture<PostgresDatabase>;

/// <summary>Issue 22, cases 1 and 2: the reconciler racing an extension or a new timer, on the real Quartz store.</summary>
public abstract class TimerRaceTests(ITestDatabase database)
{
    private static DateTimeOffset Local(int month, int day, int hour) => WorkflowHarness.Local(month, day, hour);

    [Fact]
    public async Task Case1_an_extension_saved_during_a_reconcile_is_not_undone_and_the_old_trigger_cannot_close_early()
    {
        var (quartz, timers) = await QuartzStore.CreateAsync(database);
        try
        {
            var h = new WorkflowHarness(database, timers: timers);
            var instance = await h.StartAnnualAsync();
            Assert.Equal(ResumeResult.Resumed, await h.FireNextAsync(instance.Id, Local(3, 2, 8)));
            Assert.Equal(ResumeResult.Resumed, await h.FireNextAsync(instance.Id, Local(3, 9, 8)));
            var close = (await h.StateAsync(instance.Id)).Pending.Single(b => b is { Kind: BookmarkKind.Timer, Name: "selfAssessment.closesAt" });
            Assert.Equal(Local(4, 30, 17).UtcDateTime, await QuartzStore.TriggerTimeAsync(quartz, close.Id));

            // The deadline is extended to 10 May just after the reconciler has read the bookmarks.
            var extended = new AfterFirstBookmarkRead(() => h.WithRuntime(r => r.ChangeDateAsync(
                instance.Id, "selfAssessment.closesAt", Local(5, 10, 17), WorkflowActor.User("admin@so-tttt", "campaign-admin"))));
            await using (var db = QuartzStore.NewContext(database, extended))
            {
                await TimerReconciler.ReconcileAsync(db, timers, h.Time);
            }

            Assert.Equal(Local(5, 10, 17).UtcDateTime, (await h.StateAsync(instance.Id)).Pending.Single(b => b.Id == close.Id).DueUtc);
            Assert.Equal(Local(5, 10, 17).UtcDateTime, await QuartzStore.TriggerTimeAsync(quartz, close.Id));

            // A stale trigger firing at the old time (3 May) does nothing but put itself back at the bookmark's time.
            h.Time.SetUtcNow(Local(5, 3, 17));
            Assert.Equal(ResumeResult.NotDue, await h.ResumeAsync(close.Id, WorkflowActor.Timer));
            var state = await h.StateAsync(instance.Id);
            Assert.Equal("self-assessment", state.Instance.CurrentStage);
            Assert.Contains(state.Pending, b => b.Id == close.Id);
            Assert.Contains(state.Journal, j => j.Outcome == "early" && j.Detail!.Contains("2026-05-10T10:00:00", StringComparison.Ordinal));
            Assert.Equal(Local(5, 10, 17).UtcDateTime, await QuartzStore.TriggerTimeAsync(quartz, close.Id));

            // At its own time it closes the stage.
            h.Time.SetUtcNow(Local(5, 10, 17));
            Assert.Equal(ResumeResult.Resumed, await h.ResumeAsync(close.Id, WorkflowActor.Timer));
            Assert.Equal("council-verification", (await h.StateAsync(instance.Id)).Instance.CurrentStage);
        }
        finally
        {
            await quartz.Shutdown(false);
        }
    }

    [Fact]
    public async Task Case2_a_trigger_created_during_a_reconcile_is_not_deleted_as_an_orphan()
    {
        var (quartz, timers) = await QuartzStore.CreateAsync(database);
        try
        {
            var h = new WorkflowHarness(database, timers: timers);
            WorkflowInstance? started = null;
            var startDuringReconcile = new AfterFirstBookmarkRead(async () => started = await h.StartAnnualAsync());
            ReconcileReport report;
            await using (var db = QuartzStore.NewContext(database, startDuringReconcile))
            {
                report = await TimerReconciler.ReconcileAsync(db, timers, h.Time);
            }

            Assert.NotNull(started);
            var timer = (await h.StateAsync(started.Id)).Pending.Single(b => b.Kind == BookmarkKind.Timer);
            Assert.Equal(Local(3, 2, 8).UtcDateTime, await QuartzStore.TriggerTimeAsync(quartz, timer.Id));
            Assert.Equal(0, report.OrphansRemoved);

            // A real orphan (no bookmark at all) still goes.
            var orphan = Guid.NewGuid();
            await timers.ScheduleAsync(orphan, h.Time.GetUtcNow().UtcDateTime.AddDays(1));
            await using (var db = database.NewContext())
            {
                report = await TimerReconciler.ReconcileAsync(db, timers, h.Time);
            }

            Assert.Equal(1, report.OrphansRemoved);
            Assert.Null(await QuartzStore.TriggerTimeAsync(quartz, orphan));
            Assert.NotNull(await QuartzStore.TriggerTimeAsync(quartz, timer.Id));
        }
        finally
        {
            await quartz.Shutdown(false);
        }
    }
}
