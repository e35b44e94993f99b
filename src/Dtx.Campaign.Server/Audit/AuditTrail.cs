using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Dtx.Campaign.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Audit;

/// <summary>What a feature records: the action and, where something changed, the values before and after.</summary>
public sealed record AuditEvent(
    string Action,
    string? EntityType = null,
    string? EntityId = null,
    object? Before = null,
    object? After = null,
    string? Detail = null,
    Guid? CampaignId = null,
    Guid? UnitId = null);

/// <summary>Who is acting: the signed-in person and their address, or the process itself.</summary>
public interface IAuditActor
{
    string Name { get; }
    string? Address { get; }
}

/// <summary>
/// Appends to the hash-chained audit log inside the caller's transaction, so an entry exists exactly
/// when the change it describes was committed. Appends are serialised (a PostgreSQL advisory lock held
/// until commit; SQLite has a single writer) so that the chain never forks.
/// </summary>
internal sealed class AuditTrail(CampaignDbContext db, IAuditActor actor, TimeProvider clock)
{
    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

    // Any fixed number: the key of the advisory lock that serialises appends to the chain.
    private const long ChainLockKey = 0x647478_61756474;

    // Stored for people to read: Vietnamese stays Vietnamese, not \u escapes. The values are data,
    // never written into HTML unescaped.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public async Task RecordAsync(AuditEvent audit, CancellationToken ct) => await RecordAsync([audit], ct);

    public async Task RecordAsync(IReadOnlyCollection<AuditEvent> events, CancellationToken ct)
    {
        if (events.Count == 0)
            return;
        // Normally inside the transaction of the change being recorded; an event with no change of its
        // own (a sign-in) gets a transaction of its own.
        await using var own = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        if (db.Database.IsNpgsql())
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_xact_lock({ChainLockKey})", ct);

        var last = await db.Set<AuditEntry>().AsNoTracking().OrderByDescending(e => e.Id)
            .Select(e => new { e.Id, e.Hash }).FirstOrDefaultAsync(ct);
        var (id, previous) = last is null ? (0L, Genesis) : (last.Id, last.Hash);
        // PostgreSQL keeps microseconds: hash exactly what will be read back.
        var now = clock.GetUtcNow();
        now = new DateTimeOffset(now.UtcTicks - now.UtcTicks % 10, TimeSpan.Zero);
        foreach (var e in events)
        {
            var entry = new AuditEntry
            {
                Id = ++id,
                At = now,
                Actor = actor.Name,
                ActorAddress = actor.Address,
                Action = e.Action,
                EntityType = e.EntityType,
                EntityId = e.EntityId,
                CampaignId = e.CampaignId,
                UnitId = e.UnitId,
                Before = e.Before is null ? null : JsonSerializer.Serialize(e.Before, Json),
                After = e.After is null ? null : JsonSerializer.Serialize(e.After, Json),
                Detail = e.Detail,
                PreviousHash = previous,
                Hash = "",
            };
            entry.Hash = HashOf(entry);
            previous = entry.Hash;
            db.Add(entry);
        }
        await db.SaveChangesAsync(ct);
        if (own is not null)
            await own.CommitAsync(ct);
    }

    /// <summary>The SHA-256 of the previous hash and every field of the entry, hex.</summary>
    public static string HashOf(AuditEntry e)
    {
        var text = string.Join('\u001f',
            e.PreviousHash, e.Id.ToString(CultureInfo.InvariantCulture), e.At.UtcTicks.ToString(CultureInfo.InvariantCulture),
            e.Actor, e.ActorAddress, e.Action, e.EntityType, e.EntityId, e.CampaignId?.ToString(), e.UnitId?.ToString(),
            e.Before, e.After, e.Detail);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
