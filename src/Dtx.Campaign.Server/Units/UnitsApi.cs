using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Hosting;
using Dtx.Campaign.Server.Identity;
using Dtx.Campaign.Server.Imports;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Units;

internal static class UnitsApi
{
    public sealed record ContactDto(string Role, string FullName, string Email, string? Phone);
    public sealed record UnitDto(Guid Id, string Authority, string Code, string NameVi, string NameEn, string Category,
        IReadOnlyList<string> Flags, bool IsActive, bool IsDemo, IReadOnlyList<ContactDto> Contacts);

    public static RouteGroupBuilder MapUnits(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/units").WithTags("Units").RequireAuthorization();
        group.MapGet("/", List).WithSummary("List units, filtered by authority, category or flag.");
        group.MapGet("/{id:guid}", Get).WithSummary("One unit with its contacts.");
        group.MapPost("/import", Import).RequireAuthorization(Policies.Administer).DisableAntiforgery().LimitImportBody()
            .WithSummary("Import units from a CSV or Excel file (multipart field 'file'); one bad row refuses the whole file.");
        return group;
    }

    private static async Task<Ok<List<UnitDto>>> List(CampaignDbContext db, string? authority, string? category, string? flag, CancellationToken ct)
    {
        var query = db.Units.AsNoTracking().Include(u => u.Authority).Include(u => u.Contacts).AsQueryable();
        if (!string.IsNullOrWhiteSpace(authority)) query = query.Where(u => u.Authority!.Code == authority);
        if (!string.IsNullOrWhiteSpace(category)) query = query.Where(u => u.Category == category);
        var units = await query.OrderBy(u => u.Authority!.Code).ThenBy(u => u.Category).ThenBy(u => u.Code).ToListAsync(ct);
        if (!string.IsNullOrWhiteSpace(flag)) units = units.Where(u => u.Flags.Contains(flag)).ToList();
        return TypedResults.Ok(units.Select(ToDto).ToList());
    }

    private static async Task<Results<Ok<UnitDto>, ProblemHttpResult>> Get(CampaignDbContext db, Guid id, CancellationToken ct)
    {
        var unit = await db.Units.AsNoTracking().Include(u => u.Authority).Include(u => u.Contacts).FirstOrDefaultAsync(u => u.Id == id, ct);
        return unit is null ? ApiProblems.NotFound($"Unit {id}") : TypedResults.Ok(ToDto(unit));
    }

    private static async Task<Results<Ok<UnitImport.Summary>, ProblemHttpResult>> Import(IFormFile file, UnitImport import, CancellationToken ct)
    {
        try
        {
            await using var content = file.OpenReadStream();
            return TypedResults.Ok(await import.ImportAsync(file.FileName, content, ct));
        }
        catch (ImportRejectedException rejected)
        {
            return ApiProblems.FileRejected(rejected);
        }
    }

    private static UnitDto ToDto(Unit u) => new(u.Id, u.Authority?.Code ?? "", u.Code, u.NameVi, u.NameEn, u.Category, u.Flags, u.IsActive, u.IsDemo,
        u.Contacts.OrderBy(c => c.Role).Select(c => new ContactDto(c.Role == ContactRole.Head ? "head" : "focal-officer", c.FullName, c.Email, c.Phone)).ToList());
}
