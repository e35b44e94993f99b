using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dtx.Campaign.Server.Tests.Campaigns;

public abstract class CampaignLaunchTests(CampaignApp app) : IAsyncLifetime
{
    private HttpClient admin = null!;
    private Guid citySet, communeSet;

    public async Task InitializeAsync()
    {
        admin = await app.LoginAsAdminAsync();
        // The refusals below are read in English; RefusalLanguageTests checks the Vietnamese default.
        admin.DefaultRequestHeaders.AcceptLanguage.ParseAdd("en");
        await app.ImportHanoiUnitsAsync(admin);
        var suffix = Guid.NewGuid().ToString("N")[..6];
        citySet = await TestIndexSets.UploadAsync(admin, TestIndexSets.Small($"city-{suffix}", "department", flaggedGroup: "digital-economy"));
        communeSet = await TestIndexSets.UploadAsync(admin, TestIndexSets.Small($"commune-{suffix}", "commune"));
    }

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>The 2025 calendar in Hanoi local time; the test clock starts on 1 Oct 2025.</summary>
    private static object Schedule(int year = 2025) => new
    {
        indexPublicationAt = $"{year}-10-23T08:00:00",
        selfAssessmentOpensAt = $"{year}-11-01T08:00:00",
        selfAssessmentClosesAt = $"{year}-11-30T17:00:00",
        verificationEndsAt = $"{year}-12-15T17:00:00",
        preliminaryResultsAt = $"{year}-12-16T08:00:00",
        disputesOpensAt = $"{year}-12-16T08:00:00",
        disputesClosesAt = $"{year}-12-23T17:00:00",
        finalPublicationAt = $"{year}-12-30T08:00:00",
    };

    private object Request(object? schedule = null, object? council = null, Dictionary<string, Guid>? sets = null) => new
    {
        authority = "HN",
        year = 2025,
        nameVi = "Đánh giá chuyển đổi số năm 2025",
        nameEn = "Digital transformation assessment 2025",
        indexSets = sets ?? new Dictionary<string, Guid> { ["department"] = citySet, ["commune"] = communeSet },
        schedule = schedule ?? Schedule(),
        council = council ?? new[]
        {
            new { fullName = "Phó Chủ tịch UBND TP", email = "chair@demo.hanoi.invalid", role = "chair" },
            new { fullName = "Giám đốc Sở KH&CN", email = "vice@demo.hanoi.invalid", role = "vice-chair" },
            new { fullName = "Thư ký hội đồng", email = "secretary@demo.hanoi.invalid", role = "secretary" },
        },
    };

