using Dtx.Campaign.Workflows.Definitions;
using Dtx.Campaign.Workflows.Runtime;
using Dtx.Campaign.Workflows.Storage;
using Dtx.Campaign.Workflows.Tests.Definitions;
using Dtx.Campaign.Workflows.Tests.Runtime;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Workflows.Tests.Trust;

public sealed class SqlitePinnedVersionTests(SqliteDatabase database) : PinnedVersionTests(database), IClassFixture<SqliteDatabase>;

public sealed class PostgresPinnedVersionTests(PostgresDatabase database) : PinnedVersionTests(database), IClassFixture<PostgresDatabase>;

/// <summary>Issue 22, case 7: a version cannot change under a running campaign.</summary>
public abstract class PinnedVersionTests(ITestDatabase database) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("dtx-wf-pins-").FullName;

    public void Dispose()
    {
        Directory.Delete(_folder, recursive: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>The shipped files as a release would ship them, with <paramref name="change"/> applied to v1 (null: v1 deleted).</summary>
    private WorkflowDefinitionStore Release(Func<string, string>? change)
    {
        var folder = Path.Combine(_folder, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        foreach (var file in new[] { "annual-campaign.v1.yaml", "annual-campaign.v2.yaml", "unit-assessment.v1.yaml", "unit-extension.v1.yaml" })
        {
            var text = File.ReadAllText(WorkflowDefinitionReaderTests.ShippedPath(file));
            if (file == "annual-campaign.v1.yaml")
            {
                if (change is null)
                {
                    continue;
                }

                text = change(text);
            }

            File.WriteAllText(Path.Combine(folder, file), text);
        }

        return WorkflowDefinitionStore.FromDirectory(folder, Runtime.TestWorkflows.Catalog);
    }

    private async Task<WorkflowInstance> StartV1InSelfAssessmentAsync(WorkflowHarness h)
    {
        var instance = await h.StartAnnualAsync();
        await h.AdvanceAsync(WorkflowHarness.Local(3, 9, 8));
        Assert.Equal("self-assessment", (await h.StateAsync(instance.Id)).Instance.CurrentStage);
        await using var db = database.NewContext();
        var pin = await db.Set<PinnedDefinition>().SingleAsync(p => p.Key == "annual-campaign" && p.Version == 1);
        Assert.Equal(DefinitionPins.Hash(File.ReadAllText(WorkflowDefinitionReaderTests.ShippedPath("annual-campaign.v1.yaml"))), pin.ContentHash);
        return instance;
    }

    [Fact]
    public async Task Case7_deleting_the_v1_file_does_not_break_a_running_v1_instance()
    {
        var first = new WorkflowHarness(database);
        var instance = await StartV1InSelfAssessmentAsync(first);

        // The next release ships without v1: the instance runs on the text pinned in the database.
        var next = new WorkflowHarness(database, Release(change: null));
        foreach (var (id, due) in first.Scheduler.Triggers)
        {
            await next.Scheduler.ScheduleAsync(id, due);
        }

        next.Time.SetUtcNow(first.Time.GetUtcNow());
        var fired = await next.AdvanceAsync(WorkflowHarness.Local(4, 30, 17));
        Assert.All(fired, f => Assert.Equal(ResumeResult.Resumed, f.Result));
        var state = await next.StateAsync(instance.Id);
        Assert.Equal("council-verification", state.Instance.CurrentStage);
        Assert.Null(state.Instance.Incident);
        Assert.Equal(1, state.Instance.DefinitionVersion);
    }

    [Fact]
    public async Task Case7_a_v1_file_edited_under_its_number_is_refused_at_start_and_running_instances_keep_the_pinned_text()
    {
        var first = new WorkflowHarness(database);
        var instance = await StartV1InSelfAssessmentAsync(first);

        // The edit that closed self-assessment 33 hours early: the close timer moved before the reminders, with an offset.
        var edited = Release(text => text
            .Replace("      - {at: selfAssessment.closesAt, transition: council-verification}\n", "", StringComparison.Ordinal)
            .Replace("    timers:\n      - {at: selfAssessment.closesAt, offset: -P7D",
                "    timers:\n      - {at: selfAssessment.closesAt, offset: -PT33H, transition: council-verification}\n      - {at: selfAssessment.closesAt, offset: -P7D", StringComparison.Ordinal));
        Assert.Contains("-PT33H", edited.TextOf("annual-campaign", 1), StringComparison.Ordinal);

        await using (var db = database.NewContext())
        {
            var problems = await DefinitionPins.CheckShippedAsync(db, edited, DateTime.UtcNow, CancellationToken.None);
            var problem = Assert.Single(problems);
            Assert.StartsWith("annual-campaign.v1.yaml: 'annual-campaign' v1 is pinned by instances", problem, StringComparison.Ordinal);
            Assert.Contains("version: 2", problem, StringComparison.Ordinal);
        }

        // Had it started anyway, the running instance would still close at 17:00 on 30 April, not 33 hours before.
        var next = new WorkflowHarness(database, edited);
        foreach (var (id, due) in first.Scheduler.Triggers)
        {
            await next.Scheduler.ScheduleAsync(id, due);
        }

        next.Time.SetUtcNow(first.Time.GetUtcNow());
        await next.AdvanceAsync(WorkflowHarness.Local(4, 30, 16));
        Assert.Equal("self-assessment", (await next.StateAsync(instance.Id)).Instance.CurrentStage);
        await next.AdvanceAsync(WorkflowHarness.Local(4, 30, 17));
        Assert.Equal("council-verification", (await next.StateAsync(instance.Id)).Instance.CurrentStage);

        // And a new instance on the edited v1 is refused: nothing stored.
        var refused = await Assert.ThrowsAsync<WorkflowActivityException>(() => next.StartAnnualAsync());
        Assert.Contains("is pinned by instances", refused.Message, StringComparison.Ordinal);
    }
}
