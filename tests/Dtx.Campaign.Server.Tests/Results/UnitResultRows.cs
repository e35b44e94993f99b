using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Results;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Query;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dtx.Campaign.Server.Tests.Results;

/// <summary>
/// Each result set is stored with one row per unit: the document's own bytes for the unit with their SHA-256. A unit's
/// results are read from its row alone (an edited document does not reach them, an edited row is refused to that unit
/// only), a result set without rows is read from its document, and <c>results verify</c> names a unit whose row was edited.
/// A part of <see cref="PublishedResultsTests"/>; it leaves the final result set without its rows.
/// </summary>
public sealed partial class UnitResultRows(UnitResultRows.LoggedApp app)
{
    [GeneratedRegex("(\"unitCode\":\"SNV\".*?\"total\":)([0-9.]+)")]
    private static partial Regex SnvTotal();

    public async Task RowsAsync(PublishedCampaign published)
    {
        var admin = await app.LoginAsAdminAsync();
        Guid snv, stc, finalSet;
        string document;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CampaignDbContext>();
            var units = await db.Units.Where(u => u.Code == "SNV" || u.Code == "STC").ToDictionaryAsync(u => u.Code, u => u.Id);
            (snv, stc) = (units["SNV"], units["STC"]);
            var sets = await db.Set<ResultSet>().AsNoTracking().Where(r => r.CampaignId == published.Id).ToListAsync();
            Assert.Equal(new[] { ResultKinds.Final, ResultKinds.Preliminary }, sets.Select(s => s.Kind).Order(StringComparer.Ordinal));
            foreach (var set in sets)
            {
                // The document is the record, as before: it hashes to its checksum.
                Assert.Equal(set.Checksum, Sha256(set.Document));
                var rows = await db.Set<UnitResultRow>().AsNoTracking().Where(r => r.ResultSetId == set.Id).ToDictionaryAsync(r => r.UnitId);
                using var parsed = JsonDocument.Parse(set.Document);
                var entries = parsed.RootElement.GetProperty("categories").EnumerateArray().SelectMany(c => c.GetProperty("units").EnumerateArray()).ToList();
                Assert.True(entries.Count > 10, $"{entries.Count} units");
                Assert.Equal(entries.Count, rows.Count);
                foreach (var entry in entries)
                {
                    var row = rows[entry.GetProperty("unitId").GetGuid()];
                    Assert.Equal(entry.GetRawText(), row.Result);
                    Assert.Equal(Sha256(row.Result), row.Checksum);
                }
            }
            finalSet = sets.Single(s => s.Kind == ResultKinds.Final).Id;
            document = sets.Single(s => s.Kind == ResultKinds.Final).Document;
        }
        var clean = await app.RunCliAsync("results", "verify");
        Assert.True(clean.ExitCode == 0, clean.Output + clean.Error);
        Assert.Contains($"campaign {published.Id} final: identical", clean.Output, StringComparison.Ordinal);
        Assert.Matches(@"\), [0-9]+ unit rows", clean.Output);

