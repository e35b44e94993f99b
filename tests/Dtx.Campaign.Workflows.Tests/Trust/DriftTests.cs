using Dtx.Campaign.Workflows.Runtime;
using Dtx.Campaign.Workflows.Tests.Runtime;

namespace Dtx.Campaign.Workflows.Tests.Trust;

public sealed class SqliteDriftTests(SqliteDatabase database) : DriftTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresDriftTests(PostgresDatabase database) : DriftTests(database), IClassFixture<PostgresDatabase>;

/// <summary>Issue 22, case 4: a daily round retried at 08:01 keeps its 08:00 schedule.</summary>
public abstract class DriftTests(ITestDatabase database)
{
    private readonly WorkflowHarness _h = new(database);

    [Fact]
    public async Task Case4_a_daily_round_retried_at_0801_arms_the_next_round_at_0800()
    {
        var dates = WorkflowHarness.CampaignDates();
        dates["selfAssessment.graceEndsAt"] = WorkflowHarness.Local(5, 3, 17);
        var instance = await _h.WithRuntime(r => r.StartAsync(new StartWorkflow("annual-campaign", "drift-" + Guid.NewGuid().ToString("N")[..8], dates, Version: 2)));
        await _h.AdvanceAsync(WorkflowHarness.Local(3, 10, 7));

        _h.Reminders.Failing = true;
        var fired = await _h.AdvanceAsync(WorkflowHarness.Local(3, 10, 8));
        Assert.Equal(ResumeResult.Faulted, fired.Single().Result);
        _h.Reminders.Failing = false;
        fired = await _h.AdvanceAsync(WorkflowHarness.Local(3, 10, 8, 30));
        Assert.Equal((WorkflowHarness.Local(3, 10, 8, 1).UtcDateTime, ResumeResult.Resumed), fired.Single());

        var next = (await _h.StateAsync(instance.Id)).Pending.Single(b => b.Name.Contains("every P1D", StringComparison.Ordinal));
        Assert.Equal(WorkflowHarness.Local(3, 11, 8).UtcDateTime, next.DueUtc);

        await _h.AdvanceAsync(WorkflowHarness.Local(3, 14, 9));
        var rounds = (await _h.OutboxAsync(instance.Id)).Where(o => o.PayloadJson.Contains("\"deadline-reminder\"", StringComparison.Ordinal))
            .Select(o => TimeZoneInfo.ConvertTimeFromUtc(o.CreatedAt, WorkflowHarness.Hanoi)).Where(t => t.Day >= 10).ToList();
        Assert.Equal(["10/03 08:01", "11/03 08:00", "12/03 08:00", "13/03 08:00", "14/03 08:00"], rounds.Select(t => t.ToString("dd/MM HH:mm", System.Globalization.CultureInfo.InvariantCulture)));

        // The journal says when the retried round was due and when it ran.
        var journal = (await _h.StateAsync(instance.Id)).Journal;
        Assert.Contains(journal, j => j.Outcome == "timer-fired" && j.Detail!.Contains("due 2026-03-10T01:00:00", StringComparison.Ordinal)
            && j.Detail.Contains("fired 2026-03-10T01:01:00", StringComparison.Ordinal));
    }
}
