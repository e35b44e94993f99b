using Dtx.Campaign.Workflows.Runtime;
using Dtx.Campaign.Workflows.Tests.Runtime;

namespace Dtx.Campaign.Workflows.Tests.Trust;

public sealed class SqliteCatchUpTests(SqliteDatabase database) : CatchUpTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresCatchUpTests(PostgresDatabase database) : CatchUpTests(database), IClassFixture<PostgresDatabase>;

/// <summary>Issue 22, case 8: a downtime spanning several dates.</summary>
public abstract class CatchUpTests(ITestDatabase database)
{
    private readonly WorkflowHarness _h = new(database);

    [Fact]
    public async Task Case8_stages_passed_while_down_are_journaled_with_due_and_fired_times_and_only_the_resting_stage_announces_itself()
    {
        var instance = await _h.StartAnnualAsync();

        // Down from 1 March to 2 May 09:00: publication (2 Mar), opening (9 Mar) and the close (30 Apr) all passed.
        _h.Time.SetUtcNow(WorkflowHarness.Local(5, 2, 9));
        var fired = await _h.AdvanceAsync(WorkflowHarness.Local(5, 2, 9));
        Assert.All(fired, f => Assert.NotEqual(ResumeResult.Faulted, f.Result));

        var state = await _h.StateAsync(instance.Id);
        Assert.Equal("council-verification", state.Instance.CurrentStage);
        var templates = (await _h.OutboxAsync(instance.Id)).Select(o => o.PayloadJson).ToList();
        Assert.DoesNotContain(templates, p => p.Contains("\"index-publication\"", StringComparison.Ordinal));
        Assert.DoesNotContain(templates, p => p.Contains("\"self-assessment-opening\"", StringComparison.Ordinal));
        Assert.DoesNotContain(templates, p => p.Contains("\"deadline-reminder\"", StringComparison.Ordinal));
        Assert.Single(templates, p => p.Contains("\"deadline-closed\"", StringComparison.Ordinal));
        Assert.Single(templates, p => p.Contains("\"verification-started\"", StringComparison.Ordinal));

        // Each passed stage: when it was due and when it fired; each skipped notice: why.
        var timers = state.Journal.Where(j => j.Outcome == "timer-fired").Select(j => j.Detail!).ToList();
        Assert.Contains(timers, d => d.Contains("due 2026-03-02T01:00:00", StringComparison.Ordinal) && d.Contains("fired 2026-05-02T02:00:00", StringComparison.Ordinal));
        Assert.Contains(timers, d => d.Contains("due 2026-03-09T01:00:00", StringComparison.Ordinal) && d.Contains("fired 2026-05-02T02:00:00", StringComparison.Ordinal));
        Assert.Contains(timers, d => d.Contains("due 2026-04-30T10:00:00", StringComparison.Ordinal) && d.Contains("fired 2026-05-02T02:00:00", StringComparison.Ordinal));
        var skipped = state.Journal.Where(j => j is { Outcome: "skipped", Activity: "send-notice" }).Select(j => j.Detail!).ToList();
        Assert.Equal(2, skipped.Count);
        Assert.All(skipped, d => Assert.Contains("not timely", d, StringComparison.Ordinal));
        // The stages' own work still ran.
        Assert.Contains(state.Journal, j => j is { Activity: "publish-index", Outcome: "done" });
        Assert.Contains(state.Journal, j => j is { Activity: "open-self-assessment", Outcome: "done" });
    }
}
