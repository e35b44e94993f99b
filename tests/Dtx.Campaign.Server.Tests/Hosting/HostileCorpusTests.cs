using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Notices;
using Dtx.Campaign.Server.SelfAssessments;
using Dtx.Campaign.Server.Tests.Imports;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Dtx.Campaign.Server.Tests.Hosting;

/// <summary>
/// A standing corpus of hostile requests sent to the real server: files built to exhaust a parser, deep JSON,
/// huge numbers, wrong content types, oversized and empty bodies, NUL and bidirectional overrides in text
/// fields. Each must be refused with a 4xx problem, the server must still answer /healthz, and nothing may
/// be stored. Add a case here for every new way in.
/// </summary>
public abstract class HostileCorpusTests(CampaignApp app, ITestOutputHelper log)
{
    private sealed record Case(string Name, Func<HttpClient, Task<HttpResponseMessage>> Send);

    private static HttpContent Json(string json) => new StringContent(json, Encoding.UTF8, "application/json");

    private static MultipartFormDataContent Evidence(string name, byte[] bytes)
    {
        var content = Multipart.File(name, bytes);
        content.Add(new StringContent("1.1"), "code");
        return content;
    }

    /// <summary>The unit import page's upload as a browser sends it (antiforgery token, a file, and one more text field).</summary>
    private static async Task<HttpResponseMessage> PageUploadAsync(HttpClient client, string note)
    {
        var page = await client.GetStringAsync("/admin/imports");
        var token = System.Text.RegularExpressions.Regex.Match(page, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.NotEmpty(token);
        var content = Multipart.File("units.csv", "authority,code,name_vi,name_en,category\nHN,PAGE1,Sở Một,One,department\n");
        content.Add(new StringContent(token), "__RequestVerificationToken");
        content.Add(new StringContent(note), "note");
        return await client.PostAsync("/admin/imports?handler=Units", content);
    }

    private static byte[] FakeDocx()
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        using (var writer = new StreamWriter(zip.CreateEntry("readme.txt").Open()))
            writer.Write("not an office document");
        return buffer.ToArray();
    }

