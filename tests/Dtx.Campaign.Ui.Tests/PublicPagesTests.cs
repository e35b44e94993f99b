using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Dtx.Campaign.Ui.Tests.Infrastructure;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Dtx.Campaign.Ui.Tests;

/// <summary>
/// An anonymous visitor reads the published results in Chromium: the list, a ranking with its chart, a unit's page in
/// English, a phone-sized screen, and the certificate check with a good and a wrong code, a revoked certificate and a
/// downloaded PDF checked as a file. The figures are those
/// computed by hand in <see cref="PublishedCampaign"/>.
/// </summary>
[LongRunning]
public abstract class PublicPagesTests(CampaignApp app, Chromium chromium, ITestOutputHelper output)
{
    private readonly PageChecks checks = new(output, app.Provider);

    [Fact]
    public async Task A_visitor_reads_the_ranking_a_units_page_in_english_and_checks_a_certificate()
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
        var baseUrl = app.CreateClient().BaseAddress!.ToString();
        var visitor = await checks.NewPageAsync(chromium, baseUrl);
        var published = await PublishedCampaign.RunAsync(app, async campaign =>
        {
            // The day before publication the pages know nothing of it.
            foreach (var path in new[] { $"/public/results/{campaign}", $"/public/results/{campaign}/units/SNV" })
                Assert.Equal(404, (await visitor.APIRequest.GetAsync(path)).Status);
        });
        output.WriteLine($"server: {baseUrl}, screenshots: {checks.ScreenshotFolder}");

        // The list of published campaigns, newest first.
        await visitor.GotoAsync("/public");
        await Expect(visitor.GetByRole(AriaRole.Heading, new() { Name = "Kết quả công bố", Level = 1 })).ToBeVisibleAsync();
        await Expect(visitor.Locator("#published tbody tr")).ToHaveCountAsync(2);
        await Expect(visitor.Locator("#published tbody tr").First).ToContainTextAsync("2026");
        await checks.ScreenshotAsync(visitor, "public-01-list");
        await checks.AssertAccessibleAsync(visitor);

        // The 2026 ranking, departments chosen with the category selector.
        await visitor.GetByRole(AriaRole.Link, new() { Name = "Đánh giá chuyển đổi số năm 2026" }).ClickAsync();
        await visitor.GetByLabel("Loại đơn vị").SelectOptionAsync("department");
        await visitor.GetByRole(AriaRole.Button, new() { Name = "Xem" }).ClickAsync();
        await Expect(visitor).ToHaveURLAsync(new Regex("category=department$"));
        await Expect(visitor.GetByRole(AriaRole.Heading, new() { Name = "Bảng xếp hạng: Sở, ban, ngành" })).ToBeVisibleAsync();
        string Row(string unit) => $"#ranking tr[data-unit='{unit}']";
        foreach (var (unit, rank, points, percentage, band) in new[]
                 {
                     ("SNV", "1", "88", "88%", "Tốt"), ("SKHCN", "2", "78", "78%", "Khá"), ("STC", "2", "78", "78%", "Khá"), ("SYT", "4", "62,26", "62,26%", "Trung bình"),
                 })
        {
            await Expect(visitor.Locator($"{Row(unit)} [data-rank]")).ToHaveTextAsync(rank);
            await Expect(visitor.Locator($"{Row(unit)} [data-points]")).ToHaveTextAsync(points);
            await Expect(visitor.Locator($"{Row(unit)} [data-percentage]")).ToHaveTextAsync(percentage);
            await Expect(visitor.Locator($"{Row(unit)} [data-band]")).ToHaveTextAsync(band);
        }
        // The tie on 78% shares rank 2, and the next rank is 4; the not-submitted departments come last.
        await Expect(visitor.Locator("#ranking tbody tr").Nth(3)).ToHaveAttributeAsync("data-unit", "SYT");
        await Expect(visitor.Locator("#ranking tbody tr")).ToHaveCountAsync(17);
        await Expect(visitor.Locator($"{Row("SNV")} [data-yoy]")).ToContainTextAsync("▲ +8");
        await Expect(visitor.Locator($"{Row("SKHCN")} [data-yoy]")).ToContainTextAsync("▼ -12");
        await Expect(visitor.Locator($"{Row("SYT")} [data-yoy]")).ToContainTextAsync("giảm 3,24 điểm phần trăm so với năm 2025");
        await Expect(visitor.Locator("#aggregates [data-average]")).ToHaveTextAsync("76,57%");
        await Expect(visitor.Locator("#aggregates [data-median]")).ToHaveTextAsync("78%");
        await Expect(visitor.Locator("#bands tr[data-band='fair'] td")).ToHaveTextAsync("2");
        await Expect(visitor.Locator("#awards-table tbody tr")).ToHaveCountAsync(4);
        await Expect(visitor.GetByRole(AriaRole.Link, new() { Name = "Tải về CSV" })).ToHaveAttributeAsync("href", $"/api/public/results/{published.Id}/export.csv");
        // The chart is drawn by Chart.js from the page's data block (the CSP allows no inline script).
        await Expect(visitor.Locator("#ranking-chart")).ToHaveAttributeAsync("data-rendered", "true");
        Assert.Equal(4, await visitor.EvaluateAsync<int>("() => Chart.getChart('ranking-chart').data.datasets[0].data.length"));
        Assert.True(await visitor.EvaluateAsync<int>("() => document.getElementById('ranking-chart').getBoundingClientRect().height") > 100);
        await checks.ScreenshotAsync(visitor, "public-02-ranking");
        await checks.AssertAccessibleAsync(visitor);

