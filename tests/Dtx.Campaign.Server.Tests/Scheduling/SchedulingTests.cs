using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Quartz;

namespace Dtx.Campaign.Server.Tests.Scheduling;

public abstract class SchedulingTests(CampaignApp app)
{
    [Fact]
    public async Task Quartz_runs_on_the_persistent_store_in_the_campaign_database_clustered_on_PostgreSQL()
    {
        var scheduler = await app.Services.GetRequiredService<ISchedulerFactory>().GetScheduler();
        // The hosted service starts the scheduler alongside the host; give it up to a minute on a busy machine.
        var meta = await scheduler.GetMetadata();
        for (var i = 0; i < 600 && meta.RunningSince is null; i++)
        {
            await Task.Delay(100);
            meta = await scheduler.GetMetadata();
        }

        Assert.NotNull(meta.RunningSince);
        Assert.Equal("dtx-campaign", meta.SchedulerName);
        Assert.True(meta.JobStorePersistent);
        Assert.Equal(app.Provider == "Postgres", meta.JobStoreClustered);

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CampaignDbContext>();
        var table = app.Provider == "Postgres"
            ? await db.Database.SqlQueryRaw<string>("SELECT table_name AS \"Value\" FROM information_schema.tables WHERE table_name = 'qrtz_triggers'").ToListAsync()
            : await db.Database.SqlQueryRaw<string>("SELECT name AS \"Value\" FROM sqlite_master WHERE type = 'table' AND lower(name) = 'qrtz_triggers'").ToListAsync();
        Assert.Single(table);
    }
}

public sealed class SchedulingTests_Postgres(PostgresSchedulerApp app) : SchedulingTests(app), IClassFixture<PostgresSchedulerApp>;

public sealed class SchedulingTests_Sqlite(SqliteSchedulerApp app) : SchedulingTests(app), IClassFixture<SqliteSchedulerApp>;
