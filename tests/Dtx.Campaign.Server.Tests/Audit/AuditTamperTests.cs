using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Dtx.Campaign.Server.Audit;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Dtx.Campaign.Server.Tests.Audit;

/// <summary>
/// Tampering that a hash chain alone cannot see: the newest entry deleted (found with the head recorded
/// outside the database), and an entry edited with the seal fields cleared from it on (found because
/// <c>audit verify</c> never seals, and, once re-sealed, by the anchor file).
/// </summary>
public abstract partial class AuditTamperTests(CampaignApp app)
{
    [GeneratedRegex("with hash ([0-9a-f]{64})")]
    private static partial Regex HeadHash();

    private async Task FailedSignInsAsync(int count)
    {
        for (var i = 0; i < count; i++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().PostAsJsonAsync("/api/auth/login",
                new { email = $"tamper{Guid.NewGuid():N}@example.vn", password = "wrong-password" })).StatusCode);
        // On PostgreSQL the background sealer chains them moments after commit (on SQLite, in their transaction).
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CampaignDbContext>();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (await db.AuditEntries.AnyAsync(e => e.Seq == null) && waited.Elapsed < TimeSpan.FromSeconds(60))
            await Task.Delay(50);
        Assert.False(await db.AuditEntries.AnyAsync(e => e.Seq == null), "entries left unsealed");
    }

    private async Task<int> SqlAsync(FormattableString sql)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CampaignDbContext>().Database.ExecuteSqlInterpolatedAsync(sql);
    }

    [Fact]
    public async Task A_deleted_newest_entry_and_cleared_seal_fields_are_breaks()
    {
        await FailedSignInsAsync(3);
        var intact = await app.RunCliAsync("audit", "verify");
        Assert.True(intact.ExitCode == 0, intact.Error);
        var head = HeadHash().Match(intact.Output).Groups[1].Value;

        // The newest entry removed: the chain that is left holds, but not the head recorded before.
        Assert.Equal(1, await SqlAsync($"DELETE FROM audit_entries WHERE \"Seq\" = (SELECT MAX(\"Seq\") FROM audit_entries)"));
        Assert.Equal(0, (await app.RunCliAsync("audit", "verify")).ExitCode);
        var cut = await app.RunCliAsync("audit", "verify", "--head", head);
        Assert.Equal(1, cut.ExitCode);
        Assert.Contains($"the head {head} is not in the chain", cut.Error, StringComparison.Ordinal);

        // The head as it is now goes to the anchor file; more entries follow.
        var anchored = await app.RunCliAsync("audit", "anchor");
        Assert.Contains("Anchored place ", anchored.Output, StringComparison.Ordinal);
        await FailedSignInsAsync(3);

        long id, seq;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CampaignDbContext>();
            var target = await db.AuditEntries.Where(e => e.Action == "login.failed").OrderBy(e => e.Seq).Skip(1).FirstAsync();
            (id, seq) = (target.Id, target.Seq!.Value);
        }

        // The sealer is held off (as if it had stopped) while a database administrator edits an entry and clears
        // the seal fields from it on, hoping that they are sealed again with the new content.
        await using var sealerHeld = app.Provider == "Postgres" ? new NpgsqlConnection(app.Database.ConnectionString) : null;
        if (sealerHeld is not null)
        {
            await sealerHeld.OpenAsync();
            await using var take = new NpgsqlCommand($"SELECT pg_advisory_lock({AuditSealer.SealLockKey})", sealerHeld);
            await take.ExecuteNonQueryAsync();
        }
        Assert.True(await SqlAsync($"UPDATE audit_entries SET \"Seq\" = NULL, \"Hash\" = NULL, \"PreviousHash\" = NULL, \"Detail\" = 'sửa / edited' WHERE \"Seq\" >= {seq}") >= 1);
        app.Clock.Advance(TimeSpan.FromMinutes(11));
        var unsealed = await app.RunCliAsync("audit", "verify");
        Assert.Equal(1, unsealed.ExitCode);
        Assert.Contains($"entry #{id} (login.failed", unsealed.Error, StringComparison.Ordinal);
        Assert.Contains("its seal was removed", unsealed.Error, StringComparison.Ordinal);

        if (sealerHeld is not null)
        {
            // Released, the sealer chains the edited entries again: the chain holds, the anchor does not.
            await sealerHeld.CloseAsync();
            await FailedSignInsAsync(1);
            var resealed = await app.RunCliAsync("audit", "verify");
            Assert.Equal(1, resealed.ExitCode);
            Assert.Contains("does not have the hash anchored", resealed.Error, StringComparison.Ordinal);
        }
    }
}

public sealed class AuditTamperTests_Postgres(PostgresApp app) : AuditTamperTests(app), IClassFixture<PostgresApp>;

public sealed class AuditTamperTests_Sqlite(SqliteApp app) : AuditTamperTests(app), IClassFixture<SqliteApp>;