        // In English, the same ranking with en-GB formats, then a unit's page.
        await visitor.GetByRole(AriaRole.Button, new() { Name = "English" }).ClickAsync();
        await Expect(visitor.GetByRole(AriaRole.Heading, new() { Name = "Ranking: Departments" })).ToBeVisibleAsync();
        await Expect(visitor.Locator($"{Row("SYT")} [data-percentage]")).ToHaveTextAsync("62.26%");
        await Expect(visitor.Locator($"{Row("SYT")} [data-band]")).ToHaveTextAsync("Average");
        await visitor.Locator(Row("SNV")).GetByRole(AriaRole.Link, new() { Name = "Sở Nội vụ" }).ClickAsync();
        await Expect(visitor.GetByRole(AriaRole.Heading, new() { Name = "Sở Nội vụ", Level = 1 })).ToBeVisibleAsync();
        await Expect(visitor.Locator("#score [data-points]")).ToHaveTextAsync("88 / 100");
        await Expect(visitor.Locator("#score [data-rank]")).ToHaveTextAsync("1 of 17");
        await Expect(visitor.Locator("#score [data-band]")).ToHaveTextAsync("Good");
        await Expect(visitor.Locator("#yoy")).ToContainTextAsync("2025: 80%; a change of +8 percentage points.");
        // Group 1 (digital awareness): SNV 100% against the departments' 78.06% ((100 + 100 + 50 + 62.25) / 4).
        await Expect(visitor.Locator("#groups tr[data-group='1'] [data-percentage]")).ToHaveTextAsync("100%");
        await Expect(visitor.Locator("#groups tr[data-group='1'] [data-average]")).ToHaveTextAsync("78.06%");
        await Expect(visitor.Locator("#strengths li").First).ToContainTextAsync("Digital awareness");
        await Expect(visitor.Locator("#groups-chart")).ToHaveAttributeAsync("data-rendered", "true");
        await checks.ScreenshotAsync(visitor, "public-03-unit-english");
        await checks.AssertAccessibleAsync(visitor);

        // A phone, in Vietnamese (a new visitor): the page fits the width, the wide table scrolls in its own box.
        var phone = await checks.NewPageAsync(chromium, baseUrl, 390, 844);
        await phone.GotoAsync($"/public/results/{published.Id}?category=department");
        await Expect(phone.Locator("#ranking-chart")).ToHaveAttributeAsync("data-rendered", "true");
        await PageChecks.AssertFitsWidthAsync(phone);
        await checks.ScreenshotAsync(phone, "public-04-ranking-phone");
        await checks.AssertAccessibleAsync(phone);

        // The front door: a visitor at / (not sent to sign in) sees the newest ranking drawn as bars and finds a unit.
        var home = await checks.NewPageAsync(chromium, baseUrl);
        await home.GotoAsync("/");
        Assert.EndsWith("/", home.Url, StringComparison.Ordinal);
        await Expect(home.GetByRole(AriaRole.Heading, new() { Name = "Kết quả đánh giá chuyển đổi số", Level = 1 })).ToBeVisibleAsync();
        await Expect(home.Locator("#latest-title")).ToContainTextAsync("2026");
        // Departments: the four ranked ones as bars (not the ones that did not submit), the first at 88 %.
        await Expect(home.Locator("#ranking-svg-department g[data-unit]")).ToHaveCountAsync(4);
        await Expect(home.Locator("#ranking-svg-department g[data-unit]").First).ToContainTextAsync("1. Sở Nội vụ — 88%");
        await Expect(home.Locator("#ranking-svg-department g[data-unit='SNV'] rect.bar")).ToHaveAttributeAsync("width", "88%");
        await home.GetByLabel("Tên hoặc mã đơn vị").FillAsync("nội vụ");
        await home.GetByRole(AriaRole.Button, new() { Name = "Tìm", Exact = true }).ClickAsync();
        await Expect(home.Locator("#unit-hits li").First).ToContainTextAsync("Sở Nội vụ");
        await checks.ScreenshotAsync(home, "public-00-home");
        await checks.AssertAccessibleAsync(home);
        await home.SetViewportSizeAsync(390, 844);
        await PageChecks.AssertFitsWidthAsync(home);
        await checks.ScreenshotAsync(home, "public-00-home-phone");
        await checks.AssertAccessibleAsync(home);

