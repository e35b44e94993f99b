using System.Security.Claims;
using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Awards;
using Dtx.Campaign.Server.Council;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Hosting;
using Dtx.Campaign.Server.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Certificates;

internal static class CertificatesApi
{
    public const string VerifyLimit = "certificate-verify";

    public sealed record BatchView(BatchStatus Status, int Done, int Total, string? Error, DateTimeOffset? FinishedAt);
    /// <summary>A revoked certificate is still genuine (it was issued) but no longer valid: <c>Revoked</c>, when and why.</summary>
    public sealed record Verification(bool Genuine, string? Serial, string? Awardee, string? Award, string? Campaign, int? Year, string? Decision,
        bool Revoked = false, DateTimeOffset? RevokedAt = null, string? RevocationReason = null);

    public sealed record RevocationRequest(string? Reason);

    public static IEndpointRouteBuilder MapCertificates(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/campaigns/{campaignId:guid}/certificates").WithTags("Certificates").RequireAuthorization();
        group.MapGet("/", Progress).RequireCouncil(CouncilPermission.SeeCertificates)
            .WithSummary("Progress of printing the campaign's Certificates of Merit (queued when the awards are confirmed).");
        group.MapGet("/all.pdf", All).RequireCouncil(CouncilPermission.SeeCertificates).WithSummary("Every certificate of the campaign in one PDF, once printed.");
        // No council permission: the awarded unit's people download theirs too (the handler tells them from strangers).
        group.MapGet("/{serial}.pdf", One).WithSummary("One certificate: administrators, the council, and the awarded unit's people.");
        group.MapPost("/{serial}/revocation", Revoke).RequireCouncil(CouncilPermission.RevokeCertificate)
            .WithSummary("The council chair revokes a certificate with a reason (audited); the public check then says it was revoked, when and why.");
        app.MapGet("/api/public/certificates/{serial}", Verify).WithTags("Certificates").AllowAnonymous().RequireRateLimiting(VerifyLimit)
            .WithSummary("Is this certificate genuine? Give its serial number and the code printed on it; a wrong code says only 'not genuine'.");
        return app;
    }


    // The seat is bound from the route's campaign and the caller (CouncilSeat.BindAsync); refusals become problem details in one place.
    private static async Task<Results<Ok<BatchView>, ProblemHttpResult>> Progress(CouncilSeat seat, CampaignDbContext db, CancellationToken ct)
    {
        var batch = await db.Set<CertificateBatch>().AsNoTracking().Where(b => b.CampaignId == seat.Campaign.Id)
            .Select(b => new BatchView(b.Status, b.Done, b.Total, b.Error, b.FinishedAt)).FirstOrDefaultAsync(ct);
        return batch is null ? ApiProblems.NotFound($"Certificates of campaign {seat.Campaign.Id} (the awards are not confirmed yet)") : TypedResults.Ok(batch);
    }

    private static async Task<FileContentHttpResult> All(CouncilSeat seat, CampaignDbContext db, CancellationToken ct)
    {
        var batch = await db.Set<CertificateBatch>().AsNoTracking().FirstOrDefaultAsync(b => b.CampaignId == seat.Campaign.Id, ct);
        if (batch?.Pdf is null)
            throw batch is null ? Refusal.Conflict("certificates.not-confirmed")
                : Refusal.Conflict("certificates.not-printed", ("done", batch.Done), ("total", batch.Total));
        return TypedResults.File(batch.Pdf, "application/pdf", $"bang-khen-{seat.Campaign.Id:N}.pdf");
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> One(CouncilSeat seat, string serial, ClaimsPrincipal user, CampaignDbContext db,
        CertificatePrinter printer, CancellationToken ct)
    {
        var award = await db.Set<Award>().AsNoTracking().FirstOrDefaultAsync(a => a.CampaignId == seat.Campaign.Id && a.Serial == serial, ct);
        if (award is null)
            return ApiProblems.NotFound($"Certificate {serial}");
        if (!seat.IsInsider)
        {
            var userId = user.FindFirstValue(ClaimTypes.NameIdentifier);
            if (!await db.Set<UnitMembership>().AnyAsync(m => m.UserId == userId && m.UnitId == award.UnitId, ct))
                return ApiProblems.NotFound($"Certificate {serial}");
        }
        return TypedResults.File(await printer.PdfAsync(award, ct), "application/pdf", $"{serial}.pdf");
    }

    private static async Task<Ok<AwardView>> Revoke(CouncilSeat seat, string serial, RevocationRequest request, AwardsDesk desk, CancellationToken ct) =>
        TypedResults.Ok(await desk.RevokeCertificateAsync(seat, serial, request.Reason, ct));

    private static async Task<Ok<Verification>> Verify(string serial, string? code, CampaignDbContext db, CancellationToken ct)
    {
        if (await CertificateCheck.VerifyAsync(db, serial, code, ct) is not { } genuine)
            return TypedResults.Ok(new Verification(false, null, null, null, null, null, null));
        var awardName = genuine.Class switch { AwardClass.First => "Hạng Nhất", AwardClass.Second => "Hạng Nhì", _ => "Hạng Ba" };
        return TypedResults.Ok(new Verification(true, genuine.Serial, genuine.Awardee, $"Bằng khen – {awardName}", genuine.CampaignVi, genuine.Year, genuine.Decision,
            genuine.RevokedAt is not null, genuine.RevokedAt, genuine.RevocationReason));
    }
}
