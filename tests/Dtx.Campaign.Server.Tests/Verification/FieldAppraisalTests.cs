using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dtx.Campaign.Scoring.IndexSets;
using Dtx.Campaign.Server.Tests.Infrastructure;

namespace Dtx.Campaign.Server.Tests.Verification;

/// <summary>
/// Appraisal by field (issue #20): the index set names the unit that verifies a group (verified-by); the council's member
/// from that unit is given the group across every unit in one step, never their own; their work list shows each unit's
/// indicators of the field with self-score, evidence and verdict; a verifying unit outside the campaign is refused.
/// </summary>
public abstract class FieldAppraisalTests(CampaignApp app)
{
    private const string Secretary = "thuky.field@demo.hanoi.invalid";
    private const string HomeAffairs = "snv.field@demo.hanoi.invalid";   // works for the Department of Home Affairs (SNV)
    private const string WardMember = "badinh.field@demo.hanoi.invalid"; // works for UBND phường Ba Đình
    private const string Password = "Field-Password-2025";

    /// <summary>Communes: group 1 verified by the Department of Home Affairs (or <paramref name="verifier"/>), group 2 by nobody named.</summary>
    private static IndexSet Communes(string key, string verifier = "SNV") => TestIndexSets.Small(key, "commune") is var set
        ? set with { Groups = [set.Groups[0] with { VerifyingUnit = verifier }, set.Groups[1]] } : set;

