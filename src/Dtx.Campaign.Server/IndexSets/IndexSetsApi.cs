using System.Security.Claims;
using Dtx.Campaign.Scoring.IndexSets;
using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Hosting;
using Dtx.Campaign.Server.Identity;
using Dtx.Campaign.Server.Imports;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.IndexSets;

internal static class IndexSetsApi
{
    public sealed record IndexSetSummary(Guid Id, string Key, int Version, IndexSetStatus Status, string NameVi, string NameEn, string Level,
        int EffectiveYear, string LegalReference, bool IsSample, decimal MaxPoints, int IndicatorCount, string ContentHash,
        DateTimeOffset CreatedAt, DateTimeOffset? PublishedAt);

    public sealed record IndexSetDetail(IndexSetSummary Summary, IndexSet Definition);

    public sealed record ValidationReport(bool Valid, string? Key, int? Version, int? IndicatorCount, decimal? MaxPoints, IReadOnlyList<FileProblemReport> Problems);

    public static RouteGroupBuilder MapIndexSets(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/index-sets").WithTags("Index sets").RequireAuthorization();
        group.MapGet("/", List).WithSummary("Every stored version, newest first; filter by key or status.");
        group.MapGet("/{id:guid}", Get).WithSummary("One version with its full indicator tree, methods, bonus rules and rating bands.");

        var admin = group.MapGroup("").RequireAuthorization(Policies.Administer).DisableAntiforgery().LimitImportBody();
        admin.MapPost("/", Create).WithSummary("Create a draft from a YAML or Excel file (multipart field 'file'); ?publish=true publishes it at once.");
        admin.MapPost("/validate", Validate).WithSummary("Validate a file without storing it; lists every problem with its line.");
        admin.MapPost("/{id:guid}/publish", Publish).WithSummary("Publish a draft; the previous published version of the same key becomes superseded.");
        admin.MapPost("/{id:guid}/versions", NewVersion).WithSummary("Start a new draft version from this one.");
        return group;
    }

    private static async Task<Ok<List<IndexSetSummary>>> List(CampaignDbContext db, string? key, IndexSetStatus? status, CancellationToken ct)
    {
        var query = db.IndexSets.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(key)) query = query.Where(s => s.Key == key);
        if (status is not null) query = query.Where(s => s.Status == status);
        var sets = await query.OrderBy(s => s.Key).ThenByDescending(s => s.Version).ToListAsync(ct);
        return TypedResults.Ok(sets.Select(ToSummary).ToList());
    }

    private static async Task<Results<Ok<IndexSetDetail>, ProblemHttpResult>> Get(CampaignDbContext db, Guid id, CancellationToken ct)
    {
        var record = await db.IndexSets.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct);
        return record is null
            ? ApiProblems.NotFound($"Index set {id}")
            : TypedResults.Ok(new IndexSetDetail(ToSummary(record), IndexSetCatalog.Deserialize(record.DefinitionJson)));
    }

    private static async Task<Results<Created<IndexSetSummary>, ProblemHttpResult>> Create(
        IFormFile file, bool? publish, IndexSetCatalog catalog, ClaimsPrincipal user, CancellationToken ct)
    {
        try
        {
            await using var content = file.OpenReadStream();
            var record = await catalog.ImportAsync(file.FileName, content, user.Identity?.Name, publish ?? false, ct);
            return TypedResults.Created($"/api/index-sets/{record.Id}", ToSummary(record));
        }
        catch (ImportRejectedException rejected)
        {
            return ApiProblems.FileRejected(rejected);
        }
        catch (Refusal refused)
        {
            return ApiProblems.From(refused);
        }
    }

    private static async Task<Results<Ok<ValidationReport>, ProblemHttpResult>> Validate(IFormFile file, IndexSetFiles files, CancellationToken ct)
    {
        try
        {
            await using var content = file.OpenReadStream();
            var set = await files.ReadAsync(file.FileName, content, ct);
            return TypedResults.Ok(new ValidationReport(true, set.Key, set.Version, set.Leaves().Count(), set.MaxPoints, []));
        }
        catch (ImportRejectedException rejected) when (rejected.Limit is not null)
        {
            return ApiProblems.FileRejected(rejected);
        }
        catch (ImportRejectedException rejected)
        {
            return TypedResults.Ok(new ValidationReport(false, null, null, null, null, ApiProblems.Reports(rejected.Problems)));
        }
    }

    private static async Task<Results<Ok<IndexSetSummary>, ProblemHttpResult>> Publish(Guid id, IndexSetCatalog catalog, ClaimsPrincipal user, CancellationToken ct)
    {
        try
        {
            return TypedResults.Ok(ToSummary(await catalog.PublishAsync(id, user.Identity?.Name, ct)));
        }
        catch (KeyNotFoundException)
        {
            return ApiProblems.NotFound($"Index set {id}");
        }
        catch (Refusal refused)
        {
            return ApiProblems.From(refused);
        }
        catch (DbUpdateConcurrencyException)
        {
            return ApiProblems.From(Refusal.Conflict("index-set.changed-meanwhile"));
        }
    }

    private static async Task<Results<Created<IndexSetSummary>, ProblemHttpResult>> NewVersion(Guid id, IndexSetCatalog catalog, ClaimsPrincipal user, CancellationToken ct)
    {
        try
        {
            var record = await catalog.NewVersionAsync(id, user.Identity?.Name, ct);
            return TypedResults.Created($"/api/index-sets/{record.Id}", ToSummary(record));
        }
        catch (KeyNotFoundException)
        {
            return ApiProblems.NotFound($"Index set {id}");
        }
    }

    private static IndexSetSummary ToSummary(IndexSetRecord s) => new(s.Id, s.Key, s.Version, s.Status, s.NameVi, s.NameEn,
        s.Level, s.EffectiveYear, s.LegalReference, s.IsSample, s.MaxPoints, s.IndicatorCount, s.ContentHash, s.CreatedAt, s.PublishedAt);
}
