using Dtx.Campaign.Documents;
using Dtx.Campaign.Server.Awards;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Email;
using Dtx.Campaign.Server.Notices;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Dtx.Campaign.Server.Certificates;

/// <summary>Makes Certificates of Merit from confirmed awards: one at a time for a download, or a campaign's batch in the background.</summary>
internal sealed partial class CertificatePrinter(CampaignDbContext db, DocumentRegister register, IOptions<EmailOptions> email, Signing.AuthoritySigners signers,
    TimeProvider clock, ILogger<CertificatePrinter> logger)
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Serial numbers for <paramref name="count"/> new certificates of a campaign, "BK-HN-2025-0001": per authority and
    /// year from the register's locked counter, so two campaigns confirming awards at once never share one. Call
    /// inside the transaction that stores the awards: a rollback gives the numbers back.
    /// </summary>
    public async Task<IReadOnlyList<string>> SerialsAsync(Campaigns.Campaign campaign, int count, CancellationToken ct)
    {
        if (count == 0)
            return [];
        var code = await db.Authorities.Where(a => a.Id == campaign.AuthorityId).Select(a => a.Code).SingleAsync(ct);
        var first = await register.NextNumbersAsync(campaign.AuthorityId, campaign.Year, count, ct, DocumentRegister.Certificates);
        return [.. Enumerable.Range(first, count).Select(n => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"BK-{code}-{campaign.Year}-{n:D4}"))];
    }

    /// <summary>The public page a certificate's QR code opens (HTML, checked on opening; not the JSON API).</summary>
    public Uri VerificationUrl(Award award) =>
        new($"{email.Value.PublicBaseUrl.TrimEnd('/')}/public/certificates?serial={Uri.EscapeDataString(award.Serial)}&code={Uri.EscapeDataString(award.VerificationCode)}");

    /// <summary>The category as it reads after the award on the certificate.</summary>
    public static string CategoryWording(string category) => category switch
    {
        "department" => "khối Sở, ban, ngành",
        "commune" => "khối xã, phường",
        "district" => "khối quận, huyện, thị xã",
        _ => "",
    };

    public async Task<CertificateOfMerit> ModelAsync(Award award, CancellationToken ct)
    {
        var campaign = await db.Campaigns.AsNoTracking().FirstAsync(c => c.Id == award.CampaignId, ct);
        var authority = await db.Authorities.AsNoTracking().FirstAsync(a => a.Id == campaign.AuthorityId, ct);
        var letterhead = await LetterheadDesk.ForIssueAsync(db, authority, ct);
        return new CertificateOfMerit
        {
            Authority = letterhead.Authority, Awardee = award.UnitName, Class = (Documents.AwardClass)((int)award.Class + 1), CampaignName = campaign.NameVi,
            Year = campaign.Year, Serial = award.Serial, VerificationCode = award.VerificationCode, VerificationUrl = VerificationUrl(award),
            DecisionNumber = award.DecisionNumber ?? "", Category = CategoryWording(award.Category), IssuedAt = award.ConfirmedAt, TimeZoneId = campaign.TimeZone, Signer = letterhead.Signer,
        };
    }

    /// <summary>One certificate, signed with its authority's certificate when one is configured; a revoked one is not printed again.</summary>
    public async Task<byte[]> PdfAsync(Award award, CancellationToken ct)
    {
        if (award.RevokedAt is not null)
            throw Scoring.Refusals.Refusal.Conflict("certificates.revoked", ("serial", award.Serial));
        return CertificatePdfWriter.Write(await ModelAsync(award, ct), signer: await SignerAsync(award.CampaignId, ct));
    }

    private async Task<DocumentSigner?> SignerAsync(Guid campaignId, CancellationToken ct) =>
        signers.For(await db.Campaigns.Where(c => c.Id == campaignId).Join(db.Authorities, c => c.AuthorityId, a => a.Id, (c, a) => a.Code).SingleAsync(ct));

    /// <summary>Queues the campaign's batch (inside the caller's transaction) unless one exists.</summary>
    public async Task QueueAsync(Guid campaignId, int total, CancellationToken ct)
    {
        if (await db.Set<CertificateBatch>().AnyAsync(b => b.CampaignId == campaignId, ct))
            return;
        db.Add(new CertificateBatch { Id = Guid.CreateVersion7(), CampaignId = campaignId, Status = BatchStatus.Pending, Total = total, CreatedAt = clock.GetUtcNow() });
        await db.SaveChangesAsync(ct);
    }

    /// <summary>
    /// After a revocation (inside its transaction): the campaign's printed batch is dropped and queued again without the
    /// revoked certificate, so "every certificate" never hands out one that is no longer valid.
    /// </summary>
    public async Task ReprintAsync(Guid campaignId, CancellationToken ct)
    {
        var valid = await db.Set<Award>().CountAsync(a => a.CampaignId == campaignId && a.RevokedAt == null, ct);
        await db.Set<CertificateBatch>().Where(b => b.CampaignId == campaignId).ExecuteUpdateAsync(s => s
            .SetProperty(b => b.Status, BatchStatus.Pending).SetProperty(b => b.Pdf, (byte[]?)null).SetProperty(b => b.Done, 0)
            .SetProperty(b => b.Total, valid).SetProperty(b => b.Error, (string?)null).SetProperty(b => b.FinishedAt, (DateTimeOffset?)null), ct);
    }

    /// <summary>Works every batch that is pending, or whose lease ran out (its node died). Returns how many were finished.</summary>
    public async Task<int> RunPendingAsync(CancellationToken ct)
    {
        var finished = 0;
        while (await ClaimAsync(ct) is { } batch)
        {
            try
            {
                var awards = (await db.Set<Award>().AsNoTracking().Where(a => a.CampaignId == batch.CampaignId && a.RevokedAt == null).ToListAsync(ct))
                    .OrderBy(a => a.Serial, StringComparer.Ordinal).ToList();
                var models = new List<CertificateOfMerit>(awards.Count);
                foreach (var award in awards)
                {
                    models.Add(await ModelAsync(award, ct));
                    // Progress the UI can show, saved every few certificates.
                    if (models.Count % 10 == 0 || models.Count == awards.Count)
                        await db.Set<CertificateBatch>().Where(b => b.Id == batch.Id)
                            .ExecuteUpdateAsync(s => s.SetProperty(b => b.Done, models.Count).SetProperty(b => b.LeasedUntil, clock.GetUtcNow() + Lease), ct);
                }
                var pdf = CertificatePdfWriter.WriteMany(models, signer: await SignerAsync(batch.CampaignId, ct));
                // Only while still ours and running: a revocation meanwhile queued the batch again, and this print is stale.
                await db.Set<CertificateBatch>().Where(b => b.Id == batch.Id && b.Status == BatchStatus.Running).ExecuteUpdateAsync(s => s
                    .SetProperty(b => b.Pdf, pdf).SetProperty(b => b.Done, models.Count).SetProperty(b => b.Total, models.Count)
                    .SetProperty(b => b.Status, BatchStatus.Done).SetProperty(b => b.FinishedAt, clock.GetUtcNow()), ct);
                finished++;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, batch.CampaignId, e.Message);
                // A refusal (no letterhead, an expired signing certificate) is shown to the administrator as they read it.
                var error = e is Scoring.Refusals.Refusal refusal ? string.Join("; ", refusal.Texts("vi")) : e.Message;
                error = error.Length > 2000 ? error[..2000] : error;   // the column's length
                await db.Set<CertificateBatch>().Where(b => b.Id == batch.Id)
                    .ExecuteUpdateAsync(s => s.SetProperty(b => b.Status, BatchStatus.Failed).SetProperty(b => b.Error, error), ct);
            }
        }
        return finished;
    }

    /// <summary>Takes one batch: a conditional update wins it for exactly one node.</summary>
    private async Task<CertificateBatch?> ClaimAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var candidates = await db.Set<CertificateBatch>().AsNoTracking()
            .Where(b => b.Status == BatchStatus.Pending || (b.Status == BatchStatus.Running && b.LeasedUntil < now))
            .Select(b => new { b.Id, b.Status, b.LeasedUntil }).ToListAsync(ct);
        foreach (var c in candidates)
        {
            var won = await db.Set<CertificateBatch>()
                .Where(b => b.Id == c.Id && b.Status == c.Status && b.LeasedUntil == c.LeasedUntil)
                .ExecuteUpdateAsync(s => s.SetProperty(b => b.Status, BatchStatus.Running).SetProperty(b => b.LeasedUntil, now + Lease), ct);
            if (won == 1)
                return await db.Set<CertificateBatch>().AsNoTracking().FirstAsync(b => b.Id == c.Id, ct);
        }
        return null;
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Certificates of campaign {CampaignId} failed: {Error}")]
    private static partial void LogFailed(ILogger logger, Guid campaignId, string error);
}

/// <summary>Prints queued certificate batches in the background on every node (each batch is claimed by one).</summary>
internal sealed class CertificatePrinterService(IServiceScopeFactory scopes, IConfiguration configuration) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!configuration.GetValue("Certificates:PrintInBackground", true))
            return;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(configuration.GetValue("Certificates:PollSeconds", 5)));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<CertificatePrinter>().RunPendingAsync(stoppingToken);
        }
    }
}
