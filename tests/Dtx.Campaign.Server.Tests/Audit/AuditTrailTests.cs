using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Dtx.Campaign.Server.Tests.Audit;

/// <summary>
/// One ordered story per provider: entries are written by real actions, the chain verifies, then a
/// row is edited behind the server's back and verification names it.
/// </summary>
public abstract class AuditTrailTests(CampaignApp app)
{
    [Fact]
    public async Task Sign_ins_and_imports_are_recorded_and_tampering_is_detected_at_the_edited_entry()
    {
        var anonymous = app.CreateClient();
        var failed = await anonymous.PostAsJsonAsync("/api/auth/login", new { email = CampaignApp.AdminEmail, password = "wrong-password" });
        Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        var client = await app.LoginAsAdminAsync();
        var csv = "authority,authority_name_vi,authority_name_en,code,name_vi,name_en,category,flags,head_name,head_email\n" +
                  "AUD,Tỉnh Kiểm Toán,Audit Province,S1,Sở Một,Department One,department,,Bà A,a@example.vn\n";
        (await client.PostAsync("/api/units/import", Multipart.File("audit-units.csv", csv))).EnsureSuccessStatusCode();
        // The same file again changes nothing, so nothing new is recorded for the unit.
        (await client.PostAsync("/api/units/import", Multipart.File("audit-units.csv", csv))).EnsureSuccessStatusCode();
        (await client.PostAsync("/api/units/import", Multipart.File("audit-units.csv", csv.Replace("Sở Một", "Sở Một (đổi tên)", StringComparison.Ordinal)))).EnsureSuccessStatusCode();

        var entries = await client.GetFromJsonAsync<JsonElement[]>("/api/audit?limit=50");
        var actions = entries!.Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Contains("login.failed", actions);
        Assert.Contains("login.succeeded", actions);
        Assert.Equal(1, actions.Count(a => a == "unit.created"));
        var renamed = Assert.Single(entries!, e => e.GetProperty("action").GetString() == "unit.updated");
        Assert.Contains("\"nameVi\":\"Sở Một\"", renamed.GetProperty("before").GetString(), StringComparison.Ordinal);
        Assert.Contains("Sở Một (đổi tên)", renamed.GetProperty("after").GetString(), StringComparison.Ordinal);
        Assert.Equal(CampaignApp.AdminEmail, renamed.GetProperty("actor").GetString());

        // Many entries committed at once are chained, without anyone asking, into one chain with no gaps: on
        // PostgreSQL by the background sealer after commit (sign-ins take no lock), on SQLite in their transaction.
        var attempts = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            app.CreateClient().PostAsJsonAsync("/api/auth/login", new { email = $"nobody{i}@example.vn", password = "wrong-password" })));
        Assert.All(attempts, a => Assert.Equal(HttpStatusCode.Unauthorized, a.StatusCode));
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CampaignDbContext>();
            var waited = System.Diagnostics.Stopwatch.StartNew();
            while (await db.AuditEntries.AnyAsync(e => e.Seq == null) && waited.Elapsed < TimeSpan.FromSeconds(60))
                await Task.Delay(100);
            var chain = await db.AuditEntries.OrderBy(e => e.Seq).Select(e => new { e.Seq, e.Hash }).ToListAsync();
            Assert.True(chain.Count >= 45, $"{chain.Count} entries");
            Assert.Equal(Enumerable.Range(1, chain.Count).Select(i => (long?)i), chain.Select(e => e.Seq));
            Assert.All(chain, e => Assert.Equal(64, e.Hash?.Length));
        }

        var intact = await app.RunCliAsync("audit", "verify");
        Assert.Equal(0, intact.ExitCode);
        Assert.Contains("audit chain intact", intact.Output, StringComparison.Ordinal);

        // A database administrator quietly rewrites what the rename changed.
        var id = renamed.GetProperty("id").GetInt64();
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CampaignDbContext>();
            Assert.Equal(1, await db.Database.ExecuteSqlInterpolatedAsync($"UPDATE audit_entries SET \"After\" = '{{}}' WHERE \"Id\" = {id}"));
        }

        var broken = await app.RunCliAsync("audit", "verify");
        Assert.Equal(1, broken.ExitCode);
        Assert.Contains($"entry #{id} (unit.updated", broken.Error, StringComparison.Ordinal);
        Assert.Contains("was altered", broken.Error, StringComparison.Ordinal);
    }
}

public sealed class AuditTrailTests_Postgres(PostgresApp app) : AuditTrailTests(app), IClassFixture<PostgresApp>;

public sealed class AuditTrailTests_Sqlite(SqliteApp app) : AuditTrailTests(app), IClassFixture<SqliteApp>;