    private async Task<JsonElement> CreateAsync(object request)
    {
        var response = await admin.PostAsJsonAsync("/api/campaigns", request);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task<Dictionary<string, string[]>> ErrorsOf(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").Deserialize<Dictionary<string, string[]>>()!;
    }

    [Fact]
    public async Task A_Hanoi_campaign_takes_all_143_units_and_stores_its_dates_in_UTC()
    {
        var campaign = await CreateAsync(Request());
        Assert.Equal(143, campaign.GetProperty("participants").GetInt32());
        Assert.Equal("draft", campaign.GetProperty("status").GetString());

        var detail = await admin.GetFromJsonAsync<JsonElement>($"/api/campaigns/{campaign.GetProperty("id")}");
        // 17:00 in Hanoi (UTC+7) is 10:00 UTC.
        Assert.Equal(new DateTimeOffset(2025, 11, 30, 10, 0, 0, TimeSpan.Zero), detail.GetProperty("scheduleUtc").GetProperty("selfAssessmentClosesAt").GetDateTimeOffset());
        Assert.Equal("2025-11-30T17:00:00", detail.GetProperty("scheduleLocal").GetProperty("selfAssessmentClosesAt").GetString());
    }

    [Fact]
    public async Task Dates_out_of_order_or_with_an_offset_are_refused_naming_each_field()
    {
        var bad = new
        {
            indexPublicationAt = "2025-10-23T08:00:00",
            selfAssessmentOpensAt = "2025-11-01T08:00:00",
            selfAssessmentClosesAt = "2025-11-01T08:00:00",
            verificationEndsAt = "2025-12-15T17:00:00Z",
            preliminaryResultsAt = "2025-12-16T08:00:00",
            disputesOpensAt = "2025-12-10T08:00:00",
            disputesClosesAt = "2025-12-23T17:00:00",
            finalPublicationAt = "2025-12-30T08:00:00",
        };
        var errors = await ErrorsOf(await admin.PostAsJsonAsync("/api/campaigns", Request(schedule: bad)));
        Assert.Contains("must be after the self-assessment opening (01/11/2025 08:00)", errors["schedule.selfAssessmentClosesAt"][0], StringComparison.Ordinal);
        Assert.Contains("without an offset", errors["schedule.verificationEndsAt"][0], StringComparison.Ordinal);
        Assert.Contains("must be on or after the preliminary results (16/12/2025 08:00)", errors["schedule.disputesOpensAt"][0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Launch_is_refused_until_index_sets_are_published_the_council_has_a_chair_the_signer_is_set_and_no_date_has_passed()
    {
        // No letterhead saved for the authority (whatever another test of this class did): nothing would say who signs.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<Server.Data.CampaignDbContext>();
            await db.Set<Server.Notices.Letterhead>().ExecuteDeleteAsync();
        }
        var unsigned = (await CreateAsync(Request())).GetProperty("id").GetGuid();
        var noSigner = await ErrorsOf(await admin.PostAsync($"/api/campaigns/{unsigned}/launch", null));
        Assert.Equal(["letterhead"], noSigner.Keys);
        Assert.Equal("the letterhead and signer of UBND Thành phố Hà Nội are not set: the campaign's notices and certificates must name who signs them. " +
            "Set them on the Letterheads page (/admin/letterheads), then launch again", noSigner["letterhead"][0]);
        await TestCampaigns.EnsureLetterheadAsync(admin);

        var draftSet = await TestIndexSets.UploadAsync(admin, TestIndexSets.Small($"draft-{Guid.NewGuid():N}"[..20], "department"), publish: false);
        var noChair = new[] { new { fullName = "Thành viên", email = "member@demo.hanoi.invalid", role = "member" } };
        var campaign = await CreateAsync(Request(council: noChair, sets: new() { ["department"] = draftSet, ["commune"] = communeSet }));
        var id = campaign.GetProperty("id").GetGuid();

        var errors = await ErrorsOf(await admin.PostAsync($"/api/campaigns/{id}/launch", null));
        Assert.Contains("not published", errors["indexSets.department"][0], StringComparison.Ordinal);
        Assert.Contains("has no chair", errors["council"][0], StringComparison.Ordinal);

        // The clock stands at 1 Oct 2025 09:00 in Hanoi: a publication on 30 Sep has already passed.
        var late = await CreateAsync(Request(schedule: new
        {
            indexPublicationAt = "2025-09-30T08:00:00",
            selfAssessmentOpensAt = "2025-11-01T08:00:00",
            selfAssessmentClosesAt = "2025-11-30T17:00:00",
            verificationEndsAt = "2025-12-15T17:00:00",
            preliminaryResultsAt = "2025-12-16T08:00:00",
            disputesOpensAt = "2025-12-16T08:00:00",
            disputesClosesAt = "2025-12-23T17:00:00",
            finalPublicationAt = "2025-12-30T08:00:00",
        }));
        var pastErrors = await ErrorsOf(await admin.PostAsync($"/api/campaigns/{late.GetProperty("id")}/launch", null));
        Assert.Contains("30/09/2025 08:00 (Vietnam time) has already passed", pastErrors["schedule.indexPublicationAt"][0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_draft_index_set_chosen_by_a_campaign_cannot_be_replaced_under_it()
    {
        var draft = TestIndexSets.Small($"chosen-{Guid.NewGuid():N}"[..20], "department");
        var draftId = await TestIndexSets.UploadAsync(admin, draft, publish: false);
        await CreateAsync(Request(sets: new() { ["department"] = draftId, ["commune"] = communeSet }));

        var replaced = await admin.PostAsync("/api/index-sets", Multipart.File($"{draft.Key}.xlsx", TestIndexSets.ToWorkbook(draft)));

        Assert.Equal(HttpStatusCode.Conflict, replaced.StatusCode);
        var problem = await replaced.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("index-set.draft-in-use", problem.GetProperty("code").GetString());
        Assert.Equal($"{draft.Key}.xlsx: the draft '{draft.Key}' v1 is already chosen by the campaign 'Đánh giá chuyển đổi số năm 2025'; " +
            "publish it as it is, or save your changes as the next version and choose that one", problem.GetProperty("detail").GetString());
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/index-sets/{draftId}")).StatusCode);
    }

    [Fact]
    public async Task A_valid_campaign_launches_once()
    {
        var id = (await CreateAsync(Request())).GetProperty("id").GetGuid();
        var launched = await TestCampaigns.LaunchAsync(admin, id);
        Assert.Equal(HttpStatusCode.OK, launched.StatusCode);
        Assert.Equal("launched", (await launched.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());

        var again = await ErrorsOf(await admin.PostAsync($"/api/campaigns/{id}/launch", null));
        Assert.Contains("only a draft can be launched", again["status"][0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Copying_last_years_campaign_moves_every_date_by_a_year_and_takes_the_current_index_set_version()
    {
        var source = await CreateAsync(Request());
        var city = await admin.GetFromJsonAsync<JsonElement>($"/api/index-sets/{citySet}");
        var newer = TestIndexSets.Small(city.GetProperty("summary").GetProperty("key").GetString()!, "department", version: 2, flaggedGroup: "digital-economy");
        var newerId = await TestIndexSets.UploadAsync(admin, newer);

        var response = await admin.PostAsJsonAsync($"/api/campaigns/{source.GetProperty("id")}/copy", new { });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var copy = await admin.GetFromJsonAsync<JsonElement>($"/api/campaigns/{(await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id")}");

        Assert.Equal(2026, copy.GetProperty("summary").GetProperty("year").GetInt32());
        Assert.Equal("Đánh giá chuyển đổi số năm 2026", copy.GetProperty("summary").GetProperty("nameVi").GetString());
        Assert.Equal(143, copy.GetProperty("summary").GetProperty("participants").GetInt32());
        Assert.Equal("2026-11-30T17:00:00", copy.GetProperty("scheduleLocal").GetProperty("selfAssessmentClosesAt").GetString());
        Assert.Equal(newerId, copy.GetProperty("indexSets").GetProperty("department").GetGuid());
        Assert.Equal(communeSet, copy.GetProperty("indexSets").GetProperty("commune").GetGuid());
        Assert.Equal(3, copy.GetProperty("council").GetArrayLength());
    }

    [Fact]
    public async Task An_extension_moves_one_units_deadline_and_must_come_after_the_campaigns()
    {
        var id = (await CreateAsync(Request())).GetProperty("id").GetGuid();
        var progress = await admin.GetFromJsonAsync<JsonElement[]>($"/api/campaigns/{id}/progress");
        var unit = progress!.First(r => r.GetProperty("unitCode").GetString() == "SKHCN").GetProperty("unitId").GetGuid();

        var early = await ErrorsOf(await admin.PostAsJsonAsync($"/api/campaigns/{id}/units/{unit}/extension", new { until = "2025-11-20T17:00:00", reason = "Sự cố hệ thống" }));
        Assert.Contains("must be after the campaign's deadline 30/11/2025 17:00", early["until"][0], StringComparison.Ordinal);
        var refused = await (await admin.PostAsJsonAsync($"/api/campaigns/{id}/units/{unit}/extension", new { until = "2025-11-20T17:00:00", reason = "Sự cố hệ thống" })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("extension.before-deadline", refused.GetProperty("code").GetString());
        Assert.Equal("30/11/2025 17:00", refused.GetProperty("parameters").GetProperty("deadline").GetString());
        var noReason = await ErrorsOf(await admin.PostAsJsonAsync($"/api/campaigns/{id}/units/{unit}/extension", new { until = "2025-12-05T17:00:00", reason = " " }));
        Assert.Contains("needs a reason", noReason["reason"][0], StringComparison.Ordinal);

        var granted = await admin.PostAsJsonAsync($"/api/campaigns/{id}/units/{unit}/extension", new { until = "2025-12-05T17:00:00", reason = "Sự cố hệ thống" });
        Assert.Equal(HttpStatusCode.OK, granted.StatusCode);
        var extended = await admin.GetFromJsonAsync<JsonElement[]>($"/api/campaigns/{id}/progress?status=extended");
        var row = Assert.Single(extended!);
        Assert.Equal(new DateTimeOffset(2025, 12, 5, 10, 0, 0, TimeSpan.Zero), row.GetProperty("deadline").GetDateTimeOffset());

        var audit = await admin.GetFromJsonAsync<JsonElement[]>($"/api/audit?campaign={id}&action=campaign.extension");
        Assert.Contains("Sự cố hệ thống", Assert.Single(audit!).GetProperty("after").GetString(), StringComparison.Ordinal);

        // The API's one date-time rule: an instant with its offset is accepted as well as a local time; anything else is named.
        var dotted = await ErrorsOf(await admin.PostAsJsonAsync($"/api/campaigns/{id}/units/{unit}/extension", new { until = "06/12/2025 17:00", reason = "Sự cố hệ thống" }));
        Assert.Contains("'06/12/2025 17:00' is not an ISO 8601 date and time", dotted["until"][0], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await admin.PostAsJsonAsync($"/api/campaigns/{id}/units/{unit}/extension",
            new { until = "2025-12-06T17:00+07:00", reason = "Sự cố hệ thống" })).StatusCode);
        Assert.Equal(new DateTimeOffset(2025, 12, 6, 10, 0, 0, TimeSpan.Zero),
            Assert.Single((await admin.GetFromJsonAsync<JsonElement[]>($"/api/campaigns/{id}/progress?status=extended"))!).GetProperty("deadline").GetDateTimeOffset());
    }
}

public sealed class CampaignLaunchTests_Postgres(PostgresApp app) : CampaignLaunchTests(app), IClassFixture<PostgresApp>;

public sealed class CampaignLaunchTests_Sqlite(SqliteApp app) : CampaignLaunchTests(app), IClassFixture<SqliteApp>;
