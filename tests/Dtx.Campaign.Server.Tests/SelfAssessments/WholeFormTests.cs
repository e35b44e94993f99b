using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.SelfAssessments;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dtx.Campaign.Server.Tests.SelfAssessments;

/// <summary>A whole form saved at once (answers, document references): all or none. A class of its own: it moves the app's clock.</summary>
public abstract class WholeFormTests(CampaignApp app)
{
    [Fact]
    public async Task A_whole_form_is_saved_together_or_not_at_all()
    {
        var admin = await app.LoginAsAdminAsync();
        await app.ImportHanoiUnitsAsync(admin);
        var set = await TestIndexSets.UploadAsync(admin, TestIndexSets.Small($"sa-form-{Guid.NewGuid():N}"[..20], "commune"));
        var campaign = await TestCampaigns.CreateAsync(admin, new() { ["commune"] = set });
        var unit = (await TestCampaigns.UnitsAsync(admin, campaign))["X-DONG-ANH"];
        app.Clock.SetUtcNow(new DateTimeOffset(2025, 11, 3, 2, 0, 0, TimeSpan.Zero));
        async Task<T> Use<TCase, T>(Func<TCase, Task<T>> work) where TCase : notnull
        {
            await using var scope = app.Services.CreateAsyncScope();
            return await work(scope.ServiceProvider.GetRequiredService<TCase>());
        }

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

public sealed class WholeFormTests_Postgres(PostgresApp app) : WholeFormTests(app), IClassFixture<PostgresApp>;

public sealed class WholeFormTests_Sqlite(SqliteApp app) : WholeFormTests(app), IClassFixture<SqliteApp>;
