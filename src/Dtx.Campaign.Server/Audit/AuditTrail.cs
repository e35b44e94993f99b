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
/// Writes audit entries inside the caller's transaction, so an entry exists exactly when the change it
/// describes was committed. On PostgreSQL writing takes no lock: entries are chained after commit by the
/// <see cref="AuditSealer"/>, which the trail nudges (chaining inside the transaction meant one lock held
/// until every commit, which serialised the saves of all units on the deadline day). On SQLite the
/// transaction already holds the only write lock, so the entries are chained in it.
/// </summary>
internal sealed class AuditTrail(CampaignDbContext db, IAuditActor actor, AuditSealer sealer, TimeProvider clock)
{
    private const int MaxDetailLength = 4000;

    private static string? Cap(string? value, int max) => Imports.SpreadsheetText.Cap(value, max);

    public const string Genesis = "0000000000000000000000000000000000000000000000000000000000000000";

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
        Stage(events);
        await db.SaveChangesAsync(ct);
        var chainedHere = !db.Database.IsNpgsql();
        if (chainedHere)
            await sealer.ChainPendingAsync(ct, limit: int.MaxValue); // all of them: SQLite has no sealing service
        if (own is not null)
            await own.CommitAsync(ct);
        // Usually before the caller's commit: the sealer finds the entries on this nudge or on its next round.
        if (!chainedHere)
            sealer.Nudge();
    }

    /// <summary>
    /// Adds the entries to the context without saving, for a caller that writes them with its change in one statement of
    /// its own (PostgreSQL only: the entries are chained after commit); it calls <see cref="Written"/> once they are.
    /// </summary>
    public IReadOnlyList<AuditEntry> Stage(IReadOnlyCollection<AuditEvent> events)
    {
        // PostgreSQL keeps microseconds: hash exactly what will be read back.
        var now = clock.GetUtcNow();
        now = new DateTimeOffset(now.UtcTicks - now.UtcTicks % 10, TimeSpan.Zero);
        // Capped to the columns: what someone typed as an e-mail address (200 KB) is kept as its first 100 characters.
        var entries = events.Select(e => new AuditEntry
        {
            At = now,
            Actor = Cap(actor.Name, 256)!,
            ActorAddress = Cap(actor.Address, 100),
            Action = Cap(e.Action, 100)!,
            EntityType = Cap(e.EntityType, 100),
            EntityId = Cap(e.EntityId, 100),
            CampaignId = e.CampaignId,
            UnitId = e.UnitId,
            Before = e.Before is null ? null : JsonSerializer.Serialize(e.Before, Json),
            After = e.After is null ? null : JsonSerializer.Serialize(e.After, Json),
            Detail = Cap(e.Detail, MaxDetailLength),
        }).ToList();
        db.AddRange(entries);
        return entries;
    }

    /// <summary>Entries staged and written by their caller: the sealer chains them now rather than on its next round.</summary>
    public void Written() => sealer.Nudge();

    /// <summary>The SHA-256 of the previous hash, the entry's place in the chain and every field of the entry, hex.</summary>
    public static string HashOf(AuditEntry e, long seq, string previousHash)
    {
        var text = string.Join('\u001f',
            previousHash, seq.ToString(CultureInfo.InvariantCulture), e.At.UtcTicks.ToString(CultureInfo.InvariantCulture),
            e.Actor, e.ActorAddress, e.Action, e.EntityType, e.EntityId, e.CampaignId?.ToString(), e.UnitId?.ToString(),
            e.Before, e.After, e.Detail);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }
}
