using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Results;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Dtx.Campaign.Server.Tests.Web;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dtx.Campaign.Server.Tests.Results;

/// <summary>
/// Published results and how they are kept honest, on one campaign published per database: <see cref="PublishedCampaign"/>
/// (two yearly campaigns driven through the API) is the costliest set-up of the suite, and three classes each ran it
/// (~25 s of CPU each, twice). In order: the public pages before and after publication (<see cref="PublicPages"/>), a
/// total edited inside the stored document (<see cref="ResultsVerify"/>), then the per-unit result rows
/// (<see cref="UnitResultRows"/>). Each part asserts what its class did; between them the document is put back as
/// published, so that the next part starts from the genuine results.
/// </summary>
[LongRunning]
public abstract class PublishedResultsTests(UnitResultRows.LoggedApp app)
{
    [Fact]
    public async Task Public_pages_show_results_only_once_published_and_an_edited_document_or_unit_row_is_refused_and_reported()
    {
        var pages = new PublicPages(app);
        var published = await PublishedCampaign.RunAsync(app, pages.NotYetPublishedAsync);
        await pages.PublishedAsync(published);

        string document;
        await using (var scope = app.Services.CreateAsyncScope())
            document = (await scope.ServiceProvider.GetRequiredService<CampaignDbContext>().Set<ResultSet>().AsNoTracking()
                .SingleAsync(r => r.CampaignId == published.Id && r.Kind == ResultKinds.Final)).Document;
        await new ResultsVerify(app).EditedDocumentAsync(published);
        // Put back as published (the edit left the checksum column alone), and forget what was read from the edit.
        await using (var scope = app.Services.CreateAsyncScope())
            Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<CampaignDbContext>().Set<ResultSet>()
                .Where(r => r.CampaignId == published.Id && r.Kind == ResultKinds.Final).ExecuteUpdateAsync(s => s.SetProperty(r => r.Document, document)));
        await app.Services.GetRequiredService<PublishedPages>().ChangedAsync(CancellationToken.None);

        await new UnitResultRows(app).RowsAsync(published);
    }
}

public sealed class PublishedResultsTests_Postgres(PostgresLoggedApp app) : PublishedResultsTests(app), IClassFixture<PostgresLoggedApp>;

public sealed class PublishedResultsTests_Sqlite(SqliteLoggedApp app) : PublishedResultsTests(app), IClassFixture<SqliteLoggedApp>;
