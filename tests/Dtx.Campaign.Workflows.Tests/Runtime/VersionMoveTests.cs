using Dtx.Campaign.Workflows.Runtime;

namespace Dtx.Campaign.Workflows.Tests.Runtime;

/// <summary>
/// A campaign running annual-campaign v3 moves to v4 in its dispute window: the new version's reminders take over from
/// the next morning, nothing the stage already did runs again, and a move that cannot work changes nothing.
/// </summary>
public abstract class VersionMoveTests(ITestDatabase database)
{
    private static readonly WorkflowActor Chair = WorkflowActor.User("chair@hoi-dong", "council-chair", "council-member");
    private static readonly WorkflowActor Admin = WorkflowActor.User("admin@so-tttt", "campaign-admin");
    private readonly WorkflowHarness _h = new(database);

    private static Dictionary<string, DateTimeOffset> V3Dates()
    {
        var dates = WorkflowHarness.CampaignDates();
        dates["selfAssessment.graceEndsAt"] = dates["selfAssessment.closesAt"];
        dates["selfAssessment.lastCallAt"] = dates["selfAssessment.closesAt"].AddHours(-2);
        return dates;
    }

    /// <summary>The dates v4 names and v3 did not.</summary>
    private static readonly Dictionary<string, DateTimeOffset> V4Dates = new()
    {
        ["verification.lastCallAt"] = WorkflowHarness.Local(5, 29, 15),
        ["disputes.lastCallAt"] = WorkflowHarness.Local(6, 22, 15),
    };

    private async Task<Storage.WorkflowInstance> InDisputeWindowOnV3Async()
    {
        var instance = await _h.WithRuntime(r => r.StartAsync(new StartWorkflow("annual-campaign", "move-" + Guid.NewGuid().ToString("N")[..8], V3Dates(), Version: 3)));
        await _h.AdvanceAsync(WorkflowHarness.Local(5, 5, 9));
        Assert.Equal(ResumeResult.Resumed, await _h.ApproveAsync(instance.Id, "council-verification", Chair));
        await _h.AdvanceAsync(WorkflowHarness.Local(6, 10, 9));
        Assert.Equal("dispute-window", (await _h.StateAsync(instance.Id)).Instance.CurrentStage);
        return instance;
    }

    private static bool Names(Storage.OutboxMessage message, string template) => message.PayloadJson.Contains($"\"{template}\"", StringComparison.Ordinal);

    [Fact]
    public async Task A_campaign_moved_to_v4_in_its_dispute_window_gets_v4s_reminders_from_the_next_morning_and_reruns_nothing()
    {
        var instance = await InDisputeWindowOnV3Async();
        var before = (await _h.OutboxAsync(instance.Id)).Count;

        var armed = await _h.WithRuntime(r => r.MoveToVersionAsync(instance.Id, 4, V4Dates, Admin, "Nhắc hạn kiến nghị theo lịch của đợt"));

        // The round from tomorrow 08:00, the last call and the stage's end; the dispute window's opening notice is not sent again.
        Assert.Equal(3, armed);
        var state = await _h.StateAsync(instance.Id);
        Assert.Equal(4, state.Instance.DefinitionVersion);
        Assert.Equal("dispute-window", state.Instance.CurrentStage);
        Assert.Equal(before, (await _h.OutboxAsync(instance.Id)).Count);
        Assert.Equal(WorkflowHarness.Local(6, 11, 8).UtcDateTime, state.Pending.Where(b => b.Name.Contains("every P1D", StringComparison.Ordinal)).Min(b => b.DueUtc));
        var moved = Assert.Single(state.Journal, j => j.Outcome == "moved");
        Assert.Equal("annual-campaign v3 → v4 by admin@so-tttt: Nhắc hạn kiến nghị theo lịch của đợt", moved.Detail);

        await _h.AdvanceAsync(WorkflowHarness.Local(6, 23, 9));
        var after = (await _h.OutboxAsync(instance.Id)).Skip(before).ToList();
        // Every morning from 11 to 22 June and the last call: v4's; v3's one reminder (21 June) is gone with its version.
        Assert.Equal(13, after.Count(o => Names(o, "disputes-closing")));
        Assert.DoesNotContain(after, o => Names(o, "deadline-reminder"));
        Assert.Equal("dispute-resolution", (await _h.StateAsync(instance.Id)).Instance.CurrentStage);
    }

    [Fact]
    public async Task A_move_to_an_older_version_or_without_the_new_dates_is_refused_and_changes_nothing()
    {
        var instance = await InDisputeWindowOnV3Async();
        var pending = (await _h.StateAsync(instance.Id)).Pending.Select(b => b.Id).Order().ToList();

        var older = await Assert.ThrowsAsync<InvalidOperationException>(() => _h.WithRuntime(r => r.MoveToVersionAsync(instance.Id, 2, V4Dates, Admin, "thử")));
        Assert.Contains("only to a newer version", older.Message, StringComparison.Ordinal);
        var noDates = await Assert.ThrowsAsync<InvalidOperationException>(() => _h.WithRuntime(r => r.MoveToVersionAsync(instance.Id, 4, new Dictionary<string, DateTimeOffset>(), Admin, "thử")));
        Assert.StartsWith("Cannot move to 'annual-campaign' v4: missing", noDates.Message, StringComparison.Ordinal);
        Assert.Contains("campaign date 'disputes.lastCallAt'", noDates.Message, StringComparison.Ordinal);

        var state = await _h.StateAsync(instance.Id);
        Assert.Equal(3, state.Instance.DefinitionVersion);
        Assert.Equal(pending, state.Pending.Select(b => b.Id).Order().ToList());
        Assert.DoesNotContain(state.Journal, j => j.Outcome == "moved");
    }
}

public sealed class SqliteVersionMoveTests(SqliteDatabase database) : VersionMoveTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresVersionMoveTests(PostgresDatabase database) : VersionMoveTests(database), IClassFixture<PostgresDatabase>;
