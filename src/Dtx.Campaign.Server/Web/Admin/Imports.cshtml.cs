using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Imports;
using Dtx.Campaign.Server.IndexSets;
using Dtx.Campaign.Server.Units;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Web.Admin;

/// <summary>Index-set and unit files through the same imports as the API and CLI, every refused row shown with its line.</summary>
internal sealed class ImportsModel(CampaignDbContext db, UiText text) : PageModel
{
    public sealed record SetRow(string Key, int Version, string NameVi, string NameEn, string Level, IndexSetStatus Status);

    public List<SetRow> Sets { get; private set; } = [];
    public IReadOnlyList<FileProblem> Problems { get; private set; } = [];
    public string? ProblemFile { get; private set; }
    public string? Refusal { get; private set; }

    [TempData]
    public string? Flash { get; set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostIndexSetAsync(IFormFile? file, bool publish, [FromServices] IndexSetCatalog catalog, CancellationToken ct)
    {
        if (file is null || file.Length == 0)
            return await RefuseAsync(text["ChooseFile"], ct);
        try
        {
            await using var content = file.OpenReadStream();
            var record = await catalog.ImportAsync(file.FileName, content, User.Identity?.Name, publish, ct);
            Flash = text.Format("IndexSetImported", record.Key, record.Version, text.Status(record.Status));
            return RedirectToPage();
        }
        catch (ImportRejectedException rejected)
        {
            return await RejectAsync(rejected, ct);
        }
        catch (Refusal refused)
        {
            return await RefuseAsync(text.RefusedLine(refused), ct);
        }
    }

    public async Task<IActionResult> OnPostUnitsAsync(IFormFile? file, [FromServices] UnitImport import, CancellationToken ct)
    {
        if (file is null || file.Length == 0)
            return await RefuseAsync(text["ChooseFile"], ct);
        try
        {
            await using var content = file.OpenReadStream();
            var summary = await import.ImportAsync(file.FileName, content, ct);
            Flash = text.Format("UnitsImported", summary.Created, summary.Updated);
            return RedirectToPage();
        }
        catch (ImportRejectedException rejected)
        {
            return await RejectAsync(rejected, ct);
        }
    }

    private async Task<IActionResult> RejectAsync(ImportRejectedException rejected, CancellationToken ct)
    {
        Problems = rejected.Problems;
        ProblemFile = rejected.File;
        await LoadAsync(ct);
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    private async Task<IActionResult> RefuseAsync(string message, CancellationToken ct)
    {
        Refusal = message;
        await LoadAsync(ct);
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct) =>
        Sets = (await db.IndexSets.AsNoTracking().OrderBy(s => s.Key).ThenByDescending(s => s.Version).ToListAsync(ct))
            .Select(s => new SetRow(s.Key, s.Version, s.NameVi, s.NameEn, s.Level, s.Status)).ToList();
}