    private async Task<long[]> StoredAsync()
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CampaignDbContext>();
        return
        [
            await db.IndexSets.CountAsync(), await db.Units.CountAsync(), await db.Authorities.CountAsync(), await db.Campaigns.CountAsync(),
            await db.Set<TemplateVersion>().CountAsync(), await db.Set<EvidenceItem>().CountAsync(), await db.Set<Answer>().CountAsync(),
        ];
    }

    [Fact]
    public async Task Every_hostile_request_is_refused_with_a_problem_and_nothing_is_stored()
    {
        var admin = await app.LoginAsAdminAsync();
        await app.ImportHanoiUnitsAsync(admin);
        var set = await TestIndexSets.UploadAsync(admin, TestIndexSets.Small($"hc-{Guid.NewGuid():N}"[..20], "department"));
        var campaign = await TestCampaigns.CreateAsync(admin, new() { ["department"] = set });
        var units = await TestCampaigns.UnitsAsync(admin, campaign);
        app.Clock.SetUtcNow(new DateTimeOffset(2025, 11, 3, 2, 0, 0, TimeSpan.Zero));
        admin = await app.LoginAsAdminAsync();
        var assessment = $"/api/campaigns/{campaign}/units/{units["SKHCN"]}/self-assessment";
        var answer = $"{assessment}/answers/1.1";
        const string template = "/api/templates/notices/deadline-reminder.vi.html";
        var deep = Encoding.UTF8.GetBytes(HostileFiles.DeepYaml());

        Case[] cases =
        [
            new("YAML nested 100 000 deep (validate)", c => c.PostAsync("/api/index-sets/validate", Multipart.File("deep.yaml", deep))),
            new("YAML nested 100 000 deep (import)", c => c.PostAsync("/api/index-sets", Multipart.File("deep.yaml", deep))),
            new("YAML billion laughs", c => c.PostAsync("/api/index-sets/validate", Multipart.File("laughs.yaml", HostileFiles.BillionLaughs()))),
            new("YAML over the size limit", c => c.PostAsync("/api/index-sets/validate", Multipart.File("big.yaml", "key: t\n#" + new string('x', 3_000_000)))),
            new("xlsx zip bomb (units)", c => c.PostAsync("/api/units/import", Multipart.File("units.xlsx", HostileFiles.ZipBomb()))),
            new("xlsx zip bomb (index set)", c => c.PostAsync("/api/index-sets/validate", Multipart.File("set.xlsx", HostileFiles.ZipBomb()))),
            new("xlsx zip bomb over the entry size", c => c.PostAsync("/api/units/import", Multipart.File("units.xlsx", HostileFiles.ZipBomb(30)))),
            new("CSV field of 100 000 characters", c => c.PostAsync("/api/units/import", Multipart.File("units.csv", HostileFiles.CsvWithLongField()))),
            new("CSV with 200 columns", c => c.PostAsync("/api/units/import", Multipart.File("units.csv",
                string.Join(',', Enumerable.Range(0, 200).Select(i => $"c{i}")) + "\n" + string.Join(',', Enumerable.Range(0, 200)) + "\n"))),
            new("CSV with a NUL in a unit name", c => c.PostAsync("/api/units/import", Multipart.File("units.csv",
                "authority,code,name_vi,name_en,category\nHN,NUL1,Sở\u0000Một,One,department\n"))),
            new("CSV with a right-to-left override in a unit name", c => c.PostAsync("/api/units/import", Multipart.File("units.csv",
                "authority,code,name_vi,name_en,category\nHN,RLO1,Sở \u202Egpj.exe,One,department\n"))),
            new("upload over the body limit", c => c.PostAsync("/api/units/import", Multipart.File("units.csv", new byte[11 * 1024 * 1024]))),
            new("multipart without a file", c => c.PostAsync("/api/units/import", new MultipartFormDataContent { { new StringContent("x"), "other" } })),
            new("empty body where a file is expected", c => c.PostAsync("/api/index-sets", new ByteArrayContent([]))),
            new("unsupported file type", c => c.PostAsync("/api/units/import", Multipart.File("units.exe", "MZ"))),
            new("text/plain where JSON is expected", c => c.PutAsync(answer, new StringContent("{\"yes\":true,\"version\":0}", Encoding.UTF8, "text/plain"))),
            new("XML where JSON is expected", c => c.PutAsync(answer, new StringContent("<answer yes='true'/>", Encoding.UTF8, "application/xml"))),
            new("empty JSON body", c => c.PutAsync(answer, Json(""))),
            new("JSON nested 10 000 deep", c => c.PutAsync(answer, Json(new string('[', 10_000) + new string(']', 10_000)))),
            new("JSON number beyond decimal", c => c.PutAsync(answer, Json("{\"numerator\":1e400,\"denominator\":1,\"version\":0}"))),
            new("JSON number of 100 000 digits", c => c.PutAsync(answer, Json("{\"number\":" + new string('9', 100_000) + ",\"version\":0}"))),
            new("JSON wrong type", c => c.PutAsync(answer, Json("{\"yes\":\"maybe\",\"version\":0}"))),
            new("JSON body over 2 MB", c => c.PutAsync(template, Json("{\"content\":\"" + new string('a', 3_000_000) + "\"}"))),
            new("NUL in an explanation", c => c.PutAsync(answer, Json("{\"yes\":true,\"explanation\":\"a\\u0000b\",\"version\":0}"))),
            new("bidi override in an explanation", c => c.PutAsync(answer, Json("{\"yes\":true,\"explanation\":\"\u202Egpj.exe\",\"version\":0}"))),
            new("NUL in a template", c => c.PutAsync(template, Json("{\"content\":\"Kính gửi\\u0000\"}"))),
            new("bidi override in a campaign name", c => c.PostAsync("/api/campaigns", Json("{\"authority\":\"HN\",\"year\":2031,\"nameVi\":\"\\u202Eabc\",\"nameEn\":\"x\"}"))),
            new("NUL in an evidence reference", c => c.PostAsync($"{assessment}/evidence/references", Json("{\"code\":\"1.1\",\"url\":\"https://x.example/\\u0000\"}"))),
            new("NUL in a page form field", c => c.PostAsync("/Admin/NewCampaign", new FormUrlEncodedContent(new Dictionary<string, string>
                { ["Authority"] = "HN", ["Year"] = "2032", ["NameVi"] = "Đánh giá\u0000", ["NameEn"] = "x" }))),
            new("bidi override in a page form field", c => c.PostAsync("/Admin/NewCampaign", new FormUrlEncodedContent(new Dictionary<string, string>
                { ["Authority"] = "HN", ["Year"] = "2032", ["NameVi"] = "\u202Egpj.exe", ["NameEn"] = "x" }))),
            new("template with an endless loop", c => c.PutAsJsonAsync(template, new { content = "{{ while true; x = 1; end }}" })),
            new("template over 200 000 characters", c => c.PutAsJsonAsync(template, new { content = new string('a', 200_001) })),
            new("evidence: %PDF- followed by HTML", c => c.PostAsync($"{assessment}/evidence/files", Evidence("decision.pdf", Encoding.ASCII.GetBytes("%PDF-1.4\n<html><script>alert(1)</script></html>")))),
            new("evidence: %PDF-, HTML and a forged trailer", c => c.PostAsync($"{assessment}/evidence/files",
                Evidence("decision.pdf", Encoding.ASCII.GetBytes("%PDF-1.4\n<html><script>alert(1)</script></html>\ntrailer <<>>\nstartxref\n9\n%%EOF\n")))),
            new("NUL in a multipart page form field", c => PageUploadAsync(c, "Ghi chú\u0000")),
            new("bidi override in a multipart page form field", c => PageUploadAsync(c, "\u202Egpj.exe")),
            new("evidence: a zip named .docx", c => c.PostAsync($"{assessment}/evidence/files", Evidence("report.docx", FakeDocx()))),
            new("evidence: a zip bomb named .xlsx", c => c.PostAsync($"{assessment}/evidence/files", Evidence("data.xlsx", HostileFiles.ZipBomb()))),
            new("evidence: PNG signature without a header", c => c.PostAsync($"{assessment}/evidence/files", Evidence("photo.png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0, 0x3C, 0x68, 0x74, 0x6D]))),
            new("evidence: an executable named .pdf", c => c.PostAsync($"{assessment}/evidence/files", Evidence("decision.pdf", [0x4D, 0x5A, 0x90, 0x00]))),
        ];

        var before = await StoredAsync();
        int refused = 0, serverErrors = 0;
        var failures = new List<string>();
        foreach (var hostile in cases)
        {
            using var response = await hostile.Send(admin);
            var status = (int)response.StatusCode;
            var body = await response.Content.ReadAsStringAsync();
            var problem = response.Content.Headers.ContentType?.MediaType == "application/problem+json";
            if (status >= 500)
                serverErrors++;
            if (status is >= 400 and < 500 && problem && JsonDocument.Parse(body).RootElement.TryGetProperty("title", out _))
                refused++;
            else
                failures.Add($"{hostile.Name}: {status} {response.Content.Headers.ContentType} {body[..Math.Min(body.Length, 300)]}");
            Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/healthz")).StatusCode);
        }
        var after = await StoredAsync();
        var stored = before.Zip(after, (b, a) => a - b).Sum();
        var summary = $"hostile corpus: {cases.Length} cases, {refused} refused cleanly, {stored} stored, {serverErrors} 5xx";
        log.WriteLine(summary);
        Console.WriteLine($"[{app.Provider}] {summary}");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal((cases.Length, 0L, 0), (refused, stored, serverErrors));

        // A file name's bidirectional override and control characters are stripped, not stored.
        var pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n");
        var cleaned = await admin.PostAsync($"{assessment}/evidence/files", Evidence("bi\u00ADên-b\u202Eản\u0007.pdf", pdf));
        Assert.Equal(HttpStatusCode.Created, cleaned.StatusCode);
        Assert.Equal("bi\u00ADên-bản.pdf", (await cleaned.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("fileName").GetString());
    }
}

public sealed class HostileCorpusTests_Postgres(PostgresApp app, ITestOutputHelper log) : HostileCorpusTests(app, log), IClassFixture<PostgresApp>;

public sealed class HostileCorpusTests_Sqlite(SqliteApp app, ITestOutputHelper log) : HostileCorpusTests(app, log), IClassFixture<SqliteApp>;
