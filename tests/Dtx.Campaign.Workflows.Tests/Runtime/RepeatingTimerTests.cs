using Dtx.Campaign.Workflows.Runtime;

namespace Dtx.Campaign.Workflows.Tests.Runtime;

/// <summary>Version 2 of the annual cycle: a daily reminder round from the opening to the end of the grace period.</summary>
public abstract class RepeatingTimerTests(ITestDatabase database)
{
    private readonly WorkflowHarness _h = new(database);

    private static Dictionary<string, DateTimeOffset> Dates()
    {
        var dates = WorkflowHarness.CampaignDates();
        dates["selfAssessment.graceEndsAt"] = WorkflowHarness.Local(5, 3, 17);   // three days after the deadline
        return dates;
    }

    private Task<Storage.WorkflowInstance> StartAsync() =>
        _h.WithRuntime(r => r.StartAsync(new StartWorkflow("annual-campaign", "daily-" + Guid.NewGuid().ToString("N")[..8], Dates(), Version: 2)));

    [Fact]
    public async Task The_reminder_round_fires_every_morning_until_the_grace_period_ends_then_the_stage_closes()
    {
        var instance = await StartAsync();
        await _h.AdvanceAsync(WorkflowHarness.Local(5, 3, 18));

        var rounds = (await _h.OutboxAsync(instance.Id)).Where(o => o.PayloadJson.Contains("\"deadline-reminder\"", StringComparison.Ordinal)).ToList();
        // 9 March to 3 May, one round each morning at 08:00 (Hanoi): 23 + 30 + 3 days.
        Assert.Equal(56, rounds.Count);
        Assert.All(rounds, o => Assert.Equal(new TimeOnly(8, 0), TimeOnly.FromDateTime(TimeZoneInfo.ConvertTimeFromUtc(o.CreatedAt, WorkflowHarness.Hanoi))));
        Assert.Equal(56, rounds.Select(o => o.CreatedAt.Date).Distinct().Count());
        var state = await _h.StateAsync(instance.Id);
        Assert.Equal("council-verification", state.Instance.CurrentStage);
        Assert.DoesNotContain(state.Pending, b => b.Name.Contains("every", StringComparison.Ordinal));
    }

    [Fact]
    public async Task After_an_outage_the_round_fires_once_late_and_the_next_is_tomorrow_morning()
    {
        var instance = await StartAsync();
        await _h.AdvanceAsync(WorkflowHarness.Local(3, 10, 9));
        var before = (await _h.OutboxAsync(instance.Id)).Count;

        // Every node was down from the 11th to the 15th at noon: the 11th's trigger fires once, late.
        _h.Time.SetUtcNow(WorkflowHarness.Local(3, 15, 12));
        var due = _h.Scheduler.TakeNextDue(_h.Time.GetUtcNow().UtcDateTime)!.Value;
        Assert.Equal(ResumeResult.Resumed, await _h.ResumeAsync(due.Id, WorkflowActor.Timer));

        Assert.Equal(before + 1, (await _h.OutboxAsync(instance.Id)).Count);
        var next = (await _h.StateAsync(instance.Id)).Pending.Single(b => b.Name.Contains("every P1D", StringComparison.Ordinal));
        Assert.Equal(WorkflowHarness.Local(3, 16, 8).UtcDateTime, next.DueUtc);
    }

    [Fact]
    public async Task A_round_entered_after_its_hour_fires_once_for_the_day_not_for_every_missed_day()
    {
        var dates = Dates();
        // Opened a week ago at 08:00; the instance starts in self-assessment only now, at 10:00.
        _h.Time.SetUtcNow(WorkflowHarness.Local(3, 16, 10));
        var instance = await _h.WithRuntime(r => r.StartAsync(new StartWorkflow("annual-campaign", "late-" + Guid.NewGuid().ToString("N")[..8], dates, Version: 2)));
        await _h.AdvanceAsync(WorkflowHarness.Local(3, 16, 10));   // index publication and opening fall due at once
        var rounds = (await _h.OutboxAsync(instance.Id)).Count(o => o.PayloadJson.Contains("\"deadline-reminder\"", StringComparison.Ordinal));
        Assert.Equal(1, rounds);
        var next = (await _h.StateAsync(instance.Id)).Pending.Single(b => b.Name.Contains("every P1D", StringComparison.Ordinal));
        Assert.Equal(WorkflowHarness.Local(3, 17, 8).UtcDateTime, next.DueUtc);
    }
}

public sealed class SqliteRepeatingTimerTests(SqliteDatabase database) : RepeatingTimerTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresRepeatingTimerTests(PostgresDatabase database) : RepeatingTimerTests(database), IClassFixture<PostgresDatabase>;
