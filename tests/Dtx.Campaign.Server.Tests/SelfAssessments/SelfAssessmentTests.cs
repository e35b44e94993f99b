using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dtx.Campaign.Server.Tests.Infrastructure;

namespace Dtx.Campaign.Server.Tests.SelfAssessments;

/// <summary>
/// One campaign told in order, as the clock moves: a unit fills in, is refused bad values and stale
/// edits, attaches evidence, submits; another misses the deadline; a third works on under an extension.
/// </summary>
public abstract class SelfAssessmentTests(CampaignApp app)
{
    // These assertions read the English texts (Accept-Language: en); RefusalLanguageTests checks the Vietnamese default.
    private static HttpClient InEnglish(HttpClient client)
    {
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
        return client;
    }

    private static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n");

    [Fact]
    public async Task A_unit_self_assesses_submits_and_the_deadline_closes_the_others()
    {
        var admin = InEnglish(await app.LoginAsAdminAsync());
        await app.ImportHanoiUnitsAsync(admin);
        var citySet = await TestIndexSets.UploadAsync(admin, TestIndexSets.Small($"sa-city-{Guid.NewGuid():N}"[..20], "department", flaggedGroup: "digital-economy"));
        var communeSet = await TestIndexSets.UploadAsync(admin, TestIndexSets.Small($"sa-com-{Guid.NewGuid():N}"[..20], "commune"));
        var campaign = await TestCampaigns.CreateAsync(admin, new() { ["department"] = citySet, ["commune"] = communeSet });
        var units = await TestCampaigns.UnitsAsync(admin, campaign);
        string Base(string code) => $"/api/campaigns/{campaign}/units/{units[code]}/self-assessment";
        var skhcn = Base("SKHCN");   // flagged for the digital economy: 2 groups apply
        var snv = Base("SNV");       // not flagged: group 2 does not apply

        // Before the opening date nothing can be saved.
        var early = await admin.PutAsJsonAsync($"{skhcn}/answers/1.1", new { yes = true, version = 0 });
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        Assert.Contains("self-assessment opens at 01/11/2025 08:00 (Vietnam time)", await early.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("self-assessment.not-open", (await early.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());

        app.Clock.SetUtcNow(new DateTimeOffset(2025, 11, 3, 2, 0, 0, TimeSpan.Zero));
        admin = InEnglish(await app.LoginAsAdminAsync()); // the session cookie expires with the clock, as it should
        var view = await admin.GetFromJsonAsync<JsonElement>(snv);
        Assert.Equal(3, view.GetProperty("applicable").GetInt32());
        Assert.Equal(4, (await admin.GetFromJsonAsync<JsonElement>(skhcn)).GetProperty("applicable").GetInt32());

        // Values that do not fit the method are refused and change nothing.
        var wrongField = await admin.PutAsJsonAsync($"{skhcn}/answers/1.1", new { number = 3, version = 0 });
        Assert.Equal(HttpStatusCode.BadRequest, wrongField.StatusCode);
        Assert.Contains("'number' is not used by the yes-no method of indicator 1.1", await wrongField.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var outOfRange = await admin.PutAsJsonAsync($"{skhcn}/answers/1.2", new { numerator = 12, denominator = 10, version = 0 });
        var ratio = await outOfRange.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("input.numerator-exceeds", ratio.GetProperty("code").GetString());
        Assert.Contains("the numerator (12) cannot exceed the denominator (10)", ratio.GetProperty("errors").GetProperty("answers.1.2")[0].GetString(), StringComparison.Ordinal);
        var notApplicable = await admin.PutAsJsonAsync($"{snv}/answers/2.1", new { number = 3, version = 0 });
        Assert.Equal(HttpStatusCode.NotFound, notApplicable.StatusCode);

        // Saves are scored; a repeated save is harmless; a stale version is a conflict, not an overwrite.
        var saved = await (await admin.PutAsJsonAsync($"{skhcn}/answers/1.2", new { numerator = 45, denominator = 60, version = 0 })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(15m, saved.GetProperty("selfScore").GetDecimal());
        Assert.Equal(1, saved.GetProperty("version").GetInt32());
        var retried = await admin.PutAsJsonAsync($"{skhcn}/answers/1.2", new { numerator = 45, denominator = 60, version = 0 });
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal(1, (await retried.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32());
        var stale = await admin.PutAsJsonAsync($"{skhcn}/answers/1.2", new { numerator = 50, denominator = 60, version = 0 });
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Equal("version-conflict", (await stale.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("reason").GetString());

        // Evidence: a disguised or unknown type is refused; a real PDF turns the yes into points.
        (await admin.PutAsJsonAsync($"{skhcn}/answers/1.1", new { yes = true, version = 0 })).EnsureSuccessStatusCode();
        Assert.Equal(0m, Indicator(await admin.GetFromJsonAsync<JsonElement>(skhcn), "1.1").GetProperty("answer").GetProperty("selfScore").GetDecimal());
        var exe = await admin.PostAsync($"{skhcn}/evidence/files", Upload("tool.exe", [0x4D, 0x5A, 0x90], "1.1"));
        Assert.Contains("files of type '.exe' are not accepted", await exe.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var disguised = await admin.PostAsync($"{skhcn}/evidence/files", Upload("decision.pdf", [0x4D, 0x5A, 0x90, 0x00], "1.1"));
        Assert.Contains("is not a .pdf file", await disguised.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("evidence.content-mismatch", (await disguised.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        var uploaded = await admin.PostAsync($"{skhcn}/evidence/files", Upload("../../Quyết định 15.pdf", Pdf, "1.1"));
        Assert.Equal(HttpStatusCode.Created, uploaded.StatusCode);
        var evidence = await uploaded.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Quyết định 15.pdf", evidence.GetProperty("fileName").GetString());
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Pdf)), evidence.GetProperty("sha256").GetString());
        Assert.Equal(10m, Indicator(await admin.GetFromJsonAsync<JsonElement>(skhcn), "1.1").GetProperty("answer").GetProperty("selfScore").GetDecimal());
        var download = await admin.GetAsync(uploaded.Headers.Location);
        Assert.Equal("application/pdf", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", download.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal(Pdf, await download.Content.ReadAsByteArrayAsync());
        var reference = await admin.PostAsJsonAsync($"{skhcn}/evidence/references", new { code = "1.3", kind = "document", documentNumber = "15/TB-UBND", documentDate = "2025-10-23", documentIssuer = "UBND TP Hà Nội" });
        Assert.Equal(HttpStatusCode.Created, reference.StatusCode);

        // Submit lists what is missing, then succeeds once complete; after that the unit cannot edit.
        var incomplete = await admin.PostAsync($"{skhcn}/submit", null);
        Assert.Equal(HttpStatusCode.BadRequest, incomplete.StatusCode);
        var missing = await incomplete.Content.ReadAsStringAsync();
        Assert.Equal("self-assessment.not-answered", JsonDocument.Parse(missing).RootElement.GetProperty("code").GetString());
        Assert.Contains("1.3 ", missing, StringComparison.Ordinal);
        Assert.Contains(": not answered", missing, StringComparison.Ordinal);
        Assert.Contains("2.1 ", missing, StringComparison.Ordinal);
        (await admin.PutAsJsonAsync($"{skhcn}/answers/1.3", new { number = 3, version = 0 })).EnsureSuccessStatusCode();
        (await admin.PutAsJsonAsync($"{skhcn}/answers/2.1", new { number = 2, version = 0 })).EnsureSuccessStatusCode();
        var submitted = await (await admin.PostAsync($"{skhcn}/submit", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("submitted", submitted.GetProperty("status").GetString());
        Assert.Equal(60m, submitted.GetProperty("selfTotal").GetDecimal()); // 10 + 15 + 15 + 20
        Assert.Equal(60m, submitted.GetProperty("selfPercentage").GetDecimal());
        var afterSubmit = await admin.PutAsJsonAsync($"{skhcn}/answers/1.3", new { number = 4, version = 1 });
        Assert.Equal(HttpStatusCode.Conflict, afterSubmit.StatusCode);
        Assert.Contains("can be changed only if the council returns it", await afterSubmit.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("self-assessment.locked", (await afterSubmit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());

        // SNV starts but does not finish; SYT gets an extension.
        (await admin.PutAsJsonAsync($"{snv}/answers/1.3", new { number = 1, version = 0 })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync($"/api/campaigns/{campaign}/units/{units["SYT"]}/extension", new { until = "2025-12-05T17:00:00", reason = "Thay đổi cán bộ đầu mối" })).EnsureSuccessStatusCode();

        // SYT's calendar feed, read anonymously by a standard parser, shows its own deadline.
        var feed = (await admin.GetFromJsonAsync<JsonElement>(Base("SYT"))).GetProperty("calendarFeed").GetString()!;
        var ics = await app.CreateClient().GetAsync(feed);
        Assert.Equal("text/calendar", ics.Content.Headers.ContentType?.MediaType);
        var calendar = Ical.Net.Calendar.Load(await ics.Content.ReadAsStringAsync())!;
        var deadline = calendar.Events.Single(e => e.Summary!.StartsWith("Hạn nộp tự đánh giá", StringComparison.Ordinal));
        Assert.Equal(new DateTime(2025, 12, 5, 10, 0, 0, DateTimeKind.Utc), deadline.DtStart!.AsUtc);
        Assert.Contains("Thay đổi cán bộ đầu mối", deadline.Description, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await app.CreateClient().GetAsync("/calendar/not-a-token.ics")).StatusCode);

        // 30 Nov 17:00 in Hanoi has passed.
        app.Clock.SetUtcNow(new DateTimeOffset(2025, 11, 30, 10, 0, 1, TimeSpan.Zero));
        admin = InEnglish(await app.LoginAsAdminAsync());
        var late = await admin.PutAsJsonAsync($"{snv}/answers/1.1", new { yes = true, version = 0 });
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Contains("the deadline was 30/11/2025 17:00 (Vietnam time)", await late.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var lateSubmit = await admin.PostAsync($"{snv}/submit", null);
        Assert.Equal(HttpStatusCode.Conflict, lateSubmit.StatusCode);
        (await admin.PutAsJsonAsync($"{Base("SYT")}/answers/1.3", new { number = 2, version = 0 })).EnsureSuccessStatusCode();

        var progress = (await admin.GetFromJsonAsync<JsonElement[]>($"/api/campaigns/{campaign}/progress"))!.ToDictionary(r => r.GetProperty("unitCode").GetString()!);
        Assert.Equal("submitted", progress["SKHCN"].GetProperty("status").GetString());
        Assert.Equal("in-progress", progress["SNV"].GetProperty("status").GetString());
        Assert.True(progress["SNV"].GetProperty("overdue").GetBoolean());
        Assert.Equal(33.3m, progress["SNV"].GetProperty("percentAnswered").GetDecimal());
        Assert.True(progress["SYT"].GetProperty("extended").GetBoolean());
        Assert.False(progress["SYT"].GetProperty("overdue").GetBoolean());
        Assert.Equal("not-started", progress["STP"].GetProperty("status").GetString());
    }

    private static JsonElement Indicator(JsonElement view, string code) =>
        view.GetProperty("indicators").EnumerateArray().Single(i => i.GetProperty("code").GetString() == code);

    private static MultipartFormDataContent Upload(string name, byte[] bytes, string code)
    {
        var content = Multipart.File(name, bytes);
        content.Add(new StringContent(code), "code");
        return content;
    }
}

public sealed class SelfAssessmentTests_Postgres(PostgresApp app) : SelfAssessmentTests(app), IClassFixture<PostgresApp>;

public sealed class SelfAssessmentTests_Sqlite(SqliteApp app) : SelfAssessmentTests(app), IClassFixture<SqliteApp>;
