using System.Net.Http.Json;
using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.SelfAssessments;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dtx.Campaign.Server.Tests.SelfAssessments;

/// <summary>
/// A whole form saved at once (answers, document references): all or none; several saves of one unit at once. A class of
/// its own: it moves the app's clock.
/// </summary>
public abstract class WholeFormTests(CampaignApp app)
{
    protected CampaignApp App => app;

    protected async Task<T> Use<TCase, T>(Func<TCase, Task<T>> work) where TCase : notnull
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<TCase>());
    }

    // One campaign per app, opened once (the app's clock moves forward only); each test takes a unit of its own.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<CampaignApp, Task<(Guid, Dictionary<string, Guid>)>> Opened = [];

    protected async Task<(Guid Campaign, Guid Unit)> OpenUnitAsync(string unitCode)
    {
        var (campaign, units) = await Opened.GetValue(app, async _ =>
        {
            var admin = await app.LoginAsAdminAsync();
            await app.ImportHanoiUnitsAsync(admin);
            var set = await TestIndexSets.UploadAsync(admin, TestIndexSets.Small($"sa-form-{Guid.NewGuid():N}"[..20], "commune"));
            var campaign = await TestCampaigns.CreateAsync(admin, new() { ["commune"] = set });
            var units = await TestCampaigns.UnitsAsync(admin, campaign);
            app.Clock.SetUtcNow(new DateTimeOffset(2025, 11, 3, 2, 0, 0, TimeSpan.Zero));
            return (campaign, units);
        });
        return (campaign, units[unitCode]);
    }

    /// <summary>
    /// A save on a node that has not read the unit's index set yet (a node just started, or one that took over from a killed
    /// one): on PostgreSQL the unit is read in one batch and the set after it, on the same connection.
    /// </summary>
    [Fact]
    public async Task A_save_on_a_node_that_has_not_read_the_index_set_yet_goes_through()
    {
        var (campaign, unit) = await OpenUnitAsync("P-HOAN-KIEM");
        await using var scope = app.Services.CreateAsyncScope();
        var cold = new Dtx.Campaign.Server.IndexSets.IndexSetCache();
        var desk = ActivatorUtilities.CreateInstance<AnswerDesk>(scope.ServiceProvider, cold,
            ActivatorUtilities.CreateInstance<AssessmentWork>(scope.ServiceProvider, cold));
        var saved = await desk.SaveAnswerAsync(campaign, unit, "1.3", new AnswerInput(null, null, null, 2, null, 0), "officer", default);
        Assert.Equal((2m, 1), (saved.Number!.Value, saved.Version));
    }

    /// <summary>
    /// Several people of one unit saving at the same moment, and a reference filed among them: every save is kept, each
    /// answer is scored with the evidence as it stands, and the totals count all of them (no save computes from entries
    /// another one changed meanwhile). Run twice over, since which request meets which is up to the machine.
    /// </summary>
    [Fact]
    public async Task Saves_of_one_unit_at_the_same_moment_are_all_kept_and_counted()
    {
        var (campaign, unit) = await OpenUnitAsync("P-BA-DINH");
        Task Save(string code, AnswerInput input) => Use<AnswerDesk, AnswerView>(a => a.SaveAnswerAsync(campaign, unit, code, input, "officer-" + code, default));
        await Task.WhenAll(
            Save("1.1", new AnswerInput(true, null, null, null, null, 0)),
            Save("1.2", new AnswerInput(null, 5, 10, null, null, 0)),
            Save("1.3", new AnswerInput(null, null, null, 3, null, 0)),
            Use<EvidenceDesk, EvidenceView>(e => e.AddReferenceAsync(campaign, unit, "1.1", new EvidenceItem
            {
                IndicatorCode = "1.1", Kind = EvidenceKind.Document, DocumentNumber = "12/QĐ-UBND", DocumentDate = new DateOnly(2025, 6, 1), DocumentIssuer = "UBND xã Đông Anh",
            }, "officer", default)));
        await Task.WhenAll(
            Save("1.1", new AnswerInput(true, null, null, null, "đã ban hành", 1)),
            Save("1.2", new AnswerInput(null, 5, 10, null, "theo báo cáo quý", 1)),
            Save("1.3", new AnswerInput(null, null, null, 3, "ba hệ thống", 1)));

        var view = (await Use<SelfAssessment, SelfAssessmentView?>(a => a.GetAsync(campaign, unit, default)))!;
        Assert.Equal(3, view.Answered);
        Assert.Equal([10m, 10m, 15m], view.Indicators.Where(i => i.Answer is not null).OrderBy(i => i.Code).Select(i => i.Answer!.SelfScore));
        Assert.Equal(["đã ban hành", "theo báo cáo quý", "ba hệ thống"], view.Indicators.Where(i => i.Answer is not null).OrderBy(i => i.Code).Select(i => i.Answer!.Explanation));
        Assert.Equal(35m, view.SelfTotal);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Dtx.Campaign.Server.Data.CampaignDbContext>();
        Assert.Equal(6, await db.Set<Dtx.Campaign.Server.Audit.AuditEntry>().CountAsync(e => e.UnitId == unit && e.Action == "self-assessment.answer-saved"));
        // Six saves and one reference: seven changes of the unit's entries, each counted once.
        Assert.Equal(7, await db.Participants.Where(p => p.CampaignId == campaign && p.UnitId == unit).Select(p => p.EntriesVersion).SingleAsync());
    }

    [Fact]
    public async Task A_whole_form_is_saved_together_or_not_at_all()
    {
        var (campaign, unit) = await OpenUnitAsync("X-DONG-ANH");

        // The second answer's stale version refuses the form after the first was taken in: neither is stored.
        var refused = await Assert.ThrowsAsync<Refusal>(() => Use<AnswerDesk, IReadOnlyList<AnswerView>>(a => a.SaveAnswersAsync(campaign, unit,
            [new AnswerChange("1.1", new AnswerInput(true, null, null, null, null, 0)), new AnswerChange("1.2", new AnswerInput(null, 5, 10, null, null, 3))], "officer", default)));
        Assert.Equal("self-assessment.version-conflict", refused.Code);
        var view = (await Use<SelfAssessment, SelfAssessmentView?>(a => a.GetAsync(campaign, unit, default)))!;
        Assert.Equal(0, view.Answered);
        Assert.Null(view.Indicators.Single(i => i.Code == "1.1").Answer);

        // References first, then the answers: 1.1 needs evidence and is scored with it; one transaction each.
        await Use<EvidenceDesk, IReadOnlyList<EvidenceView>>(a => a.AddReferencesAsync(campaign, unit, [new EvidenceItem
        {
            IndicatorCode = "1.1", Kind = EvidenceKind.Document, DocumentNumber = "12/QĐ-UBND", DocumentDate = new DateOnly(2025, 6, 1), DocumentIssuer = "UBND xã Đông Anh",
        }], "officer", default));
        var saved = await Use<AnswerDesk, IReadOnlyList<AnswerView>>(a => a.SaveAnswersAsync(campaign, unit,
            [new AnswerChange("1.1", new AnswerInput(true, null, null, null, null, 0)), new AnswerChange("1.2", new AnswerInput(null, 5, 10, null, null, 0)),
             new AnswerChange("1.3", new AnswerInput(null, null, null, 3, null, 0))], "officer", default));
        Assert.Equal([10m, 10m, 15m], saved.Select(a => a.SelfScore));
        view = (await Use<SelfAssessment, SelfAssessmentView?>(a => a.GetAsync(campaign, unit, default)))!;
        Assert.Equal(3, view.Answered);
        Assert.Equal(35m, view.SelfTotal);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Dtx.Campaign.Server.Data.CampaignDbContext>();
        Assert.Equal(3, await db.Set<Dtx.Campaign.Server.Audit.AuditEntry>().CountAsync(e => e.UnitId == unit && e.Action == "self-assessment.answer-saved"));
    }
}

