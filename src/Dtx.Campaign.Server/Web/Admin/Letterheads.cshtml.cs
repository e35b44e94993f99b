using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Notices;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Dtx.Campaign.Server.Web.Admin;

/// <summary>
/// Each organising authority's letterhead: who issues and signs its notices and certificates. Until one is saved
/// the defaults are shown, marked as not set, and the authority's campaigns cannot be launched
/// (<see cref="Campaigns.LaunchCampaign"/>); the rules are <see cref="Letterhead.Problems"/>, as for the API.
/// </summary>
internal sealed class LetterheadsModel(LetterheadDesk desk, UiText text) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Code { get; set; }

    [BindProperty] public string? ParentName { get; set; }
    [BindProperty] public string? IssuerName { get; set; }
    [BindProperty] public string? Place { get; set; }
    [BindProperty] public string? Symbol { get; set; }
    [BindProperty] public string? SignerCapacity { get; set; }
    [BindProperty] public string? SignerTitle { get; set; }
    [BindProperty] public string? SignerName { get; set; }

    public IReadOnlyList<LetterheadDesk.Entry> All { get; private set; } = [];
    public LetterheadDesk.Entry? Current { get; private set; }
    public Dictionary<string, string[]> Errors { get; private set; } = [];

    [TempData]
    public string? Flash { get; set; }

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var messages) ? string.Join("; ", messages) : null;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        if (Current is null)
            return Code is null ? Page() : NotFound();
        var l = Current.Letterhead;
        (ParentName, IssuerName, Place, Symbol) = (l.ParentName, l.IssuerName, l.Place, l.Symbol);
        // The defaults' placeholder is not a name: the field stays empty for the administrator to fill in.
        (SignerCapacity, SignerTitle, SignerName) = (l.SignerCapacity, l.SignerTitle, Current.Saved ? l.SignerName : "");
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        try
        {
            var saved = await desk.SaveAsync(Code ?? "", new LetterheadInput(ParentName, IssuerName, Place, Symbol, SignerCapacity, SignerTitle, SignerName),
                User.Identity?.Name, ct);
            Flash = text.Format("LetterheadSaved", saved.Letterhead.IssuerName);
            return RedirectToPage(new { code = Code });
        }
        catch (Refusal refused) when (refused.Kind == RefusalKind.NotFound)
        {
            return NotFound();
        }
        catch (Refusal refused)
        {
            Errors = text.RefusedFields(refused);
            await LoadAsync(ct);
            Response.StatusCode = UiText.StatusOf(refused);
            return Page();
        }
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        All = await desk.ListAsync(ct);
        // One authority (the usual case) opens at once; with several, the one asked for.
        Code ??= All.Count == 1 ? All[0].Authority.Code : null;
        Current = All.FirstOrDefault(e => e.Authority.Code == Code);
    }
}