        // The ranking says what orders it and each unit's own maximum beside its points.
        await phone.GotoAsync($"/public/results/{published.Id}?category=department");
        await Expect(phone.Locator("#ranking thead")).ToContainTextAsync("Tỷ lệ (căn cứ xếp hạng)");
        await Expect(phone.Locator("#ranking thead")).ToContainTextAsync("Điểm / tối đa áp dụng");
        await Expect(phone.Locator($"{Row("SNV")} [data-max]")).ToHaveTextAsync("100");

        // The certificate check: the right code shows the holder, a wrong one says only "not found".
        // Typed as people do: lower case, the serial's dashes left out, the code with a space.
        var snv = published.Certificates.Single(c => c.UnitCode == "SNV");
        await phone.GotoAsync("/public/certificates");
        await phone.GetByLabel("Số hiệu").FillAsync(snv.Serial.Replace("-", "", StringComparison.Ordinal).ToLowerInvariant());
        await phone.GetByLabel("Mã xác thực").FillAsync(snv.Code.ToLowerInvariant().Insert(4, " "));
        await phone.GetByRole(AriaRole.Button, new() { Name = "Kiểm tra", Exact = true }).ClickAsync();
        await Expect(phone.Locator("#verdict [data-awardee]")).ToHaveTextAsync("Sở Nội vụ");
        await Expect(phone.Locator("#verdict [data-class]")).ToHaveTextAsync("Bằng khen – Hạng Nhất");
        if (snv.Decision is not null)
            await Expect(phone.Locator("#verdict [data-decision]")).ToHaveTextAsync(snv.Decision);
        await checks.ScreenshotAsync(phone, "public-05-certificate-genuine");
        await checks.AssertAccessibleAsync(phone);
        await phone.GetByLabel("Mã xác thực").FillAsync("AAAAAAAAAA");
        await phone.GetByRole(AriaRole.Button, new() { Name = "Kiểm tra", Exact = true }).ClickAsync();
        await Expect(phone.Locator("#verdict")).ToContainTextAsync("Không tìm thấy Bằng khen");
        await Expect(phone.Locator("#verdict")).Not.ToContainTextAsync("Sở Nội vụ");
        await checks.ScreenshotAsync(phone, "public-06-certificate-not-found");
        await checks.AssertAccessibleAsync(phone);

        // The chair revokes the Second class certificate: the same check now says so, when and why.
        var syt = published.Certificates.Single(c => c.UnitCode == "SYT");
        var chair = await app.LoginAsync(TestCampaigns.ChairEmail, PublishedCampaign.ChairPassword);
        const string reason = "Kết luận thanh tra: minh chứng chỉ tiêu 3.1 không đúng sự thật";
        Assert.Equal(System.Net.HttpStatusCode.OK,
            (await chair.PostAsJsonAsync($"/api/campaigns/{published.Id}/certificates/{syt.Serial}/revocation", new { reason })).StatusCode);
        await phone.GetByLabel("Số hiệu").FillAsync(syt.Serial);
        await phone.GetByLabel("Mã xác thực").FillAsync(syt.Code);
        await phone.GetByRole(AriaRole.Button, new() { Name = "Kiểm tra", Exact = true }).ClickAsync();
        await Expect(phone.Locator("#verdict [data-revoked]")).ToContainTextAsync("Bằng khen này đã bị thu hồi, không còn giá trị.");
        await Expect(phone.Locator("#verdict [data-revocation-reason]")).ToHaveTextAsync(reason);
        await checks.ScreenshotAsync(phone, "public-07-certificate-revoked");
        await checks.AssertAccessibleAsync(phone);

        // A downloaded certificate checked as a file: this server signs nothing (no certificate configured), and says so.
        var admin = await app.LoginAsAdminAsync();
        var pdf = await admin.GetByteArrayAsync($"/api/campaigns/{published.Id}/certificates/{snv.Serial}.pdf");
        await phone.GetByLabel("Tệp PDF").SetInputFilesAsync(new FilePayload { Name = "bang-khen.pdf", MimeType = "application/pdf", Buffer = pdf });
        await phone.Locator("#check-file button").ClickAsync();
        await Expect(phone.Locator("#file-verdict")).ToHaveTextAsync("Tệp không có chữ ký số.");
        await PageChecks.AssertFitsWidthAsync(phone);
        await checks.ScreenshotAsync(phone, "public-08-certificate-file");

        Assert.Empty(checks.ConsoleErrors);
    }
}

public sealed class PublicPagesTests_Postgres(PostgresBrowserApp app, Chromium chromium, ITestOutputHelper output)
    : PublicPagesTests(app, chromium, output), IClassFixture<PostgresBrowserApp>, IClassFixture<Chromium>;

public sealed class PublicPagesTests_Sqlite(SqliteBrowserApp app, Chromium chromium, ITestOutputHelper output)
    : PublicPagesTests(app, chromium, output), IClassFixture<SqliteBrowserApp>, IClassFixture<Chromium>;
