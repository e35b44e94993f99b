using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Email;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Web.Admin;

/// <summary>The administrator's mail log of one campaign: who was sent which notice, when, and how it went; resend one.</summary>
internal sealed class MailModel(MailLog log, CampaignDbContext db, UiText text) : PageModel
{
    public static readonly string[] States = ["delivered", "retrying", "queued", "failed"];

    public Campaigns.Campaign Campaign { get; private set; } = null!;
    public IReadOnlyList<MailLog.Entry> Entries { get; private set; } = [];

    [BindProperty(SupportsGet = true)]
    public string? State { get; set; }

    [TempData]
    public string? Flash { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        if (await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct) is not { } campaign)
            return NotFound();
        Campaign = campaign;
        Entries = await log.ListAsync(id, States.Contains(State) ? State : null, 500, ct) ?? [];
        return Page();
    }

    public async Task<IActionResult> OnPostResendAsync(Guid id, Guid messageId, CancellationToken ct)
    {
        try
        {
            var entry = await log.ResendAsync(id, messageId, ct);
            Flash = text.Format("MailResent", entry.To);
        }
        catch (KeyNotFoundException)
        {
            return NotFound();
        }
        return Redirect(Request.Path + "#mail-" + messageId);
    }

    public string NoticeName(string notice) => text.Notice(notice);
}
