using Dtx.Campaign.Workflows.Runtime;
using Dtx.Campaign.Workflows.Storage;
using Dtx.Campaign.Workflows.Tests.Runtime;

namespace Dtx.Campaign.Workflows.Tests.Trust;

public sealed class SqliteIncidentTests(SqliteDatabase database) : IncidentTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresIncidentTests(PostgresDatabase database) : IncidentTests(database), IClassFixture<PostgresDatabase>;

/// <summary>Issue 22, case 3: a step failing in the database (a unique key at commit) leaves a trace, never silence.</summary>
public abstract class IncidentTests(ITestDatabase database)
{
    private static readonly WorkflowActor Chair = WorkflowActor.User("chair@hoi-dong", "council-chair");
    private readonly WorkflowHarness _h = new(database);

    private async Task ClashWithAsync(string key)
    {
        await using var db = database.NewContext();
        db.Add(new OutboxMessage { Id = Guid.NewGuid(), Kind = "test", IdempotencyKey = key, PayloadJson = "{}", CreatedAt = DateTime.UtcNow });
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task Case3_a_timer_step_failing_with_a_unique_key_is_an_incident_the_instance_is_faulted_and_retries_back_off_to_an_hour()
    {
        var key = "clash-" + Guid.NewGuid().ToString("N");
        await ClashWithAsync(key);
        var instance = await _h.StartAnnualAsync();
        var timer = (await _h.StateAsync(instance.Id)).Pending.Single(b => b.Kind == BookmarkKind.Timer);
        _h.PublishIndex.ClashingOutboxKey = key;
        _h.Time.SetUtcNow(WorkflowHarness.Local(3, 2, 8));

        // Eight failures in a row: 1, 2, 4, 8, 16, 32 minutes, then capped at one hour.
        var delays = new List<TimeSpan>();
        for (var i = 0; i < 8; i++)
        {
            Assert.Equal(ResumeResult.Faulted, await _h.ResumeAsync(timer.Id, WorkflowActor.Timer));
            var retry = _h.Scheduler.Triggers[timer.Id];
            delays.Add(retry - _h.Time.GetUtcNow().UtcDateTime);
            _h.Time.SetUtcNow(new DateTimeOffset(retry));
        }

        Assert.Equal([1, 2, 4, 8, 16, 32, 60, 60], delays.Select(d => d.TotalMinutes));
        var state = await _h.StateAsync(instance.Id);
        Assert.Equal(WorkflowStatus.Faulted, state.Instance.Status);
        Assert.Equal("set-up", state.Instance.CurrentStage);
        Assert.Equal(8, state.Instance.IncidentCount);
        Assert.Contains("publish-index", state.Instance.Incident, StringComparison.Ordinal);
        Assert.Contains("DbUpdateException", state.Instance.Incident, StringComparison.Ordinal);
        var faulted = state.Journal.Where(j => j.Outcome == "faulted").ToList();
        Assert.Equal(8, faulted.Count);
        Assert.All(faulted, j => Assert.Contains("retry at", j.Detail, StringComparison.Ordinal));
        Assert.DoesNotContain(state.Journal, j => j.Outcome is "timer-fired" or "transition");

        // Repaired: the next retry runs the step, the instance runs again, the incident is cleared.
        _h.PublishIndex.ClashingOutboxKey = null;
        Assert.Equal(ResumeResult.Resumed, await _h.ResumeAsync(timer.Id, WorkflowActor.Timer));
        state = await _h.StateAsync(instance.Id);
        Assert.Equal(WorkflowStatus.Running, state.Instance.Status);
        Assert.Equal("index-publication", state.Instance.CurrentStage);
        Assert.Null(state.Instance.Incident);
    }

    [Fact]
    public async Task Case3_an_approval_failing_in_the_database_answers_Faulted_with_an_incident_instead_of_throwing()
    {
        var key = "clash-" + Guid.NewGuid().ToString("N");
        await ClashWithAsync(key);
        var instance = await _h.StartAnnualAsync();
        await _h.AdvanceAsync(WorkflowHarness.Local(4, 30, 17));
        Assert.Equal("council-verification", (await _h.StateAsync(instance.Id)).Instance.CurrentStage);

        _h.ComputeResults.ClashingOutboxKey = key;
        Assert.Equal(ResumeResult.Faulted, await _h.ApproveAsync(instance.Id, "council-verification", Chair));

        var state = await _h.StateAsync(instance.Id);
        Assert.Equal(WorkflowStatus.Faulted, state.Instance.Status);
        Assert.Equal("council-verification", state.Instance.CurrentStage);
        Assert.Contains("compute-results", state.Instance.Incident, StringComparison.Ordinal);
        Assert.Contains("commit after", Assert.Single(state.Journal, j => j.Outcome == "faulted").Detail, StringComparison.Ordinal);
        Assert.Contains(state.Pending, b => b.Kind == BookmarkKind.Approval);

        _h.ComputeResults.ClashingOutboxKey = null;
        Assert.Equal(ResumeResult.Resumed, await _h.ApproveAsync(instance.Id, "council-verification", Chair));
        Assert.Equal(WorkflowStatus.Running, (await _h.StateAsync(instance.Id)).Instance.Status);
    }
}
