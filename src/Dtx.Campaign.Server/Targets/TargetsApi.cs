using System.Security.Claims;
using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Audit;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Hosting;
using Dtx.Campaign.Server.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Targets;

internal static class TargetsApi
{
    public sealed record TargetInput(string Source, string TitleVi, string? TitleEn, TargetStatus Status, string? Note);
    public sealed record TargetView(string Code, string Source, string TitleVi, string? TitleEn, TargetStatus Status, string? Note, DateTimeOffset UpdatedAt, string? UpdatedBy);
    /// <summary>Per source: "12/17 đạt và vượt / achieved or exceeded, 3/17 có khả năng đạt / likely…".</summary>
    public sealed record SourceReport(string Source, int Total, IReadOnlyDictionary<string, int> ByStatus, string Summary);
    public sealed record TargetsView(IReadOnlyList<TargetView> Targets, IReadOnlyList<SourceReport> Report);

    private static readonly Dictionary<TargetStatus, string> Words = new()
    {
        [TargetStatus.Achieved] = "đạt và vượt / achieved or exceeded",
        [TargetStatus.Likely] = "có khả năng đạt / likely to be achieved",
        [TargetStatus.Low] = "khả năng đạt thấp / low",
        [TargetStatus.NotAchieved] = "không đạt / not achieved",
        [TargetStatus.NoBasis] = "chưa có cơ sở đánh giá / no basis for evaluation",
        [TargetStatus.NotEvaluated] = "chưa đánh giá / not evaluated yet",
    };

    public static IEndpointRouteBuilder MapTargets(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/campaigns/{campaignId:guid}/targets").WithTags("Targets").RequireAuthorization();
        group.MapGet("/", List).WithSummary("The campaign's resolution and plan targets with their status, and counts per source (\"12/17 achieved or exceeded\").");
        group.MapPut("/{code}", Save).RequireAuthorization(Policies.Administer).WithSummary("Add or update a target and its status (administrators).");
        return app;
    }

    private static async Task<Results<Ok<TargetsView>, ProblemHttpResult>> List(Guid campaignId, CampaignDbContext db, CancellationToken ct)
    {
        if (!await db.Campaigns.AnyAsync(c => c.Id == campaignId, ct))
            return ApiProblems.NotFound($"Campaign {campaignId}");
        var targets = (await db.Set<CampaignTarget>().AsNoTracking().Where(t => t.CampaignId == campaignId).ToListAsync(ct))
            .OrderBy(t => t.Source, StringComparer.Ordinal).ThenBy(t => t.Code, StringComparer.Ordinal).ToList();
        var report = targets.GroupBy(t => t.Source).Select(g =>
        {
            var counts = g.GroupBy(t => t.Status).OrderBy(s => s.Key).ToDictionary(s => ApiNames.Of(s.Key), s => s.Count());
            var summary = string.Join(", ", g.GroupBy(t => t.Status).OrderBy(s => s.Key).Select(s => $"{s.Count()}/{g.Count()} {Words[s.Key]}"));
            return new SourceReport(g.Key, g.Count(), counts, summary);
        }).ToList();
        return TypedResults.Ok(new TargetsView(targets.Select(ToView).ToList(), report));
    }

    private static async Task<Results<Ok<TargetView>, ProblemHttpResult>> Save(Guid campaignId, string code, TargetInput input, CampaignDbContext db, AuditTrail audit, TimeProvider clock,
        ClaimsPrincipal user, CancellationToken ct)
    {
        if (!await db.Campaigns.AnyAsync(c => c.Id == campaignId, ct))
            return ApiProblems.NotFound($"Campaign {campaignId}");
        if (code.Length > 50 || string.IsNullOrWhiteSpace(input.Source) || input.Source.Length > 200)
            return ApiProblems.From(Refusal.Invalid("source", "target.code-source"));
        if (string.IsNullOrWhiteSpace(input.TitleVi) || input.TitleVi.Length > 1000)
            return ApiProblems.From(Refusal.Invalid("titleVi", "target.title-vi"));
        if (!Enum.IsDefined(input.Status))
            return ApiProblems.From(Refusal.Invalid("status", "target.status", ("statuses", Enum.GetValues<TargetStatus>().Select(ApiNames.Of).ToList())));
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var target = await db.Set<CampaignTarget>().FirstOrDefaultAsync(t => t.CampaignId == campaignId && t.Code == code, ct);
        var before = target is null ? null : AuditForm(target);
        if (target is null)
        {
            target = new CampaignTarget { Id = Guid.CreateVersion7(), CampaignId = campaignId, Code = code, Source = input.Source, TitleVi = input.TitleVi };
            db.Add(target);
        }
        (target.Source, target.TitleVi, target.TitleEn, target.Status, target.Note) = (input.Source.Trim(), input.TitleVi.Trim(), input.TitleEn?.Trim(), input.Status, input.Note?.Trim());
        (target.UpdatedAt, target.UpdatedBy) = (clock.GetUtcNow(), user.Identity?.Name);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditEvent("targets.saved", "campaign-target", target.Id.ToString(), before, AuditForm(target), Detail: code, CampaignId: campaignId), ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Ok(ToView(target));
    }

    private static TargetView ToView(CampaignTarget t) => new(t.Code, t.Source, t.TitleVi, t.TitleEn, t.Status, t.Note, t.UpdatedAt, t.UpdatedBy);

    /// <summary>
    /// A target as the audit trail records it: the fields of <see cref="TargetView"/> with the status as a word ("not-evaluated"),
    /// the form of the entries already stored (the trail's serializer would write the enum as a number).
    /// </summary>
    private static object AuditForm(CampaignTarget t) => new
    {
        t.Code, t.Source, t.TitleVi, t.TitleEn, Status = AuditWord(t.Status), t.Note, t.UpdatedAt, t.UpdatedBy,
    };

    private static string AuditWord(TargetStatus s) => s switch
    {
        TargetStatus.NotEvaluated => "not-evaluated",
        TargetStatus.NotAchieved => "not-achieved",
        TargetStatus.NoBasis => "no-basis",
        _ => s.ToString().ToLowerInvariant(),
    };
}
