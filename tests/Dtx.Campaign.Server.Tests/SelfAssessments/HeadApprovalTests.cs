using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dtx.Campaign.Server.Tests.Infrastructure;

namespace Dtx.Campaign.Server.Tests.SelfAssessments;

/// <summary>
/// Approval inside the unit (issue #20): in a campaign with head approval the focal officer prepares and sends the
/// self-assessment to the unit's head, who sends it back with a note or approves and submits it. Refusals are read in
/// Vietnamese, the default language, as the officer reads them.
/// </summary>
public abstract class HeadApprovalTests(CampaignApp app)
{
    private const string Password = "Head-Approval-Password-1";

    private static string CodeOf(JsonElement problem) => problem.GetProperty("code").GetString()!;

    [Fact]
    public async Task The_officer_prepares_the_head_sends_back_with_a_note_then_approves_and_the_submission_records_both()
    {
        var admin = await app.LoginAsAdminAsync();
        await app.ImportHanoiUnitsAsync(admin);
        var set = await TestIndexSets.UploadAsync(admin, TestIndexSets.Small($"ha-{Guid.NewGuid():N}"[..16], "commune"));
        var campaign = await TestCampaigns.CreateAsync(admin, new() { ["commune"] = set }, headApproval: true);
        Assert.True((await admin.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaign}")).GetProperty("headApproval").GetBoolean());
        var units = await TestCampaigns.UnitsAsync(admin, campaign);
        var unit = units["P-BA-DINH"];
        var path = $"/api/campaigns/{campaign}/units/{unit}/self-assessment";
        // A campaign without head approval, beside it: one step, as before.
        var oneStep = await TestCampaigns.CreateAsync(admin, new() { ["commune"] = set });
        var oneStepPath = $"/api/campaigns/{oneStep}/units/{(await TestCampaigns.UnitsAsync(admin, oneStep))["P-CAU-GIAY"]}/self-assessment";

        app.Clock.SetUtcNow(new DateTimeOffset(2025, 11, 3, 9, 0, 0, TimeSpan.FromHours(7)).ToUniversalTime());
        admin = await app.LoginAsAdminAsync();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var (officerEmail, headEmail) = ($"officer.{tag}@test.local", $"head.{tag}@test.local");
        await app.CreateUserAsync(officerEmail, Password);
        await app.CreateUserAsync(headEmail, Password);
        (await admin.PostAsJsonAsync($"/api/units/{unit}/members", new { email = officerEmail, role = "focal-officer" })).EnsureSuccessStatusCode();
        (await admin.PostAsJsonAsync($"/api/units/{unit}/members", new { email = headEmail, role = "head" })).EnsureSuccessStatusCode();
        var officer = await app.LoginAsync(officerEmail, Password);
        var head = await app.LoginAsync(headEmail, Password);

        // Incomplete: sending to the head is refused with the same list as a submission.
        var incomplete = await officer.PostAsync($"{path}/prepare", null);
        Assert.Equal(HttpStatusCode.BadRequest, incomplete.StatusCode);
        Assert.Equal("self-assessment.not-answered", CodeOf(await incomplete.Content.ReadFromJsonAsync<JsonElement>()));
        (await officer.PutAsJsonAsync($"{path}/answers/1.1", new { yes = false, version = 0 })).EnsureSuccessStatusCode();
        (await officer.PutAsJsonAsync($"{path}/answers/1.2", new { numerator = 45, denominator = 60, version = 0 })).EnsureSuccessStatusCode();
        (await officer.PutAsJsonAsync($"{path}/answers/1.3", new { number = 2, version = 0 })).EnsureSuccessStatusCode();
        (await officer.PutAsJsonAsync($"{path}/answers/2.1", new { number = 2, version = 0 })).EnsureSuccessStatusCode();

        // The officer cannot submit alone: told, in Vietnamese, to send it to the head.
        var alone = await officer.PostAsync($"{path}/submit", null);
        Assert.Equal(HttpStatusCode.Forbidden, alone.StatusCode);
        var aloneProblem = await alone.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("self-assessment.head-submits", CodeOf(aloneProblem));
        Assert.Contains("hãy gửi thủ trưởng duyệt", aloneProblem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        // Nor send it back: that is the head's.
        Assert.Equal(HttpStatusCode.Forbidden, (await officer.PostAsJsonAsync($"{path}/send-back", new { note = "tự trả lại" })).StatusCode);

        var prepare = await officer.PostAsync($"{path}/prepare", null);
        Assert.True(prepare.IsSuccessStatusCode, await prepare.Content.ReadAsStringAsync());
        var prepared = await prepare.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("awaiting-approval", prepared.GetProperty("status").GetString());
        Assert.Equal(officerEmail, prepared.GetProperty("approval").GetProperty("preparedBy").GetString());
        // While it waits, the form is locked for everyone, with the reason.
        var edit = await officer.PutAsJsonAsync($"{path}/answers/1.3", new { number = 3, version = 1 });
        Assert.Equal(HttpStatusCode.Conflict, edit.StatusCode);
        var editProblem = await edit.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("self-assessment.awaiting-approval", CodeOf(editProblem));
        Assert.Contains("đang chờ thủ trưởng đơn vị duyệt", editProblem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        // The head is e-mailed that a form waits for them (as the SMTP server received it), and finds it in the inbox.
        await app.DeliverMailAsync();
        var told = app.Smtp!.Messages().Single(m => m.To.Mailboxes.Single().Address == headEmail);
        Assert.Equal("Về việc bản tự đánh giá của đơn vị chờ thủ trưởng duyệt và nộp, đợt đánh giá chuyển đổi số năm 2025", told.Subject);
        Assert.Contains("Hạn cuối: 17:00 ngày 30/11/2025 (giờ Việt Nam)", told.TextBody, StringComparison.Ordinal);
        Assert.Equal(told.Subject, (await head.GetFromJsonAsync<JsonElement>("/api/inbox")).GetProperty("messages")[0].GetProperty("subject").GetString());
        var progress = await admin.GetFromJsonAsync<JsonElement[]>($"/api/campaigns/{campaign}/progress");
        Assert.Equal("awaiting-approval", progress!.Single(r => r.GetProperty("unitId").GetGuid() == unit).GetProperty("status").GetString());

        // The head sends it back: a note is required; with one, the officer can change the form again and reads the note.
        var noNote = await head.PostAsJsonAsync($"{path}/send-back", new { note = " " });
        Assert.Equal(HttpStatusCode.BadRequest, noNote.StatusCode);
        Assert.Equal("self-assessment.send-back-note", CodeOf(await noNote.Content.ReadFromJsonAsync<JsonElement>()));
        var back = await (await head.PostAsJsonAsync($"{path}/send-back", new { note = "Số cuộc họp phải là 3 theo biên bản." })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("in-progress", back.GetProperty("status").GetString());
        Assert.Equal("Số cuộc họp phải là 3 theo biên bản.", back.GetProperty("approval").GetProperty("sentBackNote").GetString());
        Assert.Equal(headEmail, back.GetProperty("approval").GetProperty("sentBackBy").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await head.PostAsJsonAsync($"{path}/send-back", new { note = "lần nữa" })).StatusCode);
        // The officer is told by e-mail (and in the inbox) that the form came back.
        await app.DeliverMailAsync();
        var backMail = app.Smtp!.Messages().Single(m => m.To.Mailboxes.Single().Address == officerEmail);
        Assert.Equal("Về việc bản tự đánh giá của đơn vị được thủ trưởng trả lại để sửa (ghi chú ở đầu bản tự đánh giá), đợt đánh giá chuyển đổi số năm 2025",
            backMail.Subject);
        Assert.Equal(backMail.Subject, (await officer.GetFromJsonAsync<JsonElement>("/api/inbox")).GetProperty("messages")[0].GetProperty("subject").GetString());
        (await officer.PutAsJsonAsync($"{path}/answers/1.3", new { number = 3, version = 1 })).EnsureSuccessStatusCode();
        var again = await (await officer.PostAsync($"{path}/prepare", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(JsonValueKind.Null, again.GetProperty("approval").GetProperty("sentBackNote").ValueKind);

        // The head approves and submits: the record names the approver, and who prepared what was approved.
        var submitted = await (await head.PostAsync($"{path}/submit", null)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("submitted", submitted.GetProperty("status").GetString());
        Assert.Equal(headEmail, submitted.GetProperty("approval").GetProperty("submittedBy").GetString());
        Assert.Equal(officerEmail, submitted.GetProperty("approval").GetProperty("preparedBy").GetString());
        Assert.Equal(50m, submitted.GetProperty("selfTotal").GetDecimal()); // 0 + 15 + 15 + 20

        // Both steps are journaled, in order, with who did them.
        var journal = await admin.GetFromJsonAsync<JsonElement[]>($"/api/audit?campaign={campaign}&action=self-assessment.");
        var steps = journal!.Where(e => e.GetProperty("action").GetString() is "self-assessment.prepared" or "self-assessment.sent-back" or "self-assessment.submitted")
            .OrderBy(e => e.GetProperty("id").GetInt64())
            .Select(e => $"{e.GetProperty("action").GetString()} {e.GetProperty("actor").GetString()}").ToList();
        Assert.Equal([$"self-assessment.prepared {officerEmail}", $"self-assessment.sent-back {headEmail}", $"self-assessment.prepared {officerEmail}",
            $"self-assessment.submitted {headEmail}"], steps);
        var submittedEntry = journal!.Single(e => e.GetProperty("action").GetString() == "self-assessment.submitted");
        Assert.Contains(officerEmail, submittedEntry.GetProperty("after").GetString(), StringComparison.Ordinal);

        // The undo of a submission: for 15 minutes, by the head only; the form goes back to the head's approval as it was.
        Assert.Equal(app.Clock.GetUtcNow().AddMinutes(15), submitted.GetProperty("withdrawableUntil").GetDateTimeOffset());
        var officerUndo = await officer.PostAsync($"{path}/withdraw", null);
        Assert.Equal(HttpStatusCode.Forbidden, officerUndo.StatusCode);
        Assert.Equal("self-assessment.head-withdraws", CodeOf(await officerUndo.Content.ReadFromJsonAsync<JsonElement>()));
        var withdrawn = await head.PostAsync($"{path}/withdraw", null);
        Assert.True(withdrawn.IsSuccessStatusCode, await withdrawn.Content.ReadAsStringAsync());
        var reopened = await withdrawn.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("awaiting-approval", reopened.GetProperty("status").GetString());
        Assert.Equal(50m, reopened.GetProperty("selfTotal").GetDecimal());
        Assert.Equal(JsonValueKind.Null, reopened.GetProperty("withdrawableUntil").ValueKind);
        Assert.Equal("awaiting-approval", (await admin.GetFromJsonAsync<JsonElement[]>($"/api/campaigns/{campaign}/progress"))!
            .Single(r => r.GetProperty("unitId").GetGuid() == unit).GetProperty("status").GetString());
        Assert.Single(await admin.GetFromJsonAsync<JsonElement[]>($"/api/audit?campaign={campaign}&action=self-assessment.withdrawn") ?? []);
        (await head.PostAsync($"{path}/submit", null)).EnsureSuccessStatusCode();
        // Past the 15 minutes it stays in, and the head is told why, in Vietnamese.
        app.Clock.Advance(TimeSpan.FromMinutes(15));
        head = await app.LoginAsync(headEmail, Password);
        var late = await head.PostAsync($"{path}/withdraw", null);
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        var lateProblem = await late.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("self-assessment.withdraw-too-late", CodeOf(lateProblem));
        Assert.StartsWith("chỉ rút lại được trong 15 phút sau khi nộp (đã nộp lúc ", lateProblem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        admin = await app.LoginAsAdminAsync();

        // Without head approval there is no head step: sending to a head is refused, the view has no approval part.
        var prepareOneStep = await admin.PostAsync($"{oneStepPath}/prepare", null);
        Assert.Equal(HttpStatusCode.Conflict, prepareOneStep.StatusCode);
        Assert.Equal("self-assessment.no-head-approval", CodeOf(await prepareOneStep.Content.ReadFromJsonAsync<JsonElement>()));
        Assert.Equal(JsonValueKind.Null, (await admin.GetFromJsonAsync<JsonElement>(oneStepPath)).GetProperty("approval").ValueKind);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsJsonAsync($"{oneStepPath}/send-back", new { note = "x" })).StatusCode);
    }
}

public sealed class HeadApprovalTests_Postgres(PostgresMailApp app) : HeadApprovalTests(app), IClassFixture<PostgresMailApp>;

public sealed class HeadApprovalTests_Sqlite(SqliteMailApp app) : HeadApprovalTests(app), IClassFixture<SqliteMailApp>;
