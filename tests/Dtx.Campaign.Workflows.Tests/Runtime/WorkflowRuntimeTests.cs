using Dtx.Campaign.Workflows.Definitions;
using Dtx.Campaign.Workflows.Runtime;
using Dtx.Campaign.Workflows.Storage;
using Dtx.Campaign.Workflows.Tests.Definitions;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Workflows.Tests.Runtime;

public sealed class SqliteWorkflowRuntimeTests(SqliteDatabase database) : WorkflowRuntimeTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresWorkflowRuntimeTests(PostgresDatabase database) : WorkflowRuntimeTests(database), IClassFixture<PostgresDatabase>;

/// <summary>The same tests on each provider: the annual definition driven with a fake clock.</summary>
public abstract class WorkflowRuntimeTests(ITestDatabase database)
{
    private static readonly WorkflowActor Chair = WorkflowActor.User("chair@hoi-dong", "council-chair", "council-member");
    private static readonly WorkflowActor Member = WorkflowActor.User("member@hoi-dong", "council-member");
    private static readonly WorkflowActor Admin = WorkflowActor.User("admin@so-tttt", "campaign-admin");

    private readonly WorkflowHarness _h = new(database);

    private static DateTime Utc(DateTimeOffset local) => local.UtcDateTime;

    [Fact]
    public async Task The_whole_annual_cycle_runs_stage_by_stage_and_the_journal_shows_every_step()
    {
        var instance = await _h.StartAnnualAsync();
        Assert.Equal("set-up", instance.CurrentStage);

        await _h.AdvanceAsync(WorkflowHarness.Local(3, 2, 8));
        Assert.Equal("index-publication", (await _h.StateAsync(instance.Id)).Instance.CurrentStage);

        await _h.AdvanceAsync(WorkflowHarness.Local(3, 9, 8));
        Assert.Equal("self-assessment", (await _h.StateAsync(instance.Id)).Instance.CurrentStage);

        await _h.AdvanceAsync(WorkflowHarness.Local(4, 30, 17));
        var state = await _h.StateAsync(instance.Id);
        Assert.Equal("council-verification", state.Instance.CurrentStage);
        Assert.Equal(BookmarkKind.Approval, Assert.Single(state.Pending, b => b.Kind == BookmarkKind.Approval).Kind);

        // Verification waits for the chair, however long it takes.
        await _h.AdvanceAsync(WorkflowHarness.Local(6, 3, 12));
        Assert.Equal("council-verification", (await _h.StateAsync(instance.Id)).Instance.CurrentStage);
        Assert.Equal(ResumeResult.Resumed, await _h.ApproveAsync(instance.Id, "council-verification", Chair, "Đã thẩm định xong"));
        Assert.Equal("preliminary-results", (await _h.StateAsync(instance.Id)).Instance.CurrentStage);

        await _h.AdvanceAsync(WorkflowHarness.Local(6, 8, 8));
        Assert.Equal("dispute-window", (await _h.StateAsync(instance.Id)).Instance.CurrentStage);

        await _h.AdvanceAsync(WorkflowHarness.Local(6, 22, 17));
        Assert.Equal("dispute-resolution", (await _h.StateAsync(instance.Id)).Instance.CurrentStage);

        Assert.Equal(ResumeResult.Resumed, await _h.ApproveAsync(instance.Id, "dispute-resolution", Chair));
        Assert.Equal("final-results", (await _h.StateAsync(instance.Id)).Instance.CurrentStage);

        await _h.AdvanceAsync(WorkflowHarness.Local(7, 1, 9));
        Assert.Equal("publication-and-awards", (await _h.StateAsync(instance.Id)).Instance.CurrentStage);

        Assert.Equal(ResumeResult.Resumed, await _h.ApproveAsync(instance.Id, "publication-and-awards", Chair));
        state = await _h.StateAsync(instance.Id);
        Assert.Equal("archived", state.Instance.CurrentStage);
        Assert.Equal(WorkflowStatus.Finished, state.Instance.Status);
        Assert.Empty(state.Pending);
        Assert.Empty(_h.Scheduler.Triggers);

        var entered = state.Journal.Where(j => j.Outcome == "entered").Select(j => j.Stage).ToList();
        Assert.Equal(
            ["set-up", "index-publication", "self-assessment", "council-verification", "preliminary-results",
             "dispute-window", "dispute-resolution", "final-results", "publication-and-awards", "archived"],
            entered);
        Assert.Equal(Enumerable.Range(1, state.Journal.Count).Select(i => (long)i), state.Journal.Select(j => j.Sequence));
        Assert.Contains(state.Journal, j => j is { Outcome: "approved", Actor: "chair@hoi-dong" } && j.Detail!.Contains("Đã thẩm định xong", StringComparison.Ordinal));
        Assert.Contains(state.Journal, j => j is { Activity: "generate-certificates", Outcome: "done" });

        var templates = (await _h.OutboxAsync(instance.Id)).Select(o => o.PayloadJson).ToList();
        Assert.Contains(templates, p => p.Contains("\"index-publication\"", StringComparison.Ordinal));
        Assert.Contains(templates, p => p.Contains("\"award-decision\"", StringComparison.Ordinal));
        Assert.Equal(3, templates.Count(p => p.Contains("\"deadline-reminder\"", StringComparison.Ordinal) && p.Contains("\"self-assessment\"", StringComparison.Ordinal)));
        Assert.Equal(5, templates.Count(p => p.Contains("\"deadline-reminder\"", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Reminders_7_3_and_1_days_before_the_close_fire_once_each_at_8_local_time()
    {
        var instance = await _h.StartAnnualAsync();
        await _h.AdvanceAsync(WorkflowHarness.Local(3, 9, 8));

        var reminders = (await _h.StateAsync(instance.Id)).Pending.Where(b => b.Name.Contains("-P", StringComparison.Ordinal)).ToList();
        Assert.Equal(
            [Utc(WorkflowHarness.Local(4, 23, 8)), Utc(WorkflowHarness.Local(4, 27, 8)), Utc(WorkflowHarness.Local(4, 29, 8))],
            reminders.Select(b => b.DueUtc!.Value).Order());

        var fired = await _h.AdvanceAsync(WorkflowHarness.Local(4, 30, 16));
        Assert.Equal(3, fired.Count);
        Assert.All(fired, f => Assert.Equal(ResumeResult.Resumed, f.Result));

        // Quartz delivers at least once: a second delivery of each changes nothing.
        foreach (var reminder in reminders)
        {
            Assert.Equal(ResumeResult.AlreadyConsumed, await _h.ResumeAsync(reminder.Id, WorkflowActor.Timer));
        }

        var journal = (await _h.StateAsync(instance.Id)).Journal.Where(j => j.Activity == "send-reminder").ToList();
        Assert.Equal(3, journal.Count);
        Assert.All(journal, j => Assert.Equal(new TimeSpan(8, 0, 0), TimeZoneInfo.ConvertTimeFromUtc(j.At, WorkflowHarness.Hanoi).TimeOfDay));
        Assert.Equal([23, 27, 29], journal.Select(j => TimeZoneInfo.ConvertTimeFromUtc(j.At, WorkflowHarness.Hanoi).Day).Order());

        var outbox = await _h.OutboxAsync(instance.Id);
        Assert.Equal(3, outbox.Count(o => o.PayloadJson.Contains("units-not-submitted", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_reminder_whose_deadline_has_passed_is_skipped_and_journaled_and_the_close_happens_once()
    {
        var instance = await _h.StartAnnualAsync();
        await _h.AdvanceAsync(WorkflowHarness.Local(3, 9, 8));

        // The server was down from 20 April to 2 May: everything due fires at start-up.
        _h.Time.SetUtcNow(WorkflowHarness.Local(5, 2, 9));
        await _h.AdvanceAsync(WorkflowHarness.Local(5, 2, 9));

        var state = await _h.StateAsync(instance.Id);
        Assert.Equal("council-verification", state.Instance.CurrentStage);
        Assert.Equal(3, state.Journal.Count(j => j is { Activity: "send-reminder", Outcome: "skipped" }));
        Assert.DoesNotContain(await _h.OutboxAsync(instance.Id), o => o.PayloadJson.Contains("deadline-reminder", StringComparison.Ordinal));
        Assert.Single(state.Journal, j => j is { Outcome: "transition", Detail: "self-assessment → council-verification" });
    }

    [Fact]
    public async Task Concurrent_resumes_of_one_bookmark_make_one_transition_and_one_outbox_row()
    {
        _h.Time.SetUtcNow(WorkflowHarness.Local(3, 2, 8));
        for (var round = 0; round < 5; round++)
        {
            var instance = await _h.StartAnnualAsync();
            var timer = (await _h.StateAsync(instance.Id)).Pending.Single(b => b.Kind == BookmarkKind.Timer);

            using var start = new ManualResetEventSlim();
            var racers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
            {
                start.Wait();
                return await _h.ResumeAsync(timer.Id, WorkflowActor.Timer);
            })).ToList();
            start.Set();
            var results = await Task.WhenAll(racers);

            Assert.Equal([ResumeResult.Resumed, ResumeResult.AlreadyConsumed, ResumeResult.AlreadyConsumed, ResumeResult.AlreadyConsumed], results.Order());
            var state = await _h.StateAsync(instance.Id);
            Assert.Equal("index-publication", state.Instance.CurrentStage);
            Assert.Single(state.Journal, j => j.Outcome == "transition");
            Assert.Single(await _h.OutboxAsync(instance.Id));

            // The losers waited on the instance lock and then saw the bookmark consumed (rather than
            // failing on the row version): each journaled its duplicate.
            Assert.Equal(3, state.Journal.Count(j => j.Outcome == "duplicate"));
        }
    }

    [Fact]
    public async Task A_submission_and_the_deadline_in_the_same_instant_make_exactly_one_transition()
    {
        for (var round = 0; round < 5; round++)
        {
            var instance = await _h.StartAnnualAsync(new Dictionary<string, string> { ["earlyCloseEnabled"] = "true" });
            await _h.AdvanceAsync(WorkflowHarness.Local(4, 30, 16, 59));
            var close = (await _h.StateAsync(instance.Id)).Pending.Single(b => b.Kind == BookmarkKind.Timer && !b.Name.Contains("-P", StringComparison.Ordinal));
            _h.Time.SetUtcNow(WorkflowHarness.Local(4, 30, 17));

            using var start = new ManualResetEventSlim();
            var deadline = Task.Run(async () =>
            {
                start.Wait();
                return await _h.ResumeAsync(close.Id, WorkflowActor.Timer);
            });
            var submitted = Task.Run(async () =>
            {
                start.Wait();
                return await _h.WithRuntime(r => r.RaiseEventAsync(instance.Id, "all-units-submitted", WorkflowActor.System));
            });
            start.Set();
            var results = await Task.WhenAll(deadline, submitted);

            Assert.Single(results, r => r == ResumeResult.Resumed);
            Assert.All(results, r => Assert.Contains(r, new[] { ResumeResult.Resumed, ResumeResult.AlreadyConsumed, ResumeResult.NotFound }));
            var state = await _h.StateAsync(instance.Id);
            Assert.Equal("council-verification", state.Instance.CurrentStage);
            Assert.Single(state.Journal, j => j is { Outcome: "transition", Detail: "self-assessment → council-verification" });
            Assert.Single(state.Journal, j => j.Stage == "council-verification" && j.Outcome == "entered");
        }
    }

    [Fact]
    public async Task A_v1_instance_stays_on_v1_after_v2_is_published()
    {
        // v2 adds a fourth reminder, 14 days before the close.
        var v1Yaml = File.ReadAllText(WorkflowDefinitionReaderTests.ShippedPath("annual-campaign.v1.yaml"));
        var v2Yaml = v1Yaml.Replace("version: 1\n", "version: 2\n", StringComparison.Ordinal).Replace(
            "      - {at: selfAssessment.closesAt, offset: -P7D,",
            "      - {at: selfAssessment.closesAt, offset: -P14D, time: \"08:00\", activity: send-reminder, template: deadline-reminder, audience: units-not-submitted}\n      - {at: selfAssessment.closesAt, offset: -P7D,",
            StringComparison.Ordinal);
        var v2 = WorkflowDefinitionReader.Read(v2Yaml, "annual-campaign.v2.yaml", TestWorkflows.Catalog);
        Assert.True(v2.IsValid, string.Join(Environment.NewLine, v2.Problems));
        var v1 = WorkflowDefinitionReaderTests.LoadShipped("annual-campaign.v1.yaml");

        var before = new WorkflowHarness(database, new WorkflowDefinitionStore([v1], TestWorkflows.Catalog));
        var old = await before.StartAnnualAsync();

        // v2 is published (a restarted server); the old instance's triggers carry over.
        var after = new WorkflowHarness(database, new WorkflowDefinitionStore([v1, v2.Definition!], TestWorkflows.Catalog));
        foreach (var (id, due) in before.Scheduler.Triggers)
        {
            await after.Scheduler.ScheduleAsync(id, due);
        }

        // Started without a version: the latest one.
        var fresh = await after.WithRuntime(r => r.StartAsync(new StartWorkflow("annual-campaign", "fresh-" + Guid.NewGuid().ToString("N")[..8], WorkflowHarness.CampaignDates())));
        Assert.Equal(1, old.DefinitionVersion);
        Assert.Equal(2, fresh.DefinitionVersion);

        await after.AdvanceAsync(WorkflowHarness.Local(3, 9, 8));
        var oldState = await after.StateAsync(old.Id);
        var freshState = await after.StateAsync(fresh.Id);
        Assert.Equal("self-assessment", oldState.Instance.CurrentStage);
        Assert.Equal(1, oldState.Instance.DefinitionVersion);
        Assert.Equal(3, oldState.Pending.Count(b => b.Name.Contains("-P", StringComparison.Ordinal)));
        Assert.Equal(4, freshState.Pending.Count(b => b.Name.Contains("-P", StringComparison.Ordinal)));

        var versions = await after.WithRuntime(r => r.ListVersionsAsync());
        Assert.Contains(versions.Single(v => v.Version == 1).Instances, i => i.InstanceId == old.Id);
        Assert.Contains(versions.Single(v => v.Version == 2).Instances, i => i.InstanceId == fresh.Id);
    }

    [Fact]
    public async Task Approval_by_a_wrong_role_is_refused_and_a_second_approval_is_already_done()
    {
        var instance = await _h.StartAnnualAsync();
        await _h.AdvanceAsync(WorkflowHarness.Local(4, 30, 17));
        Assert.Equal("council-verification", (await _h.StateAsync(instance.Id)).Instance.CurrentStage);

        Assert.Equal(ResumeResult.Forbidden, await _h.ApproveAsync(instance.Id, "council-verification", Member));
        Assert.Equal(ResumeResult.Forbidden, await _h.ApproveAsync(instance.Id, "council-verification", Admin));
        var gate = (await _h.StateAsync(instance.Id)).Pending.Single(b => b.Kind == BookmarkKind.Approval);
        Assert.Equal(ResumeResult.Forbidden, await _h.ResumeAsync(gate.Id, WorkflowActor.Timer));
        Assert.Equal("council-verification", (await _h.StateAsync(instance.Id)).Instance.CurrentStage);

        Assert.Equal(ResumeResult.Resumed, await _h.ApproveAsync(instance.Id, "council-verification", Chair, "OK"));
        Assert.Equal(ResumeResult.AlreadyConsumed, await _h.ApproveAsync(instance.Id, "council-verification", Chair, "OK"));
        Assert.Equal(ResumeResult.AlreadyConsumed, await _h.ResumeAsync(gate.Id, Chair));

        var state = await _h.StateAsync(instance.Id);
        Assert.Equal("preliminary-results", state.Instance.CurrentStage);
        Assert.Single(state.Journal, j => j.Outcome == "approved");
        Assert.Equal(3, state.Journal.Count(j => j.Outcome == "forbidden")); // member, admin, and the timer
        Assert.Equal(ResumeResult.NotFound, await _h.ResumeAsync(Guid.NewGuid(), Chair));
    }

    [Fact]
    public async Task A_throwing_activity_leaves_the_instance_in_its_stage_with_an_incident_and_is_retried()
    {
        var instance = await _h.StartAnnualAsync();
        var timer = (await _h.StateAsync(instance.Id)).Pending.Single(b => b.Kind == BookmarkKind.Timer);
        _h.PublishIndex.Failing = true;
        _h.Time.SetUtcNow(WorkflowHarness.Local(3, 2, 8));

        Assert.Equal(ResumeResult.Faulted, await _h.ResumeAsync(timer.Id, WorkflowActor.Timer));

        var state = await _h.StateAsync(instance.Id);
        Assert.Equal("set-up", state.Instance.CurrentStage);
        Assert.Contains("publish-index", state.Instance.Incident, StringComparison.Ordinal);
        Assert.Contains("document service unavailable", state.Instance.Incident, StringComparison.Ordinal);
        Assert.Contains(state.Pending, b => b.Id == timer.Id);
        Assert.Empty(await _h.OutboxAsync(instance.Id));
        Assert.DoesNotContain(state.Journal, j => j.Outcome is "transition" or "timer-fired");
        Assert.Single(state.Journal, j => j.Outcome == "faulted");
        Assert.Equal(Utc(WorkflowHarness.Local(3, 2, 8)).AddMinutes(1), _h.Scheduler.Triggers[timer.Id]);
        Assert.Single(_h.Scheduler.Triggers); // the rolled-back step scheduled nothing of the next stage
        Assert.Equal(1, state.Instance.IncidentCount);
        Assert.Equal(Utc(WorkflowHarness.Local(3, 2, 8)).AddMinutes(1), state.Pending.Single(b => b.Id == timer.Id).DueUtc); // the next retry, visible

        // A reconciliation (e.g. a restart) keeps the back-off rather than firing the overdue timer at once.
        await using (var db = database.NewContext())
        {
            await Scheduling.TimerReconciler.ReconcileAsync(db, _h.Scheduler, _h.Time);
        }

        Assert.Equal(Utc(WorkflowHarness.Local(3, 2, 8)).AddMinutes(1), _h.Scheduler.Triggers[timer.Id]);

        // Second failure: the back-off doubles.
        _h.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(ResumeResult.Faulted, await _h.ResumeAsync(timer.Id, WorkflowActor.Timer));
        Assert.Equal(Utc(WorkflowHarness.Local(3, 2, 8, 1)).AddMinutes(2), _h.Scheduler.Triggers[timer.Id]);

        _h.PublishIndex.Failing = false;
        _h.Time.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(ResumeResult.Resumed, await _h.ResumeAsync(timer.Id, WorkflowActor.Timer));
        state = await _h.StateAsync(instance.Id);
        Assert.Equal("index-publication", state.Instance.CurrentStage);
        Assert.Null(state.Instance.Incident);
        Assert.Single(await _h.OutboxAsync(instance.Id));
    }

    [Fact]
    public async Task Extending_the_deadline_reschedules_the_close_and_its_reminders()
    {
        var instance = await _h.StartAnnualAsync();
        await _h.AdvanceAsync(WorkflowHarness.Local(4, 24, 9));
        Assert.Equal("self-assessment", (await _h.StateAsync(instance.Id)).Instance.CurrentStage);

        var moved = await _h.WithRuntime(r => r.ChangeDateAsync(instance.Id, "selfAssessment.closesAt", WorkflowHarness.Local(5, 7, 17), Admin));

        Assert.Equal(3, moved); // the -P3D and -P1D reminders and the close; the -P7D one already fired
        var pending = (await _h.StateAsync(instance.Id)).Pending.Where(b => b.Kind == BookmarkKind.Timer).ToList();
        Assert.Equal(
            [Utc(WorkflowHarness.Local(5, 4, 8)), Utc(WorkflowHarness.Local(5, 6, 8)), Utc(WorkflowHarness.Local(5, 7, 17))],
            pending.Select(b => b.DueUtc!.Value).Order());
        Assert.All(pending, b => Assert.Equal(b.DueUtc, _h.Scheduler.Triggers[b.Id]));

        await _h.AdvanceAsync(WorkflowHarness.Local(5, 1, 0));
        Assert.Equal("self-assessment", (await _h.StateAsync(instance.Id)).Instance.CurrentStage);
        await _h.AdvanceAsync(WorkflowHarness.Local(5, 7, 17));
        var state = await _h.StateAsync(instance.Id);
        Assert.Equal("council-verification", state.Instance.CurrentStage);
        Assert.Equal(3, state.Journal.Count(j => j is { Activity: "send-reminder", Outcome: "queued" }));
        Assert.Contains(state.Journal, j => j.Outcome == "date-changed" && j.Actor == "admin@so-tttt");
    }

    [Fact]
    public async Task All_units_submitted_closes_self_assessment_early_only_when_the_campaign_allows_it()
    {
        var strict = await _h.StartAnnualAsync();
        var lenient = await _h.StartAnnualAsync(new Dictionary<string, string> { ["earlyCloseEnabled"] = "true" });
        await _h.AdvanceAsync(WorkflowHarness.Local(4, 1, 9));

        Assert.Equal(ResumeResult.GuardRejected, await _h.WithRuntime(r => r.RaiseEventAsync(strict.Id, "all-units-submitted", WorkflowActor.System)));
        Assert.Equal(ResumeResult.Resumed, await _h.WithRuntime(r => r.RaiseEventAsync(lenient.Id, "all-units-submitted", WorkflowActor.System)));

        Assert.Equal("self-assessment", (await _h.StateAsync(strict.Id)).Instance.CurrentStage);
        var state = await _h.StateAsync(lenient.Id);
        Assert.Equal("council-verification", state.Instance.CurrentStage);
        Assert.DoesNotContain(state.Pending, b => b.Kind == BookmarkKind.Timer && b.Stage == "self-assessment");
        Assert.DoesNotContain(_h.Scheduler.Triggers.Keys, id => state.Pending.All(p => p.Id != id) && id == Guid.Empty);
    }

    [Fact]
    public async Task Launching_twice_at_once_starts_one_instance_and_a_cancelled_one_can_be_relaunched()
    {
        var campaign = "campaign-launch-" + Guid.NewGuid().ToString("N")[..8];
        Task<WorkflowInstance> Launch() => Task.Run(() =>
            _h.WithRuntime(r => r.StartAsync(new StartWorkflow("annual-campaign", campaign, WorkflowHarness.CampaignDates(), Actor: Admin, Version: 1))));

        var launched = await Task.WhenAll(Launch(), Launch(), Launch());

        Assert.Single(launched.Select(i => i.Id).Distinct());
        await using (var db = database.NewContext())
        {
            Assert.Equal(1, await db.Set<WorkflowInstance>().CountAsync(i => i.CorrelationId == campaign));
        }

        await _h.WithRuntime(async r =>
        {
            await r.CancelAsync(launched[0].Id, Admin, "Sai lịch");
            return true;
        });
        _h.Time.Advance(TimeSpan.FromSeconds(1));
        var relaunched = await Launch();
        Assert.NotEqual(launched[0].Id, relaunched.Id);
        Assert.Equal(WorkflowStatus.Running, relaunched.Status);
        Assert.Equal(relaunched.Id, (await _h.WithRuntime(r => r.FindAsync(campaign, "annual-campaign")))!.Id);
    }

    [Fact]
    public async Task A_cancelled_campaign_ignores_its_late_timers()
    {
        var instance = await _h.StartAnnualAsync();
        var timer = (await _h.StateAsync(instance.Id)).Pending.Single(b => b.Kind == BookmarkKind.Timer);
        await _h.WithRuntime(async r =>
        {
            await r.CancelAsync(instance.Id, Admin, "Tổ chức lại");
            return true;
        });
        _h.Time.SetUtcNow(WorkflowHarness.Local(3, 2, 8));

        Assert.Equal(ResumeResult.Cancelled, await _h.ResumeAsync(timer.Id, WorkflowActor.Timer));
        Assert.Equal(ResumeResult.Cancelled, await _h.ResumeAsync(timer.Id, WorkflowActor.Timer));
        Assert.Equal(ResumeResult.Cancelled, await _h.WithRuntime(r => r.RaiseEventAsync(instance.Id, "all-units-submitted", WorkflowActor.System)));
        await _h.WithRuntime(async r =>
        {
            await r.CancelAsync(instance.Id, Admin, "lần hai");
            return true;
        });
        var state = await _h.StateAsync(instance.Id);
        Assert.Equal(2, state.Journal.Count(j => j.Outcome == "ignored"));
        Assert.Single(state.Journal, j => j.Outcome == "cancelled");
        Assert.DoesNotContain(state.Journal, j => j.Outcome == "timer-fired");
        Assert.Equal(WorkflowStatus.Cancelled, state.Instance.Status);
        Assert.Equal("set-up", state.Instance.CurrentStage);
        Assert.Empty(state.Pending);
    }

    [Fact]
    public async Task A_unit_goes_back_and_forth_for_clarification_then_to_final()
    {
        var unit = await _h.WithRuntime(r => r.StartAsync(new StartWorkflow("unit-assessment", "campaign-x/unit-7", WorkflowHarness.CampaignDates())));
        var officer = WorkflowActor.User("focal@unit-7", "unit-focal-officer");
        Task<ResumeResult> Raise(string e) => _h.WithRuntime(r => r.RaiseEventAsync(unit.Id, e, officer));

        Assert.Equal(ResumeResult.Resumed, await Raise("unit-started"));
        Assert.Equal(ResumeResult.Resumed, await Raise("unit-submitted"));
        Assert.Equal(ResumeResult.Resumed, await Raise("unit-returned"));
        Assert.Equal(ResumeResult.Resumed, await Raise("unit-resubmitted"));
        Assert.Equal(ResumeResult.Resumed, await Raise("unit-returned"));
        Assert.Equal(ResumeResult.Resumed, await Raise("unit-resubmitted"));
        Assert.Equal(ResumeResult.NotFound, await Raise("unit-submitted"));
        Assert.Equal(ResumeResult.Resumed, await _h.ApproveAsync(unit.Id, "resubmitted", Member));
        await _h.AdvanceAsync(WorkflowHarness.Local(6, 22, 17));

        var state = await _h.StateAsync(unit.Id);
        Assert.Equal("final", state.Instance.CurrentStage);
        Assert.Equal(WorkflowStatus.Finished, state.Instance.Status);
        Assert.Equal(2, (await _h.OutboxAsync(unit.Id)).Count(o => o.PayloadJson.Contains("\"clarification-request\"", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task The_graph_of_an_instance_marks_its_current_stage()
    {
        var instance = await _h.StartAnnualAsync();
        var mermaid = await _h.WithRuntime(r => r.GetGraphAsync(instance.Id));
        Assert.Contains("class set_up current", mermaid, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Versions_list_the_instances_running_on_each()
    {
        var instance = await _h.StartAnnualAsync();
        var versions = await _h.WithRuntime(r => r.ListVersionsAsync());
        var annual = Assert.Single(versions, v => v is { Key: "annual-campaign", Version: 1 });
        Assert.Contains(annual.Instances, i => i.InstanceId == instance.Id && i.CorrelationId == instance.CorrelationId);
    }

    [Fact]
    public async Task The_reconciler_recreates_lost_triggers_and_removes_orphans()
    {
        var instance = await _h.StartAnnualAsync();
        var timer = (await _h.StateAsync(instance.Id)).Pending.Single(b => b.Kind == BookmarkKind.Timer);
        await _h.Scheduler.UnscheduleAsync(timer.Id);
        var orphan = Guid.NewGuid();
        await _h.Scheduler.ScheduleAsync(orphan, DateTime.UtcNow);

        await using var db = database.NewContext();
        var report = await Scheduling.TimerReconciler.ReconcileAsync(db, _h.Scheduler, _h.Time);

        Assert.True(report.Scheduled >= 1);
        Assert.Equal(timer.DueUtc, _h.Scheduler.Triggers[timer.Id]);
        Assert.False(_h.Scheduler.Triggers.ContainsKey(orphan));
    }

    [Fact]
    public async Task Starting_with_a_missing_campaign_date_is_refused_and_stores_nothing()
    {
        var dates = WorkflowHarness.CampaignDates();
        dates.Remove("disputes.closesAt");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            _h.WithRuntime(r => r.StartAsync(new StartWorkflow("annual-campaign", "campaign-missing-date", dates, Version: 1))));
        Assert.Contains("disputes.closesAt", error.Message, StringComparison.Ordinal);

        await using var db = database.NewContext();
        Assert.False(await db.Set<WorkflowInstance>().AnyAsync(i => i.CorrelationId == "campaign-missing-date"));
    }
}
