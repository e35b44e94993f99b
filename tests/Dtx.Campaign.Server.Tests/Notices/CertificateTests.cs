using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dtx.Campaign.Server.Awards;
using Dtx.Campaign.Server.Certificates;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using UglyToad.PdfPig;

namespace Dtx.Campaign.Server.Tests.Notices;

/// <summary>
/// Certificates of Merit of confirmed awards (stored here as the awards desk stores them): a batch left
/// by a node that died is finished by another, progress and PDFs, downloads only for the awarded unit,
/// and the public check: genuine, wrong code and unknown serial alike, rate-limited.
/// </summary>
public abstract class CertificateTests(CampaignApp app)
{
    private static (string?, int, int) Progress(JsonElement batch) =>
        (batch.GetProperty("status").GetString(), batch.GetProperty("done").GetInt32(), batch.GetProperty("total").GetInt32());

    [Fact]
    public async Task A_campaign_s_certificates_print_in_the_background_and_only_the_awarded_unit_and_the_public_check_see_one()
    {
        var admin = await app.LoginAsAdminAsync();
        await app.ImportHanoiUnitsAsync(admin);
        var set = await TestIndexSets.UploadAsync(admin, TestIndexSets.Small($"ct-{Guid.NewGuid():N}"[..18], "department"));
        var campaign = await TestCampaigns.CreateAsync(admin, new() { ["department"] = set }, launch: false);
        await TestCampaigns.EnsureLetterheadAsync(admin);   // as a launch would have required
        var now = app.Clock.GetUtcNow();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CampaignDbContext>();
            var units = await db.Units.Where(u => u.Code == "SNV" || u.Code == "SYT" || u.Code == "STC").ToDictionaryAsync(u => u.Code);
            Award Award(string code, AwardClass awardClass, int serial, string verification) => new()
            {
                Id = Guid.CreateVersion7(), CampaignId = campaign, UnitId = units[code].Id, UnitCode = code, UnitName = units[code].NameVi, Category = "department",
                Class = awardClass, Rank = serial, Percentage = 90 - serial, ConfirmedBy = "chair@demo.hanoi.invalid", ConfirmedAt = now,
                Serial = $"BK-2025-{serial:D4}", VerificationCode = verification, DecisionNumber = "7/QĐ-UBND",
            };
            db.AddRange(Award("SNV", AwardClass.First, 1, "ABCDEFGHJK"), Award("SYT", AwardClass.Second, 2, "MNPQRSTUVW"), Award("STC", AwardClass.Third, 3, "XYZ2345678"));
            await db.SaveChangesAsync();
            await scope.ServiceProvider.GetRequiredService<CertificatePrinter>().QueueAsync(campaign, 3, CancellationToken.None);
        }
        var url = $"/api/campaigns/{campaign}/certificates";
        Assert.Equal(("pending", 0, 3), Progress(await admin.GetFromJsonAsync<JsonElement>(url)));

