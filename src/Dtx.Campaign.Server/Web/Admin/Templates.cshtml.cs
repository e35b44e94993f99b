using Dtx.Campaign.Documents;
using Dtx.Campaign.Server.Notices;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Dtx.Campaign.Server.Web.Admin;

/// <summary>
/// The notice templates: each with its versions, edited as text, previewed as the PDF a unit would receive
/// (sample data, the draft not yet saved), saved as a new version — a syntax error is shown with its line and
/// column and nothing is stored (<see cref="NoticeTemplates"/>'s rules, as for the API).
/// </summary>
internal sealed class TemplatesModel(NoticeTemplates templates, UiText text) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Name { get; set; }

    [BindProperty]
    public string? Text { get; set; }

    [BindProperty]
    public string? Notice { get; set; }

    [BindProperty]
    public string Lang { get; set; } = "vi";

    public IReadOnlyList<NoticeTemplates.TemplateInfo> All { get; private set; } = [];
    public IReadOnlyList<NoticeTemplates.TemplateInfo> History { get; private set; } = [];
    public List<string> Errors { get; } = [];

    [TempData]
    public string? Flash { get; set; }

    /// <summary>Notices with sample data; the one whose template is open comes first.</summary>
    public IEnumerable<string> Notices => NoticeTemplates.Samples.Select(n => n.TemplateName)
        .OrderBy(n => Name?.StartsWith($"notices/{n}.", StringComparison.Ordinal) == true ? 0 : 1).ThenBy(n => n, StringComparer.Ordinal);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(keepContent: false, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostSaveAsync(CancellationToken ct)
    {
        try
        {
            var saved = await templates.SaveAsync(Name ?? "", Text ?? "", User.Identity?.Name, ct);
            Flash = text.Format("TemplateSaved", saved.Name, saved.Version);
            return RedirectToPage(new { name = Name });
        }
        catch (KeyNotFoundException)
        {
            return NotFound();
        }
        catch (TemplateRejectedException e)
        {
            return await RefusedAsync(e.Errors, ct);
        }
    }

    public async Task<IActionResult> OnPostPreviewAsync(CancellationToken ct)
    {
        var sample = NoticeTemplates.Samples.FirstOrDefault(n => n.TemplateName == Notice);
        if (sample is null || string.IsNullOrEmpty(Name))
            return NotFound();
        try
        {
            var rendered = await templates.RenderAsync(sample, new Dictionary<string, string> { [Name] = Text ?? "" }, Lang, ct);
            Response.Headers.ContentDisposition = $"inline; filename=\"preview-{sample.TemplateName}.pdf\"";
            return File(NoticePdfWriter.Write(sample, rendered, Lang is "en" ? "en" : "vi"), "application/pdf");
        }
        catch (KeyNotFoundException)
        {
            return NotFound();
        }
        catch (TemplateRejectedException e)
        {
            return await RefusedAsync(e.Errors, ct);
        }
        catch (TemplateRenderException e)
        {
            Errors.Add(text.Format("TemplateCannotRender", e.Message));
            await LoadAsync(keepContent: true, ct);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
    }

    private async Task<IActionResult> RefusedAsync(IReadOnlyList<TemplateError> errors, CancellationToken ct)
    {
        Errors.AddRange(errors.Select(e => text.Format("TemplateError", e.Line, e.Column, e.Message)));
        await LoadAsync(keepContent: true, ct);
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    private async Task<bool> LoadAsync(bool keepContent, CancellationToken ct)
    {
        All = await templates.ListAsync(ct);
        if (string.IsNullOrEmpty(Name))
            return true;
        if (await templates.GetAsync(Name, ct) is not { } current)
            return false;
        History = current.History;
        // After a refusal the editor keeps what was typed, not the stored text.
        if (!keepContent)
            Text = current.Content;
        return true;
    }
}
