using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Audit;
using Dtx.Campaign.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Notices;

/// <summary>
/// Reading and saving an authority's letterhead, for the API and the administrators' page alike: checked by
/// <see cref="Letterhead.Problems"/>, saved with its audit entry in one transaction.
/// </summary>
internal sealed class LetterheadDesk(CampaignDbContext db, AuditTrail audit, TimeProvider clock)
{
    /// <summary>An authority's letterhead as its documents print it; <c>Saved</c> is false while only the defaults stand.</summary>
    public sealed record Entry(Units.OrganizingAuthority Authority, Letterhead Letterhead, bool Saved)
    {
        public LetterheadView View => new(Authority.Code, Letterhead.ParentName, Letterhead.IssuerName, Letterhead.Place, Letterhead.Symbol,
            Letterhead.SignerCapacity, Letterhead.SignerTitle, Saved ? Letterhead.SignerName : null, Saved, Saved ? Letterhead.UpdatedAt : null, Letterhead.UpdatedBy);
    }

    /// <summary>
    /// The letterhead a document of <paramref name="authority"/> is issued under. Launch requires one, but a campaign
    /// launched before that rule may lack it: its documents are refused rather than printed without a signer.
    /// </summary>
    public static async Task<Letterhead> ForIssueAsync(CampaignDbContext db, Units.OrganizingAuthority authority, CancellationToken ct) =>
        await db.Set<Letterhead>().AsNoTracking().FirstOrDefaultAsync(l => l.AuthorityId == authority.Id, ct)
            ?? throw Refusal.Conflict("letterhead.not-set", ("authority", authority.NameVi));

    public async Task<IReadOnlyList<Entry>> ListAsync(CancellationToken ct)
    {
        var authorities = await db.Authorities.AsNoTracking().OrderBy(a => a.Code).ToListAsync(ct);
        var saved = await db.Set<Letterhead>().AsNoTracking().ToDictionaryAsync(l => l.AuthorityId, ct);
        return authorities.Select(a => saved.TryGetValue(a.Id, out var l) ? new Entry(a, l, true) : new Entry(a, Letterhead.Default(a), false)).ToList();
    }

    public async Task<Entry> GetAsync(string code, CancellationToken ct)
    {
        var authority = await AuthorityAsync(code, ct);
        var saved = await db.Set<Letterhead>().AsNoTracking().FirstOrDefaultAsync(l => l.AuthorityId == authority.Id, ct);
        return saved is null ? new Entry(authority, Letterhead.Default(authority), false) : new Entry(authority, saved, true);
    }

    public async Task<Entry> SaveAsync(string code, LetterheadInput input, string? user, CancellationToken ct)
    {
        if (Letterhead.Problems(input) is { Count: > 0 } problems)
            throw Refusal.Invalid(problems);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var authority = await AuthorityAsync(code, ct);
        var letterhead = await db.Set<Letterhead>().FirstOrDefaultAsync(l => l.AuthorityId == authority.Id, ct);
        var before = letterhead is null ? null : new { letterhead.ParentName, letterhead.IssuerName, letterhead.Place, letterhead.Symbol, letterhead.SignerCapacity, letterhead.SignerTitle, letterhead.SignerName };
        if (letterhead is null)
        {
            letterhead = Letterhead.Default(authority);
            db.Add(letterhead);
        }
        letterhead.Apply(input);
        (letterhead.UpdatedAt, letterhead.UpdatedBy) = (clock.GetUtcNow(), user);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditEvent("letterhead.saved", "authority", authority.Id.ToString(), before, input, Detail: code), ct);
        await transaction.CommitAsync(ct);
        return new Entry(authority, letterhead, true);
    }

    private async Task<Units.OrganizingAuthority> AuthorityAsync(string code, CancellationToken ct) =>
        await db.Authorities.FirstOrDefaultAsync(a => a.Code == code, ct)
        ?? throw Refusal.NotFound("not-found", ("what", $"Authority {code}"));
}

/// <summary>A letterhead as the API shows it; until it is saved, the defaults with no signer's name.</summary>
public sealed record LetterheadView(string Authority, string ParentName, string IssuerName, string Place, string Symbol, string SignerCapacity, string SignerTitle,
    string? SignerName, bool Saved, DateTimeOffset? UpdatedAt, string? UpdatedBy);

/// <summary>What an administrator sets: the governing body, the issuer's name, place and symbol, and who signs.</summary>
public sealed record LetterheadInput(string? ParentName, string? IssuerName, string? Place, string? Symbol, string? SignerCapacity, string? SignerTitle, string? SignerName);
