using System.Net.Http.Json;
using System.Text.Json;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Dtx.Campaign.Ui.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Dtx.Campaign.Ui.Tests;

/// <summary>
/// Appraisal by field in Chromium (issue #20): the secretary gives the field the index set says the Department of Home
/// Affairs verifies to its member in one click; that member works through the field's list across the communes on a
/// phone and, in the verification stage, accepts the field's evidenced self-scores in one confirmed step.
/// </summary>
public abstract class FieldAppraisalPageTests(CampaignApp app, Chromium chromium, ITestOutputHelper output)
{
    private const string Secretary = "thuky.field@demo.hanoi.invalid";
    private const string Expert = "snv.field@demo.hanoi.invalid";
    private const string Password = "Field-Page-Password-1";

    private readonly PageChecks checks = new(output, app.Provider);

    [Fact]
    public async Task The_secretary_assigns_the_field_and_the_expert_works_through_it_across_the_communes_on_a_phone()
    {
        try
        {
            await WalkAsync();
        }
        finally
        {
            checks.PrintConsole();
        }
    }

    private async Task WalkAsync()
    {
        app.Clock.SetUtcNow(new DateTimeOffset(2025, 10, 1, 9, 0, 0, TimeSpan.FromHours(7)).ToUniversalTime());
        var api = await app.LoginAsAdminAsync();
        await app.ImportHanoiUnitsAsync(api);
        await app.CreateUserAsync(Secretary, Password);
        await app.CreateUserAsync(Expert, Password);
        var units = (await api.GetFromJsonAsync<JsonElement[]>("/api/units"))!.ToDictionary(u => u.GetProperty("code").GetString()!, u => u.GetProperty("id").GetGuid());
        var small = TestIndexSets.Small($"fp-{Guid.NewGuid():N}"[..16], "commune");
        var communes = await TestIndexSets.UploadAsync(api, small with { Groups = [small.Groups[0] with { VerifyingUnit = "SNV" }, small.Groups[1]] });
        var departments = await TestIndexSets.UploadAsync(api, TestIndexSets.Small($"fq-{Guid.NewGuid():N}"[..16], "department"));
        var campaign = await TestCampaigns.CreateAsync(api, new() { ["department"] = departments, ["commune"] = communes }, countUnsubmittedDrafts: true, council:
        [
            new { fullName = "Phó Chủ tịch UBND TP", email = TestCampaigns.ChairEmail, role = "chair" },
            new { fullName = "Trần Thị Bình — Sở KH&CN", email = Secretary, role = "secretary" },
            new { fullName = "Lê Minh Châu — Sở Nội vụ", email = Expert, role = "member", unitId = units["SNV"] },
        ]);

        // Ba Đình answers the field: 1.1 with evidence, 1.2 and 1.3.
        app.Clock.SetUtcNow(new DateTimeOffset(2025, 11, 3, 9, 0, 0, TimeSpan.FromHours(7)).ToUniversalTime());
        await app.FireDueTimersAsync();
        api = await app.LoginAsAdminAsync();
        var form = $"/api/campaigns/{campaign}/units/{units["P-BA-DINH"]}/self-assessment";
        (await api.PutAsJsonAsync($"{form}/answers/1.1", new { yes = true, version = 0 })).EnsureSuccessStatusCode();
        (await api.PostAsJsonAsync($"{form}/evidence/references", new { code = "1.1", kind = "document", documentNumber = "12/QĐ-UBND", documentDate = "2025-03-01", documentIssuer = "UBND phường Ba Đình" })).EnsureSuccessStatusCode();
        (await api.PutAsJsonAsync($"{form}/answers/1.2", new { numerator = 30, denominator = 40, version = 0 })).EnsureSuccessStatusCode();
        var baseUrl = api.BaseAddress!.ToString();

        // The secretary assigns by the index set, in one click.
        var secretary = await checks.NewPageAsync(chromium, baseUrl);
        await PageChecks.SignInAsync(secretary, app, Secretary, Password);
        await secretary.GotoAsync($"{baseUrl}council/{campaign}");
        await secretary.Locator("#assign-fields").ClickAsync();
        await Expect(secretary.Locator("#flash, [role=status]").First).ToContainTextAsync("Đã phân công 1 lĩnh vực; 0 nhóm");
        await Expect(secretary.Locator("#field-list li[data-field='1']")).ToContainTextAsync("Nhóm 1 — Lê Minh Châu — Sở Nội vụ: 126 đơn vị, đã thẩm định 0/378 chỉ số");

        // The expert, on a phone, opens the field from the campaign and reads each commune's claims.
        var expert = await checks.NewPageAsync(chromium, baseUrl, width: 390, height: 844);
        await PageChecks.SignInAsync(expert, app, Expert, Password);
        await expert.GotoAsync($"{baseUrl}council/{campaign}");
        await expert.Locator("#field-list li[data-field='1'] a").ClickAsync();
        await Expect(expert.GetByRole(AriaRole.Heading, new() { Name = "Lĩnh vực nhóm 1: Nhận thức số", Level = 1 })).ToBeVisibleAsync();
        await Expect(expert.Locator("#field-summary")).ToHaveTextAsync("126 đơn vị · đã thẩm định 0/378 chỉ số");
        var row = expert.Locator("#field-units tr[data-unit='P-BA-DINH']");
        await Expect(row.Locator("li[data-code='1.1']")).ToContainTextAsync("tự chấm 10,00/10");
        await Expect(row.Locator("li[data-code='1.1']")).ToContainTextAsync("có minh chứng");
        await Expect(row.Locator("li[data-code='1.3']")).ToContainTextAsync("chưa trả lời");
        await Expect(expert.Locator("#field-stage-note")).ToBeVisibleAsync(); // verdicts come in the verification stage
        await checks.ScreenshotAsync(expert, "01-expert-field-phone");
        await checks.AssertAccessibleAsync(expert);
        await PageChecks.AssertFitsWidthAsync(expert); // the field's list on a 390-px phone

        // In the verification stage: the field's evidenced self-scores accepted in one confirmed step; 1.2 (no evidence needed) too.
        app.Clock.SetUtcNow(new DateTimeOffset(2025, 11, 30, 18, 0, 0, TimeSpan.FromHours(7)).ToUniversalTime());
        await app.FireDueTimersAsync();
        await PageChecks.SignInAsync(expert, app, Expert, Password);
        await expert.GotoAsync($"{baseUrl}council/{campaign}/fields/1");
        // A verdict from the list itself: Ba Đình's ratio lowered, with the note the ward will read.
        await row.Locator("#v-P-BA-DINH-1-2 summary").ClickAsync();
        await row.Locator("#v-P-BA-DINH-1-2-points").FillAsync("10");
        await row.Locator("#v-P-BA-DINH-1-2-note").FillAsync("Tỷ lệ chưa khớp báo cáo năm");
        await row.Locator("#v-P-BA-DINH-1-2 button[value='false']").ClickAsync();
        await Expect(expert.Locator("#flash")).ToContainTextAsync("1.2");
        await Expect(row.Locator("li[data-code='1.2']")).ToContainTextAsync("thẩm định 10,00");
        await Expect(row.Locator("li[data-code='1.2']")).ToContainTextAsync("Tỷ lệ chưa khớp báo cáo năm");
        // Then the rest of the field's evidenced self-scores in one confirmed step (1.1 here; 1.2 already has its verdict).
        await expert.Locator("#field-accept-confirm summary").ClickAsync();
        await expert.Locator("#field-accept").ClickAsync();
        await Expect(expert.Locator("#flash")).ToContainTextAsync("Đã chấp nhận 1 điểm tự chấm");
        await Expect(row.Locator("li[data-code='1.1']")).ToContainTextAsync("thẩm định 10,00");
        await Expect(expert.Locator("#field-summary")).ToHaveTextAsync("126 đơn vị · đã thẩm định 2/378 chỉ số");
        await checks.ScreenshotAsync(expert, "02-expert-field-accepted-phone");
        // The list is long (126 communes): also what the phone shows first, to look at.
        await checks.FirstScreenAsync(expert, "03-expert-field-first-screen-phone");
        await checks.AssertAccessibleAsync(expert);
        Assert.Empty(checks.ConsoleErrors);
    }
}

public sealed class FieldAppraisalPageTests_Postgres(PostgresBrowserApp app, Chromium chromium, ITestOutputHelper output)
    : FieldAppraisalPageTests(app, chromium, output), IClassFixture<PostgresBrowserApp>, IClassFixture<Chromium>;

public sealed class FieldAppraisalPageTests_Sqlite(SqliteBrowserApp app, Chromium chromium, ITestOutputHelper output)
    : FieldAppraisalPageTests(app, chromium, output), IClassFixture<SqliteBrowserApp>, IClassFixture<Chromium>;
