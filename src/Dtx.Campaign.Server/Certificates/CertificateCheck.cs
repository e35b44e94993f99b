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

    /// <summary>The certificate, or null for an unknown serial and a wrong code alike: guessing serials tells nothing.</summary>
    public static async Task<Genuine?> VerifyAsync(CampaignDbContext db, string? serial, string? code, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(serial))
            return null;
        var trimmed = serial.Trim();
        var award = await db.Set<Award>().AsNoTracking().FirstOrDefaultAsync(a => a.Serial == trimmed, ct);
        if (award is null || code is null
            || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(award.VerificationCode), Encoding.UTF8.GetBytes(code.Trim().ToUpperInvariant())))
            return null;
        var campaign = await db.Campaigns.AsNoTracking().FirstAsync(c => c.Id == award.CampaignId, ct);
        return new Genuine(award.Serial, award.UnitName, award.Class, campaign.Year, campaign.NameVi, campaign.NameEn, award.DecisionNumber);
    }
}
