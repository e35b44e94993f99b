using System.Data.Common;
using Dtx.Campaign.Workflows.Runtime;
using Dtx.Campaign.Workflows.Scheduling;
using Dtx.Campaign.Workflows.Storage;
using Dtx.Campaign.Workflows.Tests.Runtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Quartz;

namespace Dtx.Campaign.Workflows.Tests.Trust;

/// <summary>Runs <paramref name="action"/> once, right after the first query of the bookmark table has read its rows.</summary>
internal sealed class AfterFirstBookmarkRead(Func<Task> action) : DbCommandInterceptor
{
    private int _done;

    public override async ValueTask<DbDataReader> ReaderExecutedAsync(
        DbCommand command, CommandExecutedEventData eventData, DbDataReader result, CancellationToken cancellationToken = default)
    {
        if (command.CommandText.Contains("wf_bookmarks", StringComparison.Ordinal) && Interlocked.Exchange(ref _done, 1) == 0)
        {
            await action();
        }

        return result;
    }
}

/// <summary>The real Quartz ADO job store in the test database, not started: triggers are stored and read back, never fired by Quartz.</summary>
internal static class QuartzStore
{
    public static async Task<(IScheduler Scheduler, QuartzTimerScheduler Timers)> CreateAsync(ITestDatabase database)
    {
        var postgres = database.Provider == "postgres";
        await using (DbConnection connection = postgres
            ? new Npgsql.NpgsqlConnection(database.ConnectionString)
            : new Microsoft.Data.Sqlite.SqliteConnection(database.ConnectionString))
        {
            await QuartzSchema.EnsureCreatedAsync(connection, postgres ? QuartzDatabase.Postgres : QuartzDatabase.Sqlite);
        }

        var scheduler = await QuartzSchedulerBuilder.Create(q =>
        {
            q.ConfigureScheduler(o => o.InstanceName = "dtx-trust-" + Guid.NewGuid().ToString("N"));
            q.UsePersistentStore(s => s.UseDataSource(d =>
            {
                d.Provider = postgres ? "Npgsql" : "SQLite-Microsoft";
                d.ConnectionString = database.ConnectionString;
            }));
        }).BuildScheduler();
        await QuartzTimerScheduler.AddResumeJobAsync(scheduler);
        return (scheduler, new QuartzTimerScheduler(scheduler));
    }

    public static async Task<DateTime?> TriggerTimeAsync(IScheduler scheduler, Guid bookmarkId) =>
        (await scheduler.GetTrigger(new TriggerKey(bookmarkId.ToString(), QuartzTimerScheduler.TriggerGroup)))?.StartTimeUtc.UtcDateTime;

    public static TestDbContext NewContext(ITestDatabase database, params IInterceptor[] interceptors)
    {
        var options = new DbContextOptionsBuilder<TestDbContext>();
        if (database.Provider == "postgres")
        {
            options.UseNpgsql(database.ConnectionString);
        }
        else
        {
            options.UseSqlite(database.ConnectionString);
        }

        return new TestDbContext(options.AddInterceptors(interceptors).Options);
    }
}

internal static class HarnessSteps
{
    /// <summary>Sets the clock to <paramref name="at"/> and fires the instance's earliest pending timer there, as a trigger would.</summary>
    public static async Task<ResumeResult> FireNextAsync(this WorkflowHarness h, Guid instanceId, DateTimeOffset at)
    {
        h.Time.SetUtcNow(at);
        var timer = (await h.StateAsync(instanceId)).Pending.Where(b => b.Kind == BookmarkKind.Timer).OrderBy(b => b.DueUtc).First();
        return await h.ResumeAsync(timer.Id, WorkflowActor.Timer);
    }
}