        // The document edited outside the server no longer hashes: the public ranking (read from it) is refused, while
        // a unit's results and page, read from its row, still answer with the genuine figures.
        await UpdateAsync<ResultSet>(r => r.Id == finalSet, s => s.SetProperty(r => r.Document, SnvTotal().Replace(document, m => m.Groups[1].Value + "98", 1)));
        await app.Services.GetRequiredService<PublishedPages>().ChangedAsync(CancellationToken.None);
        Assert.Equal(HttpStatusCode.Conflict, (await app.CreateClient().GetAsync($"/api/public/results/{published.Id}")).StatusCode);
        var fromRow = await ResultsOfAsync(admin, published.Id, snv);
        Assert.Equal(88m, fromRow.GetProperty("final").GetProperty("total").GetDecimal());
        Assert.Equal(1, fromRow.GetProperty("final").GetProperty("rank").GetInt32());
        Assert.Equal("SNV", fromRow.GetProperty("preliminary").GetProperty("unitCode").GetString());
        var page = await admin.GetAsync($"/unit/results/{published.Id}/{snv}");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("id=\"unit-total\">88", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await UpdateAsync<ResultSet>(r => r.Id == finalSet, s => s.SetProperty(r => r.Document, document));

        // SNV's row edited outside the server, its checksum left alone: SNV's results are refused (API and page) and logged;
        // STC, whose row is intact, is still served.
        var snvRow = await RowAsync(finalSet, snv);
        var forgedRow = snvRow.Result.Replace("\"total\":88,", "\"total\":98,", StringComparison.Ordinal);
        Assert.NotEqual(snvRow.Result, forgedRow);
        await UpdateAsync<UnitResultRow>(r => r.ResultSetId == finalSet && r.UnitId == snv, s => s.SetProperty(r => r.Result, forgedRow));
        await RefusedAsTamperedAsync(await admin.GetAsync($"/api/campaigns/{published.Id}/units/{snv}/results"));
        using (var pageRequest = new HttpRequestMessage(HttpMethod.Get, $"/unit/results/{published.Id}/{snv}"))
        {
            pageRequest.Headers.Accept.ParseAdd("text/html,application/xhtml+xml,*/*;q=0.8");
            var refusedPage = await admin.SendAsync(pageRequest);
            Assert.Equal(HttpStatusCode.Conflict, refusedPage.StatusCode);
            var html = await refusedPage.Content.ReadAsStringAsync();
            Assert.Contains("data-refusal=\"results.tampered\"", html, StringComparison.Ordinal);
            Assert.DoesNotContain("id=\"unit-total\">98", html, StringComparison.Ordinal);
        }
        Assert.Contains(app.CriticalLog, m => m.Contains($"final result row of unit {snv} in campaign {published.Id}", StringComparison.Ordinal));
        Assert.Equal(78m, (await ResultsOfAsync(admin, published.Id, stc)).GetProperty("final").GetProperty("total").GetDecimal());

        var (exit, output, error) = await app.RunCliAsync("results", "verify");
        Assert.Equal(1, exit);
        Assert.Contains($"campaign {published.Id} final: DIFFERENT", error, StringComparison.Ordinal);
        Assert.Contains($"SNV: its result row hashes to {Sha256(forgedRow)}, not its checksum {snvRow.Checksum}", error, StringComparison.Ordinal);
        Assert.Contains("SNV: its result row differs from the document's entry for the unit", error, StringComparison.Ordinal);
        Assert.Contains("SNV total: row 98, document 88", error, StringComparison.Ordinal);
        Assert.DoesNotContain("STC", error, StringComparison.Ordinal);
        Assert.Contains("1 different.", output, StringComparison.Ordinal);

        // Another unit's row copied over SNV's with its checksum hashes well, but is not SNV's: refused too.
        var stcRow = await RowAsync(finalSet, stc);
        await UpdateAsync<UnitResultRow>(r => r.ResultSetId == finalSet && r.UnitId == snv,
            s => s.SetProperty(r => r.Result, stcRow.Result).SetProperty(r => r.Checksum, stcRow.Checksum));
        await RefusedAsTamperedAsync(await admin.GetAsync($"/api/campaigns/{published.Id}/units/{snv}/results"));

        // A result set stored before the rows existed has none: its units are read from the document, which is checked as before.
        await using (var scope = app.Services.CreateAsyncScope())
            await scope.ServiceProvider.GetRequiredService<CampaignDbContext>().Set<UnitResultRow>().Where(r => r.ResultSetId == finalSet).ExecuteDeleteAsync();
        Assert.Equal(88m, (await ResultsOfAsync(admin, published.Id, snv)).GetProperty("final").GetProperty("total").GetDecimal());
        await UpdateAsync<ResultSet>(r => r.Id == finalSet, s => s.SetProperty(r => r.Document, SnvTotal().Replace(document, m => m.Groups[1].Value + "98", 1)));
        await RefusedAsTamperedAsync(await admin.GetAsync($"/api/campaigns/{published.Id}/units/{stc}/results"));
        await UpdateAsync<ResultSet>(r => r.Id == finalSet, s => s.SetProperty(r => r.Document, document));
        var withoutRows = await app.RunCliAsync("results", "verify");
        Assert.True(withoutRows.ExitCode == 0, withoutRows.Output + withoutRows.Error);
        Assert.Contains($"campaign {published.Id} final: identical", withoutRows.Output, StringComparison.Ordinal);
        Assert.Contains("no unit rows (stored before them: units are read from the document)", withoutRows.Output, StringComparison.Ordinal);
    }

    private static string Sha256(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private async Task UpdateAsync<T>(Expression<Func<T, bool>> which, Action<UpdateSettersBuilder<T>> set) where T : class
    {
        await using var scope = app.Services.CreateAsyncScope();
        Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<CampaignDbContext>().Set<T>().Where(which).ExecuteUpdateAsync(set));
    }

    private async Task<UnitResultRow> RowAsync(Guid resultSetId, Guid unitId)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CampaignDbContext>().Set<UnitResultRow>().AsNoTracking()
            .SingleAsync(r => r.ResultSetId == resultSetId && r.UnitId == unitId);
    }

    private static async Task<JsonElement> ResultsOfAsync(HttpClient client, Guid campaignId, Guid unitId)
    {
        var response = await client.GetAsync($"/api/campaigns/{campaignId}/units/{unitId}/results");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    private static async Task RefusedAsTamperedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await response.Content.ReadAsStringAsync();
        Assert.Contains("\"code\":\"results.tampered\"", problem, StringComparison.Ordinal);
        Assert.DoesNotContain("\"total\":98", problem, StringComparison.Ordinal);
    }

    /// <summary>The app, keeping what the server logs as critical (an edited result is logged for the administrators).</summary>
    public abstract class LoggedApp(ITestDatabase database) : CampaignApp(database)
    {
        private readonly CriticalMessages critical = new();

        public IReadOnlyCollection<string> CriticalLog => critical.Messages;

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureServices(services => services.AddSingleton<ILoggerProvider>(critical));
        }
    }

    private sealed class CriticalMessages : ILoggerProvider, ILogger
    {
        public ConcurrentQueue<string> Messages { get; } = new();

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel == LogLevel.Critical;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Critical)
                Messages.Enqueue(formatter(state, exception));
        }

        public void Dispose()
        {
        }
    }
}

public sealed class PostgresLoggedApp() : UnitResultRows.LoggedApp(new PostgresTestDatabase());

public sealed class SqliteLoggedApp() : UnitResultRows.LoggedApp(new SqliteTestDatabase());