        // A node took the batch and died: once its lease has run out, another node finishes it.
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CampaignDbContext>();
            await db.Set<CertificateBatch>().Where(b => b.CampaignId == campaign)
                .ExecuteUpdateAsync(s => s.SetProperty(b => b.Status, BatchStatus.Running).SetProperty(b => b.LeasedUntil, now.AddMinutes(5)));
            var printer = scope.ServiceProvider.GetRequiredService<CertificatePrinter>();
            Assert.Equal(0, await printer.RunPendingAsync(CancellationToken.None));   // still leased by the dead node
            app.Clock.Advance(TimeSpan.FromMinutes(6));
            Assert.Equal(1, await printer.RunPendingAsync(CancellationToken.None));
        }
        admin = await app.LoginAsAdminAsync();
        Assert.Equal(("done", 3, 3), Progress(await admin.GetFromJsonAsync<JsonElement>(url)));
        using (var all = PdfDocument.Open(await admin.GetByteArrayAsync($"{url}/all.pdf")))
        {
            Assert.Equal(3, all.NumberOfPages);
            var first = NoticeDeliveryTests.Squeeze(all.GetPage(1).Text);
            Assert.Contains(NoticeDeliveryTests.Squeeze("Sở Nội vụ"), first, StringComparison.Ordinal);
            Assert.Contains("BK-2025-0001", first, StringComparison.Ordinal);
            Assert.Contains(NoticeDeliveryTests.Squeeze("BẰNG KHEN"), first, StringComparison.Ordinal);
            Assert.Contains(NoticeDeliveryTests.Squeeze("đạt Giải Nhất khối Sở, ban, ngành"), first, StringComparison.Ordinal);
            // The QR code and printed link open the public page, not the JSON API.
            Assert.Contains("/public/certificates?serial=BK-2025-0001&code=ABCDEFGHJK", first, StringComparison.Ordinal);
            Assert.DoesNotContain("/api/public", first, StringComparison.Ordinal);
        }

        // One certificate: its own unit reads it; another unit gets 404, as for a serial that does not exist.
        var own = await NoticeDeliveryTests.UnitUserAsync(app, admin, "SNV");
        var mine = await own.GetAsync($"{url}/BK-2025-0001.pdf");
        Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
        Assert.Contains(NoticeDeliveryTests.Squeeze("Sở Nội vụ"), NoticeDeliveryTests.PdfText(await mine.Content.ReadAsByteArrayAsync()), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await own.GetAsync($"{url}/BK-2025-0002.pdf")).StatusCode);
        var other = await NoticeDeliveryTests.UnitUserAsync(app, admin, "SKHCN");
        Assert.Equal(HttpStatusCode.NotFound, (await other.GetAsync($"{url}/BK-2025-0001.pdf")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"{url}/BK-2025-0099.pdf")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await own.GetAsync($"{url}/all.pdf")).StatusCode);

        // The public check, without signing in: the code as printed (any case, spaces around) is genuine; a wrong code and an unknown serial read alike.
        var anyone = app.CreateClient();
        var genuine = await anyone.GetFromJsonAsync<JsonElement>("/api/public/certificates/BK-2025-0002?code=%20mnpqrstuvw%20");
        Assert.True(genuine.GetProperty("genuine").GetBoolean());
        Assert.Equal(("Sở Y tế", "Bằng khen – Hạng Nhì", "7/QĐ-UBND"),
            (genuine.GetProperty("awardee").GetString(), genuine.GetProperty("award").GetString(), genuine.GetProperty("decision").GetString()));
        // The page the QR code opens, with the serial and code as a person types them (lower case, spaces).
        var page = await anyone.GetStringAsync("/public/certificates?serial=%20bk%202025%200002&code=mnpq%20rstuvw");
        Assert.Contains("data-genuine=\"true\"", page, StringComparison.Ordinal);
        Assert.Contains("Sở Y tế", page, StringComparison.Ordinal);
        var wrong = await anyone.GetStringAsync("/api/public/certificates/BK-2025-0002?code=ABCDEFGHJK");
        Assert.Equal(await anyone.GetStringAsync("/api/public/certificates/BK-2025-0404?code=ABCDEFGHJK"), wrong);
        Assert.Equal(await anyone.GetStringAsync("/api/public/certificates/BK-2025-0002"), wrong);
        Assert.False(JsonDocument.Parse(wrong).RootElement.GetProperty("genuine").GetBoolean());
        Assert.DoesNotContain("Sở Y tế", wrong, StringComparison.Ordinal);

        // Guessing codes is slowed: within one minute at most 30 checks per address (7 used above), then 429.
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 30 && !statuses.Contains(HttpStatusCode.TooManyRequests); i++)
            statuses.Add((await anyone.GetAsync($"/api/public/certificates/BK-2025-0001?code=GUESS{i:D5}")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);
        Assert.All(statuses[..^1], s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.InRange(statuses.Count, 2, 30);
    }

    [Fact]
    public async Task Serial_numbers_are_per_authority_and_year_and_never_shared_by_concurrent_confirmations()
    {
        var admin = await app.LoginAsAdminAsync();
        await app.ImportHanoiUnitsAsync(admin);
        var set = await TestIndexSets.UploadAsync(admin, TestIndexSets.Small($"cs-{Guid.NewGuid():N}"[..18], "department"));
        var campaignId = await TestCampaigns.CreateAsync(admin, new() { ["department"] = set }, launch: false);

        // Ten confirmations at once, three certificates each; every third rolls back and gives its numbers back.
        var taken = await Task.WhenAll(Enumerable.Range(0, 10).Select(async i =>
        {
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CampaignDbContext>();
            var campaign = await db.Campaigns.SingleAsync(c => c.Id == campaignId);
            await using var transaction = await db.Database.BeginTransactionAsync();
            var serials = await scope.ServiceProvider.GetRequiredService<CertificatePrinter>().SerialsAsync(campaign, 3, CancellationToken.None);
            if (i % 3 == 0)
            {
                await transaction.RollbackAsync();
                return [];
            }
            await transaction.CommitAsync();
            return serials;
        }));
        var committed = taken.SelectMany(s => s).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(Enumerable.Range(1, 18).Select(n => $"BK-HN-2025-{n:D4}").ToList(), committed);
        // Each confirmation's serials are consecutive.
        Assert.All(taken.Where(s => s.Count > 0), s => Assert.Equal(int.Parse(s[0][^4..]) + 2, int.Parse(s[2][^4..])));
    }
}

public sealed class CertificateTests_Postgres(PostgresApp app) : CertificateTests(app), IClassFixture<PostgresApp>;

public sealed class CertificateTests_Sqlite(SqliteApp app) : CertificateTests(app), IClassFixture<SqliteApp>;
