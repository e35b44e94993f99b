using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dtx.Campaign.Server.Tests.IndexSets;

public abstract class IndexSetApiTests(CampaignApp app)
{
    private static string Sample(string file) => File.ReadAllText(RepositoryFiles.Data("index-sets", file));

    /// <summary>A sample under a key of its own, so tests in this class do not share versions.</summary>
    private static string Renamed(string file, out string key)
    {
        key = $"t-{Guid.NewGuid():N}"[..14];
        var yaml = Sample(file);
        var original = yaml.Split('\n').First(l => l.StartsWith("key: ", StringComparison.Ordinal));
        return yaml.Replace(original, $"key: {key}", StringComparison.Ordinal);
    }

    private async Task<int> CountAsync(string key)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CampaignDbContext>().IndexSets.CountAsync(s => s.Key == key);
    }

    [Fact]
    public async Task A_YAML_index_set_is_stored_as_a_draft_with_its_tree_then_published()
    {
        var admin = await app.LoginAsAdminAsync();
        var created = await admin.PostAsync("/api/index-sets", Multipart.File("dong-thap.yaml", Renamed("dong-thap-2022-district.yaml", out var key)));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var summary = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("draft", summary.GetProperty("status").GetString());
        Assert.Equal(35, summary.GetProperty("indicatorCount").GetInt32());
        Assert.Equal(400m, summary.GetProperty("maxPoints").GetDecimal());

        var id = summary.GetProperty("id").GetGuid();
        var detail = await admin.GetFromJsonAsync<JsonElement>($"/api/index-sets/{id}");
        var definition = detail.GetProperty("definition");
        Assert.Equal(8, definition.GetProperty("groups").GetArrayLength());
        Assert.Equal("tiers", definition.GetProperty("groups")[0].GetProperty("children")[1].GetProperty("method").GetProperty("kind").GetString());
        Assert.Equal(2, definition.GetProperty("bonusRules").GetArrayLength());

        var published = await admin.PostAsync($"/api/index-sets/{id}/publish", null);
        Assert.Equal("published", (await published.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        Assert.Equal(key, summary.GetProperty("key").GetString());
    }

    [Fact]
    public async Task A_published_version_is_immutable_and_a_new_version_supersedes_it()
    {
        var admin = await app.LoginAsAdminAsync();
        var yaml = Renamed("dong-thap-2022-department.yaml", out var key);
        var v1 = (await (await admin.PostAsync("/api/index-sets?publish=true", Multipart.File("set.yaml", yaml))).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var again = await admin.PostAsync("/api/index-sets", Multipart.File("set.yaml", yaml));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains($"set.yaml: bộ chỉ số '{key}' v1 đã ban hành, không thể thay đổi nữa; hãy lưu thay đổi thành phiên bản 2", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var v2 = await admin.PostAsync($"/api/index-sets/{v1}/versions", null);
        Assert.Equal(HttpStatusCode.Created, v2.StatusCode);
        var v2Id = (await v2.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        (await admin.PostAsync($"/api/index-sets/{v2Id}/publish", null)).EnsureSuccessStatusCode();

        var versions = await admin.GetFromJsonAsync<JsonElement[]>($"/api/index-sets?key={key}");
        Assert.Equal(["2:published", "1:superseded"], versions!.Select(v => $"{v.GetProperty("version").GetInt32()}:{v.GetProperty("status").GetString()}"));
        var republish = await admin.PostAsync($"/api/index-sets/{v1}/publish", null);
        Assert.Equal(HttpStatusCode.Conflict, republish.StatusCode);
    }

    [Fact]
    public async Task A_broken_file_is_refused_with_every_problem_located_and_nothing_stored()
    {
        var admin = await app.LoginAsAdminAsync();
        var yaml = Renamed("dong-thap-2022-department.yaml", out var key)
            .Replace("        max: 7\n", "        max: 9\n", StringComparison.Ordinal)
            .Replace("{key: average, name: {vi: \"Trung bình\", en: \"Average\"}, from: 50, to: 60}", "{key: average, name: {vi: \"Trung bình\", en: \"Average\"}, from: 55, to: 60}", StringComparison.Ordinal);

        var response = await admin.PostAsync("/api/index-sets", Multipart.File("broken.yaml", yaml));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problems = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("problems").EnumerateArray()
            .Select(p => $"{p.GetProperty("file").GetString()}:{p.GetProperty("line")} {p.GetProperty("field").GetString()}: {p.GetProperty("code").GetString()}: {p.GetProperty("message").GetString()}").ToList();
        Assert.Contains(problems, p => p.StartsWith("broken.yaml:", StringComparison.Ordinal)
            && p.Contains("node 1.max: index-set.children-sum: tổng điểm tối đa của các chỉ tiêu con là 24, không phải 20", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("rating-bands.average.from: index-set.band-gap: để hở sau khung 'weak': từ 50 đến 55 không có xếp loại", StringComparison.Ordinal));
        Assert.Equal(0, await CountAsync(key));

        // Validating lists the same problems in the same shape, in the caller's language.
        using var validate = new HttpRequestMessage(HttpMethod.Post, "/api/index-sets/validate") { Content = Multipart.File("broken.yaml", yaml) };
        validate.Headers.AcceptLanguage.ParseAdd("en");
        var report = await (await admin.SendAsync(validate)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(report.GetProperty("valid").GetBoolean());
        var gap = Assert.Single(report.GetProperty("problems").EnumerateArray(), p => p.GetProperty("code").GetString() == "index-set.band-gap");
        Assert.Equal("leaves a gap after band 'weak': 50 to 55 has no rating", gap.GetProperty("message").GetString());
        Assert.Equal(("rating-bands.average.from", "weak", 55), (gap.GetProperty("field").GetString(), gap.GetProperty("parameters").GetProperty("band").GetString(),
            gap.GetProperty("parameters").GetProperty("to").GetInt32()));
    }

    [Fact]
    public async Task An_Excel_workbook_with_one_row_per_node_imports_like_the_YAML()
    {
        var admin = await app.LoginAsAdminAsync();
        var yaml = await (await admin.PostAsync("/api/index-sets/validate", Multipart.File("x.yaml", Sample("hanoi-2025-city.yaml")))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(yaml.GetProperty("valid").GetBoolean());
        var set = Dtx.Campaign.Scoring.IndexSets.IndexSetYamlReader.Read(Sample("hanoi-2025-city.yaml")).Set! with { Key = $"xlsx-{Guid.NewGuid():N}"[..16] };

        var response = await admin.PostAsync("/api/index-sets", Multipart.File("hanoi.xlsx", TestIndexSets.ToWorkbook(set)));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var summary = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(34, summary.GetProperty("indicatorCount").GetInt32());
        Assert.Equal(1000m, summary.GetProperty("maxPoints").GetDecimal());
    }

    [Fact]
    public async Task A_workbook_with_a_decimal_comma_or_a_word_for_a_number_is_refused_naming_each_cell()
    {
        var admin = await app.LoginAsAdminAsync();
        var set = Dtx.Campaign.Scoring.IndexSets.IndexSetYamlReader.Read(Sample("hanoi-2025-city.yaml")).Set! with { Key = $"xlsx-{Guid.NewGuid():N}"[..16] };
        // The workbook as an office would edit it: the bonus cap typed as a word, a maximum with a Vietnamese decimal comma.
        using var original = new MemoryStream(TestIndexSets.ToWorkbook(set));
        var sheets = new Dictionary<string, object>();
        foreach (var name in MiniExcelLibs.MiniExcel.GetSheetNames(original))
        {
            var rows = MiniExcelLibs.MiniExcel.Query(original, useHeaderRow: true, sheetName: name)
                .Select(r => new Dictionary<string, object?>((IDictionary<string, object?>)r)).ToList();
            if (name == "index-set")
                rows.Single(r => (string?)r["field"] == "bonus_cap")["value"] = "mười";
            if (name == "nodes")
                rows[0]["max"] = "1,5";
            sheets[name] = rows;
        }
        using var edited = new MemoryStream();
        MiniExcelLibs.MiniExcel.SaveAs(edited, sheets);

        var response = await admin.PostAsync("/api/index-sets", Multipart.File("hanoi.xlsx", edited.ToArray()));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problems = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("problems").EnumerateArray()
            .Select(p => (p.GetProperty("field").GetString(), p.GetProperty("code").GetString(), p.GetProperty("message").GetString())).ToList();
        Assert.Contains(("index-set!bonus_cap", "file.not-number", "'mười' không phải là số (dùng dấu chấm cho phần thập phân)"), problems);
        Assert.Contains(("max", "file.not-number", "'1,5' không phải là số (dùng dấu chấm cho phần thập phân)"), problems);
        Assert.Equal(0, await CountAsync(set.Key));
    }

    [Fact]
    public async Task The_index_set_commands_validate_and_import_and_refuse_a_bad_file_with_exit_code_1()
    {
        var valid = await app.RunCliAsync("index-set", "validate", RepositoryFiles.Data("index-sets", "hanoi-2025-commune.yaml"));
        Assert.Equal(0, valid.ExitCode);
        Assert.Contains("valid. hanoi-commune v1, 8 groups, 47 indicators, 1000 points", valid.Output, StringComparison.Ordinal);

        var broken = Path.Combine(Path.GetTempPath(), $"broken-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(broken, Renamed("hanoi-2025-commune.yaml", out var key).Replace("level: commune", "level: hamlet", StringComparison.Ordinal));
        try
        {
            var refused = await app.RunCliAsync("index-set", "import", broken);
            Assert.Equal(1, refused.ExitCode);
            Assert.Contains($"{Path.GetFileName(broken)} level: unknown unit category 'hamlet'", refused.Error, StringComparison.Ordinal);
            Assert.Equal(0, await CountAsync(key));
        }
        finally
        {
            File.Delete(broken);
        }
    }
}

public sealed class IndexSetApiTests_Postgres(PostgresApp app) : IndexSetApiTests(app), IClassFixture<PostgresApp>;

public sealed class IndexSetApiTests_Sqlite(SqliteApp app) : IndexSetApiTests(app), IClassFixture<SqliteApp>;