public sealed class WholeFormTests_Postgres(PostgresApp app) : WholeFormTests(app), IClassFixture<PostgresApp>
{
    /// <summary>
    /// PostgreSQL's contexts are pooled: one handed back after a request changed its settings and tracked a row comes to
    /// the next request as its constructor made it (savepoints off) and with nothing tracked.
    /// </summary>
    [Fact]
    public async Task A_pooled_context_comes_to_the_next_request_as_configured_and_empty()
    {
        Data.CampaignDbContext used;
        await using (var request = App.Services.CreateAsyncScope())
        {
            used = request.ServiceProvider.GetRequiredService<Data.CampaignDbContext>();
            used.Database.AutoSavepointsEnabled = true;
            used.ChangeTracker.AutoDetectChangesEnabled = false;
            used.Add(new Microsoft.AspNetCore.DataProtection.EntityFrameworkCore.DataProtectionKey { FriendlyName = "left unsaved", Xml = "<key/>" });
        }
        // Lease until the same context comes back (the app's background services lease and return contexts meanwhile).
        var leased = new List<AsyncServiceScope>();
        try
        {
            Data.CampaignDbContext? again = null;
            for (var i = 0; i < 2000 && again is null; i++)
            {
                var request = App.Services.CreateAsyncScope();
                leased.Add(request);
                var context = request.ServiceProvider.GetRequiredService<Data.CampaignDbContext>();
                if (ReferenceEquals(context, used))
                    again = context;
            }
            Assert.NotNull(again);
            Assert.False(again.Database.AutoSavepointsEnabled);
            Assert.True(again.ChangeTracker.AutoDetectChangesEnabled);
            Assert.Empty(again.ChangeTracker.Entries());
        }
        finally
        {
            foreach (var request in leased)
                await request.DisposeAsync();
        }
    }

