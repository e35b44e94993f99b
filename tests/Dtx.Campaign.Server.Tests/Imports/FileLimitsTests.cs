using System.Net;
using System.Text.Json;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dtx.Campaign.Server.Tests.Imports;

/// <summary>Hostile files are refused by their limits with a 413 problem naming the limit, and nothing is stored.</summary>
public abstract class FileLimitsTests(CampaignApp app)
{
    private async Task<JsonElement> RefusedAsync(HttpClient admin, string url, string fileName, byte[] bytes, string limit)
    {
        var response = await admin.PostAsync(url, Multipart.File(fileName, bytes));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"{url} {fileName}: {(int)response.StatusCode} {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal(limit, problem.GetProperty("limit").GetString());
        // Vietnamese unless asked otherwise; the limit's name stays as clients read it.
        Assert.Contains($"(giới hạn: {limit})", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var first = problem.GetProperty("problems")[0];
        Assert.Equal(limit, first.GetProperty("parameters").GetProperty("limit").GetString());
        Assert.EndsWith($"(giới hạn: {limit})", first.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/healthz")).StatusCode);
        return problem;
    }

    private async Task<(int IndexSets, int Units)> CountsAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CampaignDbContext>();
        return (await db.IndexSets.CountAsync(), await db.Units.CountAsync());
    }

    [Fact]
    public async Task YAML_nested_100000_deep_is_refused_naming_the_depth_limit_and_line()
    {
        var admin = await app.LoginAsAdminAsync();
        var before = await CountsAsync();
        var problem = await RefusedAsync(admin, "/api/index-sets/validate", "deep.yaml", System.Text.Encoding.UTF8.GetBytes(HostileFiles.DeepYaml()), "depth");
        Assert.Equal("deep.yaml: không có gì được lưu. deep.yaml, dòng 2, (limit): các mục lồng nhau quá 64 cấp (giới hạn: depth)", problem.GetProperty("detail").GetString());
        Assert.Equal("yaml.too-deep", problem.GetProperty("problems")[0].GetProperty("code").GetString());
        await RefusedAsync(admin, "/api/index-sets", "deep.yaml", System.Text.Encoding.UTF8.GetBytes(HostileFiles.DeepYaml()), "depth");
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task YAML_with_nested_aliases_is_refused_by_its_expanded_node_count()
    {
        var admin = await app.LoginAsAdminAsync();
        await RefusedAsync(admin, "/api/index-sets/validate", "laughs.yaml", System.Text.Encoding.UTF8.GetBytes(HostileFiles.BillionLaughs()), "nodes");
    }

    [Fact]
    public async Task A_workbook_that_unpacks_a_hundredfold_is_refused_from_its_zip_directory()
    {
        var admin = await app.LoginAsAdminAsync();
        var before = await CountsAsync();
        var bomb = HostileFiles.ZipBomb();
        Assert.True(bomb.Length < 100_000, $"{bomb.Length} bytes");
        await RefusedAsync(admin, "/api/units/import", "units.xlsx", bomb, "zip-ratio");
        await RefusedAsync(admin, "/api/index-sets/validate", "set.xlsx", bomb, "zip-ratio");
        await RefusedAsync(admin, "/api/units/import", "units.xlsx", HostileFiles.ZipBomb(30), "zip-entry-size");
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task A_CSV_field_longer_than_a_cell_is_refused()
    {
        var admin = await app.LoginAsAdminAsync();
        var before = await CountsAsync();
        await RefusedAsync(admin, "/api/units/import", "units.csv", System.Text.Encoding.UTF8.GetBytes(HostileFiles.CsvWithLongField()), "cell-length");
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task A_CSV_with_too_many_rows_is_refused_naming_the_row()
    {
        var admin = await app.LoginAsAdminAsync();
        var csv = new System.Text.StringBuilder("authority,code,name_vi,name_en,category\n");
        for (var i = 0; i < 20_001; i++)
            csv.Append("HN,U").Append(i).Append(",a,b,department\n");
        var problem = await RefusedAsync(admin, "/api/units/import", "units.csv", System.Text.Encoding.UTF8.GetBytes(csv.ToString()), "rows");
        Assert.Contains("units.csv, dòng 20001, row: tệp có quá 20000 dòng (giới hạn: rows)", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_upload_over_the_endpoint_body_limit_is_refused_with_a_problem()
    {
        var admin = await app.LoginAsAdminAsync();
        var response = await admin.PostAsync("/api/units/import", Multipart.File("units.csv", new byte[11 * 1024 * 1024]));
        // Kestrel answers 413 at the request size limit; the test server enforces the multipart limit (400).
        Assert.Contains(response.StatusCode, new[] { HttpStatusCode.RequestEntityTooLarge, HttpStatusCode.BadRequest });
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("limit", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_CLI_refuses_the_same_files_with_exit_1_naming_file_line_and_limit()
    {
        var directory = Directory.CreateTempSubdirectory("dtx-limits-");
        try
        {
            var deep = Path.Combine(directory.FullName, "deep.yaml");
            await File.WriteAllTextAsync(deep, HostileFiles.DeepYaml());
            var bomb = Path.Combine(directory.FullName, "units.xlsx");
            await File.WriteAllBytesAsync(bomb, HostileFiles.ZipBomb());

            var validate = await app.RunCliAsync("index-set", "validate", deep);
            Assert.Equal(1, validate.ExitCode);
            Assert.Contains("deep.yaml:2 (limit): ", validate.Error, StringComparison.Ordinal);
            Assert.Contains("(limit: depth)", validate.Error, StringComparison.Ordinal);
            var units = await app.RunCliAsync("units", "import", bomb);
            Assert.Equal(1, units.ExitCode);
            Assert.Contains("(limit: zip-ratio)", units.Error, StringComparison.Ordinal);

            // The real executable too: before the limit, 100 000 '[' aborted it with a stack overflow (exit 134).
            var settings = new Dictionary<string, string>
            {
                ["Database:Provider"] = "sqlite",
                ["ConnectionStrings:Campaign"] = $"Data Source={Path.Combine(directory.FullName, "cli.db")}",
                ["Storage:DataDirectory"] = directory.FullName,
            };
            var (exit, output) = await ServerProcess.RunAsync(settings, "index-set", "validate", deep);
            Assert.True(exit == 1, output);
            Assert.Contains("deep.yaml:2 (limit): ", output, StringComparison.Ordinal);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}

public sealed class FileLimitsTests_Postgres(PostgresApp app) : FileLimitsTests(app), IClassFixture<PostgresApp>;

public sealed class FileLimitsTests_Sqlite(SqliteApp app) : FileLimitsTests(app), IClassFixture<SqliteApp>;