    private static async Task<JsonElement> OkAsync(Task<HttpResponseMessage> call)
    {
        var response = await call;
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{response.RequestMessage?.RequestUri} → {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    [Fact]
    public async Task The_verifying_units_member_gets_the_field_across_the_units_and_works_through_a_list_of_them()
    {
        app.Clock.SetUtcNow(new DateTimeOffset(2025, 10, 1, 9, 0, 0, TimeSpan.FromHours(7)).ToUniversalTime());
        var admin = await app.LoginAsAdminAsync();
        await app.ImportHanoiUnitsAsync(admin);
        foreach (var email in new[] { Secretary, HomeAffairs, WardMember })
            await app.CreateUserAsync(email, Password);
        var units = (await OkAsync(admin.GetAsync("/api/units"))).EnumerateArray().ToDictionary(u => u.GetProperty("code").GetString()!, u => u.GetProperty("id").GetGuid());
        var departments = await TestIndexSets.UploadAsync(admin, TestIndexSets.Small($"fd-{Guid.NewGuid():N}"[..16], "department"));

        // A verifying unit that does not take part is refused, naming the indicator, in Vietnamese; nothing is created.
        var stranger = await TestIndexSets.UploadAsync(admin, Communes($"fx-{Guid.NewGuid():N}"[..16], verifier: "CONG-AN"));
        var refused = await admin.PostAsJsonAsync("/api/campaigns", new
        {
            authority = "HN", year = 2025, nameVi = "Đánh giá 2025", nameEn = "Assessment 2025", schedule = TestCampaigns.Schedule(),
            indexSets = new Dictionary<string, Guid> { ["department"] = departments, ["commune"] = stranger },
        });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("campaign.verifying-unit-unknown", problem.GetProperty("code").GetString());
        Assert.Equal("chỉ số 1 do đơn vị 'CONG-AN' thẩm định, nhưng đơn vị này không tham gia đợt đánh giá",
            problem.GetProperty("errors").GetProperty("indexSets.commune")[0].GetString());

        var communes = await TestIndexSets.UploadAsync(admin, Communes($"fc-{Guid.NewGuid():N}"[..16]));
        var campaign = await TestCampaigns.CreateAsync(admin, new() { ["department"] = departments, ["commune"] = communes }, countUnsubmittedDrafts: true, council:
        [
            new { fullName = "Chủ tịch", email = TestCampaigns.ChairEmail, role = "chair" },
            new { fullName = "Thư ký", email = Secretary, role = "secretary" },
            new { fullName = "Lê Minh Châu — Sở Nội vụ", email = HomeAffairs, role = "member", unitId = units["SNV"] },
            new { fullName = "Thành viên phường Ba Đình", email = WardMember, role = "member", unitId = units["P-BA-DINH"] },
        ]);
        var verification = $"/api/campaigns/{campaign}/verification";
        var communeCount = (await TestCampaigns.UnitsAsync(admin, campaign)).Keys.Count(k => k.StartsWith("P-", StringComparison.Ordinal) || k.StartsWith("X-", StringComparison.Ordinal));

        // The secretary gives each field whose verifying unit the index set names to the council's members from that unit.
        var secretary = await app.LoginAsync(Secretary, Password);
        // A campaign that does not exist: 404 with the refusal code, from the seat binding, before the handler runs.
        var noCampaign = await secretary.PostAsync($"/api/campaigns/{Guid.NewGuid()}/verification/fields/from-index-sets", null);
        Assert.Equal(HttpStatusCode.NotFound, noCampaign.StatusCode);
        Assert.Equal("not-found", (await noCampaign.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        var fromSets = await OkAsync(secretary.PostAsync($"{verification}/fields/from-index-sets", null));
        var field = Assert.Single(fromSets.GetProperty("assigned").EnumerateArray());
        Assert.Equal(("1", "commune", "Lê Minh Châu — Sở Nội vụ"), (field.GetProperty("groupCode").GetString(), field.GetProperty("category").GetString(), field.GetProperty("memberName").GetString()));
        Assert.Equal(communeCount, field.GetProperty("units").GetInt32());
        Assert.Equal(0, fromSets.GetProperty("withoutMember").GetArrayLength());
        // By hand: group 2 to the ward's member, everywhere but in their own ward.
        var seats = (await OkAsync(admin.GetAsync($"/api/campaigns/{campaign}"))).GetProperty("councilSeats").EnumerateArray().ToList();
        var ward = seats.Single(s => s.GetProperty("email").GetString() == WardMember).GetProperty("id").GetGuid();
        var byHand = Assert.Single((await OkAsync(secretary.PostAsJsonAsync($"{verification}/fields", new { fields = new[] { new { memberId = ward, groupCode = "2", category = "commune" } } }))).EnumerateArray());
        Assert.Equal(communeCount - 1, byHand.GetProperty("units").GetInt32());
        Assert.Equal(["P-BA-DINH"], byHand.GetProperty("ownUnitsLeftOut").EnumerateArray().Select(u => u.GetString()));
        var unknown = await secretary.PostAsJsonAsync($"{verification}/fields", new { fields = new[] { new { memberId = ward, groupCode = "9" } } });
        Assert.Equal("verification.field-unknown", (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());

        // Ba Đình fills in group 1 (1.1 with evidence); Cầu Giấy answers 1.2 only.
        app.Clock.SetUtcNow(new DateTimeOffset(2025, 11, 3, 9, 0, 0, TimeSpan.FromHours(7)).ToUniversalTime());
        await app.FireDueTimersAsync();
        admin = await app.LoginAsAdminAsync();
        var badinh = $"/api/campaigns/{campaign}/units/{units["P-BA-DINH"]}/self-assessment";
        await OkAsync(admin.PutAsJsonAsync($"{badinh}/answers/1.1", new { yes = true, version = 0 }));
        await OkAsync(admin.PostAsJsonAsync($"{badinh}/evidence/references", new { code = "1.1", kind = "document", documentNumber = "12/QĐ-UBND", documentDate = "2025-03-01", documentIssuer = "UBND phường Ba Đình" }));
        await OkAsync(admin.PutAsJsonAsync($"{badinh}/answers/1.2", new { numerator = 30, denominator = 40, version = 0 }));
        await OkAsync(admin.PutAsJsonAsync($"/api/campaigns/{campaign}/units/{units["P-CAU-GIAY"]}/self-assessment/answers/1.2", new { numerator = 10, denominator = 40, version = 0 }));

        // The member's work list: every commune, group 1's indicators with what each claims; nothing verified yet.
        var member = await app.LoginAsync(HomeAffairs, Password);
        // They were told of the assignment once, in their inbox (and by e-mail), though it covers every commune.
        var told = (await OkAsync(member.GetAsync("/api/inbox"))).GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("subject").GetString()).ToList();
        Assert.Equal(["Về việc phân công thẩm định (đơn vị và lĩnh vực được giao có trong trang Hội đồng thẩm định), đợt đánh giá chuyển đổi số năm 2025"], told);
        var work = await OkAsync(member.GetAsync($"{verification}/fields/1"));
        Assert.Equal(communeCount, work.GetProperty("units").GetArrayLength());
        Assert.Equal(communeCount * 3, work.GetProperty("indicators").GetInt32());
        Assert.Equal(0, work.GetProperty("verified").GetInt32());
        var row = work.GetProperty("units").EnumerateArray().Single(u => u.GetProperty("unitCode").GetString() == "P-BA-DINH");
        var indicators = row.GetProperty("indicators").EnumerateArray().ToDictionary(i => i.GetProperty("code").GetString()!);
        Assert.Equal((true, 10m, true), (indicators["1.1"].GetProperty("answered").GetBoolean(), indicators["1.1"].GetProperty("selfPoints").GetDecimal(), indicators["1.1"].GetProperty("evidenced").GetBoolean()));
        Assert.Equal((true, 15m, false), (indicators["1.2"].GetProperty("answered").GetBoolean(), indicators["1.2"].GetProperty("selfPoints").GetDecimal(), indicators["1.2"].GetProperty("evidenced").GetBoolean()));
        Assert.False(indicators["1.3"].GetProperty("answered").GetBoolean());
        // The field is theirs only: the ward's member is refused group 1's list, in Vietnamese.
        var notTheirs = await (await app.LoginAsync(WardMember, Password)).GetAsync($"{verification}/fields/1");
        Assert.Equal(HttpStatusCode.Forbidden, notTheirs.StatusCode);
        Assert.Equal("verification.group-not-assigned", (await notTheirs.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());

        // In the verification stage the member gives verdicts through the single review; the list and the progress follow.
        app.Clock.SetUtcNow(new DateTimeOffset(2025, 11, 30, 18, 0, 0, TimeSpan.FromHours(7)).ToUniversalTime());
        await app.FireDueTimersAsync();
        (member, admin) = (await app.LoginAsync(HomeAffairs, Password), await app.LoginAsAdminAsync()); // sessions expire with the clock
        await OkAsync(member.PutAsJsonAsync($"{verification}/units/{units["P-BA-DINH"]}/indicators/1.1", new { accept = true }));
        await OkAsync(member.PutAsJsonAsync($"{verification}/units/{units["P-BA-DINH"]}/indicators/1.2", new { accept = false, points = 10, note = "Tỷ lệ chưa khớp báo cáo" }));
        var after = (await OkAsync(member.GetAsync($"{verification}/fields/1"))).GetProperty("units").EnumerateArray().Single(u => u.GetProperty("unitCode").GetString() == "P-BA-DINH");
        Assert.Equal(2, after.GetProperty("verified").GetInt32());
        var verdict = after.GetProperty("indicators").EnumerateArray().Single(i => i.GetProperty("code").GetString() == "1.2");
        Assert.Equal((10m, "Tỷ lệ chưa khớp báo cáo"), (verdict.GetProperty("verifiedPoints").GetDecimal(), verdict.GetProperty("note").GetString()));
        var progress = (await OkAsync(admin.GetAsync($"{verification}/fields"))).EnumerateArray().ToList();
        Assert.Equal(2, progress.Count);
        var homeAffairs = progress.Single(p => p.GetProperty("groupCode").GetString() == "1");
        Assert.Equal((communeCount, communeCount * 3, 2), (homeAffairs.GetProperty("units").GetInt32(), homeAffairs.GetProperty("indicators").GetInt32(), homeAffairs.GetProperty("verified").GetInt32()));
        // Consolidation stays with the member in charge of the unit (or the organisers): a field's expert cannot complete it.
        var complete = await member.PostAsync($"{verification}/units/{units["P-BA-DINH"]}/complete", null);
        Assert.Equal(HttpStatusCode.Forbidden, complete.StatusCode);
        Assert.Equal("verification.not-assigned", (await complete.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        // A member sees only their own fields.
        Assert.Single((await OkAsync(member.GetAsync($"{verification}/fields"))).EnumerateArray());
    }
}

public sealed class FieldAppraisalTests_Postgres(PostgresApp app) : FieldAppraisalTests(app), IClassFixture<PostgresApp>;

public sealed class FieldAppraisalTests_Sqlite(SqliteApp app) : FieldAppraisalTests(app), IClassFixture<SqliteApp>;