    /// <summary>
    /// The one-statement write of PostgreSQL's save path, met with what it guards against: a unit whose entries changed after
    /// they were read. Nothing of the stale write is stored (answer, totals, audit entry), and it says so, so that the save
    /// reads again.
    /// </summary>
    [Fact]
    public async Task A_write_computed_from_entries_that_changed_since_stores_nothing()
    {
        var (campaign, unit) = await OpenUnitAsync("P-NGOC-HA");
        await using var stale = App.Services.CreateAsyncScope();
        var db = stale.ServiceProvider.GetRequiredService<Dtx.Campaign.Server.Data.CampaignDbContext>();
        var work = stale.ServiceProvider.GetRequiredService<AssessmentWork>();
        var scope = (await work.ScopeAsync(campaign, unit, default))!;
        var entries = await work.EntriesAsync(scope, default, trackAnswers: true);

        // Meanwhile another person's save goes through.
        await Use<AnswerDesk, AnswerView>(a => a.SaveAnswerAsync(campaign, unit, "1.3", new AnswerInput(null, null, null, 3, null, 0), "other", default));

        var outcome = AnswerEditing.Apply(scope, entries, [new AnswerChange("1.2", new AnswerInput(null, 5, 10, null, null, 0))], "stale", App.Clock.GetUtcNow());
        db.AddRange(outcome.Added);
        stale.ServiceProvider.GetRequiredService<Dtx.Campaign.Server.Audit.AuditTrail>().Stage(outcome.Events);
        Assert.False(await Dtx.Campaign.Server.Data.GuardedSave.SaveAsync(db, AssessmentWork.LockKey(campaign, unit), scope.Participant, [scope.Campaign], default));

        var view = (await Use<SelfAssessment, SelfAssessmentView?>(a => a.GetAsync(campaign, unit, default)))!;
        Assert.Equal(["1.3"], view.Indicators.Where(i => i.Answer is not null).Select(i => i.Code));
        Assert.Equal(15m, view.SelfTotal);
        await using var check = App.Services.CreateAsyncScope();
        var audit = check.ServiceProvider.GetRequiredService<Dtx.Campaign.Server.Data.CampaignDbContext>().Set<Dtx.Campaign.Server.Audit.AuditEntry>();
        Assert.Equal(["1.3"], await audit.Where(e => e.UnitId == unit && e.Action == "self-assessment.answer-saved").Select(e => e.Detail).ToListAsync());
    }

    /// <summary>
    /// A unit whose row changes under every attempt (here a trigger makes every guarded write of it come to nothing, as eight
    /// writes of others in a row would): the save gives up with a 409 that tells whoever saved, in Vietnamese, to save again in a
    /// few seconds, and stores nothing.
    /// </summary>
    [Fact]
    public async Task A_save_that_loses_to_other_writes_eight_times_in_a_row_is_refused_in_the_readers_language_and_stores_nothing()
    {
        var (campaign, unit) = await OpenUnitAsync("P-CAU-GIAY");
        await using var scope = App.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<Dtx.Campaign.Server.Data.CampaignDbContext>();
        var participant = await db.Participants.Where(p => p.CampaignId == campaign && p.UnitId == unit).Select(p => p.Id).SingleAsync();
        await db.Database.ExecuteSqlRawAsync("CREATE FUNCTION test_unit_keeps_changing() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$");
        // DDL takes no parameters; the id is a Guid.
        var trigger = $"""
            CREATE TRIGGER test_unit_keeps_changing BEFORE UPDATE ON participants FOR EACH ROW WHEN (OLD."Id" = '{participant}')
            EXECUTE FUNCTION test_unit_keeps_changing()
            """;
        await db.Database.ExecuteSqlRawAsync(trigger);
        try
        {
            var admin = await App.LoginAsAdminAsync();
            var response = await admin.PutAsJsonAsync($"/api/campaigns/{campaign}/units/{unit}/self-assessment/answers/1.1", new { yes = true, version = 0 });
            Assert.Equal(System.Net.HttpStatusCode.Conflict, response.StatusCode);
            var problem = await response.Content.ReadAsStringAsync();
            Assert.Contains("\"code\":\"self-assessment.unit-busy\"", problem, StringComparison.Ordinal);
            Assert.Contains("bản tự đánh giá của P-CAU-GIAY đang được nhiều người sửa cùng lúc; hãy lưu lại sau ít giây", problem, StringComparison.Ordinal);
        }
        finally
        {
            await db.Database.ExecuteSqlRawAsync("DROP TRIGGER test_unit_keeps_changing ON participants; DROP FUNCTION test_unit_keeps_changing()");
        }
        Assert.False(await db.Set<Answer>().AnyAsync(a => a.ParticipantId == participant));
        Assert.False(await db.Set<Dtx.Campaign.Server.Audit.AuditEntry>().AnyAsync(e => e.UnitId == unit && e.Action == "self-assessment.answer-saved"));
        // Once the unit is quiet again the same save goes through.
        await Use<AnswerDesk, AnswerView>(a => a.SaveAnswerAsync(campaign, unit, "1.1", new AnswerInput(true, null, null, null, null, 0), "officer", default));
        Assert.True(await db.Set<Answer>().AnyAsync(a => a.ParticipantId == participant && a.IndicatorCode == "1.1" && a.Yes == true));
    }
}

public sealed class WholeFormTests_Sqlite(SqliteApp app) : WholeFormTests(app), IClassFixture<SqliteApp>;
