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
    public sealed record Genuine(string Serial, string Awardee, AwardClass Class, int Year, string CampaignVi, string CampaignEn, string? Decision);

    /// <summary>A serial as people type it ("bk-hn-2025-0001 ", " BK HN 2025 0001"): upper case, spaces read as dashes.</summary>
    public static string AsTyped(string serial) =>
        string.Join('-', serial.Trim().ToUpperInvariant().Split((char[])[' ', '\t', '-'], StringSplitOptions.RemoveEmptyEntries));

    /// <summary>A code as people type it ("7kq4 m2zp", "7KQ4-M2ZP"): upper case, no spaces or dashes.</summary>
    private static string Compact(string code) =>
        string.Concat(code.ToUpperInvariant().Where(char.IsLetterOrDigit));

    /// <summary>The certificate, or null for an unknown serial and a wrong code alike: guessing serials tells nothing.</summary>
    public static async Task<Genuine?> VerifyAsync(CampaignDbContext db, string? serial, string? code, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(serial))
            return null;
        var typed = AsTyped(serial);
        var award = await db.Set<Award>().AsNoTracking().FirstOrDefaultAsync(a => a.Serial == typed, ct);
        if (award is null || code is null
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(Compact(award.VerificationCode)), Encoding.UTF8.GetBytes(Compact(code))))
            return null;
        var campaign = await db.Campaigns.AsNoTracking().FirstAsync(c => c.Id == award.CampaignId, ct);
        return new Genuine(award.Serial, award.UnitName, award.Class, campaign.Year, campaign.NameVi, campaign.NameEn, award.DecisionNumber);
    }
}
