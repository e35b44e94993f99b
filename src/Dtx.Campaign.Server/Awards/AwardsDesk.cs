using System.Security.Cryptography;
using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Audit;
using Dtx.Campaign.Server.Council;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Results;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Awards;

public sealed record QuotaInput(string Category, int First, int Second, int Third, decimal? MinPercentage);

public sealed record ProposedAward(Guid UnitId, string UnitCode, string UnitName, string Category, AwardClass Class, int Rank, decimal Percentage);

public sealed record AwardProposal(IReadOnlyList<ProposedAward> Awards, IReadOnlyList<string> Notes);

public sealed record AwardChoice(Guid UnitId, AwardClass Class);

/// <summary>The chair confirms the proposal as it is (no awards given) or names the awards, with a reason when they differ.</summary>
public sealed record AwardConfirmation(IReadOnlyList<AwardChoice>? Awards, string? Reason);

public sealed record AwardView(Guid UnitId, string UnitCode, string UnitName, string Category, AwardClass Class, int Rank, decimal Percentage, string Serial,
    string VerificationCode, string? AdjustmentReason, string ConfirmedBy, DateTimeOffset ConfirmedAt, string? DecisionNumber,
    DateTimeOffset? RevokedAt = null, string? RevocationReason = null);

/// <summary>
/// Emulation awards: per category the campaign's quotas; the system proposes the list from the final
/// ranking, the council chair confirms it (adjusting with a reason), and each award gets a Certificate
/// of Merit serial number and a public verification code. Who may set, confirm or revoke is the caller's
/// <see cref="CouncilPermission"/> (SetAwardQuotas, ConfirmAwards, RevokeCertificate), checked before these run.
/// </summary>
internal sealed class AwardsDesk(CampaignDbContext db, ResultsBook results, Notices.NoticeDesk notices, Certificates.CertificatePrinter printer,
    AuditTrail audit, TimeProvider clock, Results.PublishedPages pages)
{
    public async Task<IReadOnlyList<QuotaInput>> SetQuotasAsync(CouncilSeat seat, IReadOnlyList<QuotaInput> quotas, CancellationToken ct)
    {
        var categories = await db.Participants.Where(p => p.CampaignId == seat.Campaign.Id).Select(p => p.Category).Distinct().ToListAsync(ct);
        for (var i = 0; i < quotas.Count; i++)
        {
            var q = quotas[i];
            if (!categories.Contains(q.Category))
                throw Refusal.Invalid($"quotas[{i}].category", "awards.unknown-category", ("category", q.Category), ("categories", categories));
            if (q.First < 0 || q.Second < 0 || q.Third < 0 || q.First + q.Second + q.Third > 1000)
                throw Refusal.Invalid($"quotas[{i}]", "awards.quota-range");
            if (q.MinPercentage is < 0 or > 100)
                throw Refusal.Invalid($"quotas[{i}].minPercentage", "awards.percentage-range");
        }
        if (quotas.GroupBy(q => q.Category).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw Refusal.Invalid("quotas", "awards.category-twice", ("category", twice.Key));
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (await db.Set<Award>().AnyAsync(a => a.CampaignId == seat.Campaign.Id, ct))
            throw Refusal.Conflict("awards.quotas-frozen");
        var existing = await db.Set<AwardQuota>().Where(q => q.CampaignId == seat.Campaign.Id).ToListAsync(ct);
        db.RemoveRange(existing);
        db.AddRange(quotas.Select(q => new AwardQuota
        {
            Id = Guid.CreateVersion7(), CampaignId = seat.Campaign.Id, Category = q.Category, First = q.First, Second = q.Second, Third = q.Third,
            MinPercentage = q.MinPercentage,
        }));
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditEvent("awards.quotas-set", "campaign", seat.Campaign.Id.ToString(),
            existing.Select(q => new { q.Category, q.First, q.Second, q.Third, q.MinPercentage }), quotas, CampaignId: seat.Campaign.Id), ct);
        await transaction.CommitAsync(ct);
        return quotas;
    }

    /// <summary>
    /// The awards the final ranking earns: per category, in rank order, First class to the first N
    /// units, then Second, then Third, above the minimum percentage. Units tied on a rank get the same
    /// class even when that exceeds the quota (noted), because a tie cannot be split fairly.
    /// </summary>
    public async Task<AwardProposal> ProposeAsync(Guid campaignId, CancellationToken ct)
    {
        var final = await results.GetAsync(campaignId, ResultKinds.Final, publishedOnly: false, ct)
            ?? throw Refusal.Conflict("awards.no-final-results");
        var quotas = await db.Set<AwardQuota>().AsNoTracking().Where(q => q.CampaignId == campaignId).ToDictionaryAsync(q => q.Category, ct);
        var awards = new List<ProposedAward>();
        var notes = new List<string>();
        foreach (var category in final.Document.Categories)
        {
            if (!quotas.TryGetValue(category.Category, out var quota))
            {
                notes.Add($"{category.Category}: no award quota set");
                continue;
            }
            var eligible = category.Units.Where(u => u.Rank is not null && u.Status == ResultCalculator.Assessed && u.Percentage >= (quota.MinPercentage ?? 0))
                .OrderBy(u => u.Rank).ThenBy(u => u.UnitCode, StringComparer.Ordinal).ToList();
            var position = 0;
            foreach (var (awardClass, count) in new[] { (AwardClass.First, quota.First), (AwardClass.Second, quota.Second), (AwardClass.Third, quota.Third) })
            {
                var given = 0;
                while (position < eligible.Count && (given < count || (given > 0 && eligible[position].Rank == eligible[position - 1].Rank)))
                {
                    var u = eligible[position++];
                    awards.Add(new ProposedAward(u.UnitId, u.UnitCode, u.UnitName, category.Category, awardClass, u.Rank!.Value, u.Percentage));
                    given++;
                }
                if (given > count)
                    notes.Add($"{category.Category}: {given} {awardClass} class awards for {count} places, because of a tie at rank {eligible[position - 1].Rank}");
                else if (given < count)
                    notes.Add($"{category.Category}: only {given} of {count} {awardClass} class awards: not enough units at or above {quota.MinPercentage ?? 0}%");
            }
        }
        return new AwardProposal(awards, notes);
    }

    public async Task<IReadOnlyList<AwardView>> ConfirmAsync(CouncilSeat seat, AwardConfirmation input, CancellationToken ct)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await CampaignStage.RequireAsync(db, seat.Campaign, "action.confirm-awards", ct, "final-results", "publication-and-awards");
        if (await db.Set<Award>().AnyAsync(a => a.CampaignId == seat.Campaign.Id, ct))
            throw Refusal.Conflict("awards.already-confirmed");
        var proposal = await ProposeAsync(seat.Campaign.Id, ct);
        var final = (await results.GetAsync(seat.Campaign.Id, ResultKinds.Final, publishedOnly: false, ct))!.Value.Document;
        var units = final.Categories.SelectMany(c => c.Units.Select(u => (c.Category, Unit: u))).ToDictionary(x => x.Unit.UnitId);
        var proposed = proposal.Awards.ToDictionary(a => a.UnitId, a => a.Class);
        var chosen = input.Awards?.ToList() ?? proposal.Awards.Select(a => new AwardChoice(a.UnitId, a.Class)).ToList();
        if (chosen.GroupBy(c => c.UnitId).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw Refusal.Invalid("awards", "awards.unit-twice", ("unit", twice.Key));
        for (var i = 0; i < chosen.Count; i++)
            if (!units.TryGetValue(chosen[i].UnitId, out var u) || u.Unit.Rank is null)
                throw Refusal.Invalid($"awards[{i}].unitId", "awards.not-ranked", ("unit", chosen[i].UnitId));
        var differs = chosen.Count != proposed.Count || chosen.Any(c => !proposed.TryGetValue(c.UnitId, out var k) || k != c.Class);
        var reason = input.Reason?.Trim();
        if (differs && string.IsNullOrEmpty(reason))
            throw Refusal.Invalid("reason", "awards.reason-required");

        var now = clock.GetUtcNow();
        var serials = await printer.SerialsAsync(seat.Campaign, chosen.Count, ct);
        var awards = chosen.OrderBy(c => units[c.UnitId].Category, StringComparer.Ordinal).ThenBy(c => c.Class).ThenBy(c => units[c.UnitId].Unit.Rank)
            .ThenBy(c => units[c.UnitId].Unit.UnitCode, StringComparer.Ordinal)
            .Select((c, i) =>
            {
                var (category, u) = units[c.UnitId];
                return new Award
                {
                    Id = Guid.CreateVersion7(), CampaignId = seat.Campaign.Id, UnitId = u.UnitId, UnitCode = u.UnitCode, UnitName = u.UnitName, Category = category,
                    Class = c.Class, Rank = u.Rank!.Value, Percentage = u.Percentage,
                    AdjustmentReason = proposed.TryGetValue(c.UnitId, out var k) && k == c.Class ? null : reason,
                    ConfirmedBy = seat.Actor, ConfirmedAt = now, Serial = serials[i], VerificationCode = NewCode(),
                };
            }).ToList();
        // The award decision is an official document of its own (QĐ); the certificates cite its number.
        var decision = await notices.IssueAsync(seat.Campaign, c => new Documents.AwardDecisionNotice
        {
            Authority = c.Letterhead.Authority, Number = c.Number, IssuedAt = c.IssuedAt, TimeZoneId = c.Zone.Id, Campaign = c.Campaign, Signer = c.Letterhead.Signer,
            Recipients = c.Recipients, Category = string.Join(", ", awards.Select(a => a.Category).Distinct().Select(Notices.NoticeDesk.CategoryAddressee)),
            Awards = [.. awards.Select(a => new Documents.AwardRow((Documents.AwardClass)((int)a.Class + 1), a.UnitName, a.Percentage, a.Serial))],
        }, seat.Actor, awards.Count, null, ct, typeCode: "QĐ");
        foreach (var award in awards)
            award.DecisionNumber = decision.Document.Display;
        db.AddRange(awards);
        await db.SaveChangesAsync(ct);
        await printer.QueueAsync(seat.Campaign.Id, awards.Count, ct);
        await audit.RecordAsync(new AuditEvent("awards.confirmed", "campaign", seat.Campaign.Id.ToString(),
            proposal.Awards.Select(a => new { a.UnitCode, Class = a.Class.ToString() }),
            awards.Select(a => new { a.UnitCode, Class = a.Class.ToString(), a.Serial, a.AdjustmentReason }), Detail: reason, CampaignId: seat.Campaign.Id), ct);
        await transaction.CommitAsync(ct);
        await pages.ChangedAsync(ct);
        return awards.Select(ToView).ToList();
    }

    /// <summary>
    /// The chair revokes a certificate (thu hồi), e.g. after a finding that the unit's evidence was false: the award stays
    /// on record, the public check says the certificate was revoked, when and why, and it is not printed again.
    /// </summary>
    public async Task<AwardView> RevokeCertificateAsync(CouncilSeat seat, string serial, string? reason, CancellationToken ct)
    {
        reason = reason?.Trim();
        if (string.IsNullOrEmpty(reason) || reason.Length > 2000)
            throw Refusal.Invalid("reason", "certificates.revocation-reason");
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var award = await db.Set<Award>().FirstOrDefaultAsync(a => a.CampaignId == seat.Campaign.Id && a.Serial == serial, ct)
            ?? throw Refusal.NotFound("certificates.unknown", ("serial", serial));
        if (award.RevokedAt is { } revoked)
            throw Refusal.Conflict("certificates.already-revoked", ("serial", serial),
                ("date", DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(revoked, TimeZoneInfo.FindSystemTimeZoneById(seat.Campaign.TimeZone)).DateTime)));
        award.RevokedAt = clock.GetUtcNow();
        award.RevokedBy = seat.Actor;
        award.RevocationReason = reason;
        await db.SaveChangesAsync(ct);
        await printer.ReprintAsync(seat.Campaign.Id, ct);
        await audit.RecordAsync(new AuditEvent("certificate.revoked", "award", award.Id.ToString(), null,
            new { award.Serial, award.UnitCode, Class = award.Class.ToString(), award.RevokedAt }, Detail: reason, UnitId: award.UnitId, CampaignId: seat.Campaign.Id), ct);
        await transaction.CommitAsync(ct);
        await pages.ChangedAsync(ct);
        return ToView(award);
    }

    public async Task<IReadOnlyList<AwardView>> ListAsync(Guid campaignId, CancellationToken ct) =>
        (await db.Set<Award>().AsNoTracking().Where(a => a.CampaignId == campaignId).ToListAsync(ct))
        .OrderBy(a => a.Category, StringComparer.Ordinal).ThenBy(a => a.Class).ThenBy(a => a.Rank).ThenBy(a => a.UnitCode, StringComparer.Ordinal)
        .Select(ToView).ToList();

    /// <summary>Ten characters without look-alikes (no 0/O, 1/I/L), printed on the certificate for the public check.</summary>
    private static string NewCode() => RandomNumberGenerator.GetString("ABCDEFGHJKMNPQRSTUVWXYZ23456789", 10);

    private static AwardView ToView(Award a) => new(a.UnitId, a.UnitCode, a.UnitName, a.Category, a.Class, a.Rank, a.Percentage,
        a.Serial, a.VerificationCode, a.AdjustmentReason, a.ConfirmedBy, a.ConfirmedAt, a.DecisionNumber, a.RevokedAt, a.RevocationReason);
}
