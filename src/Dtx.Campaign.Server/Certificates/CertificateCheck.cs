using System.Security.Cryptography;
using System.Text;
using Dtx.Campaign.Server.Awards;
using Dtx.Campaign.Server.Data;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Certificates;

/// <summary>
/// Is a Certificate of Merit genuine? Its serial number and the code printed on it must both match. Shared by
/// <c>GET /api/public/certificates/{serial}</c> and the public page, which are rate-limited by the same policy.
/// </summary>
internal static class CertificateCheck
{
    /// <summary>A certificate whose serial and code match; <c>RevokedAt</c> set if the chair revoked it; <c>Authority</c> is the issuing authority's code.</summary>
    public sealed record Genuine(string Serial, string Awardee, AwardClass Class, int Year, string CampaignVi, string CampaignEn, string? Decision,
        DateTimeOffset? RevokedAt, string? RevocationReason, string Authority, string TimeZone);

    /// <summary>
    /// A serial or code as people type it, in the one form both are compared in: "bk-hn-2025-0001 ",
    /// " BK HN 2025 0001" and "bkhn20250001" are all "BKHN20250001" (upper case, letters and digits only).
    /// Dashes carry no meaning in either, so a reader who leaves them out or types spaces is not refused.
    /// </summary>
    public static string Compact(string typed) =>
        string.Concat(typed.ToUpperInvariant().Where(char.IsAsciiLetterOrDigit));

    /// <summary>The certificate, or null for an unknown serial and a wrong code alike: guessing serials tells nothing.</summary>
    public static async Task<Genuine?> VerifyAsync(CampaignDbContext db, string? serial, string? code, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(serial))
            return null;
        var typed = Compact(serial);
        if (typed.Length == 0)
            return null;
        // Stored serials carry dashes (BK-HN-2025-0001): compared without them (replace() in SQLite and PostgreSQL).
        var award = await db.Set<Award>().AsNoTracking().FirstOrDefaultAsync(a => a.Serial.Replace("-", "") == typed, ct);
        if (award is null || code is null
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(Compact(award.VerificationCode)), Encoding.UTF8.GetBytes(Compact(code))))
            return null;
        var campaign = await db.Campaigns.AsNoTracking().FirstAsync(c => c.Id == award.CampaignId, ct);
        var authority = await db.Authorities.Where(a => a.Id == campaign.AuthorityId).Select(a => a.Code).SingleAsync(ct);
        return new Genuine(award.Serial, award.UnitName, award.Class, campaign.Year, campaign.NameVi, campaign.NameEn, award.DecisionNumber,
            award.RevokedAt, award.RevocationReason, authority, campaign.TimeZone);
    }
}
