using Dtx.Campaign.Server.Inbox;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Dtx.Campaign.Server.Web.Inbox;

/// <summary>The signed-in person's inbox: the campaign e-mails addressed to them, one opened below the list (which marks it read).</summary>
internal sealed class IndexModel(PersonalInbox inbox, UiText text) : PageModel
{
    public IReadOnlyList<PersonalInbox.Item> Items { get; private set; } = [];
    public PersonalInbox.Message? Opened { get; private set; }
    public int Unread { get; private set; }

    [TempData]
    public string? Flash { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid? id, CancellationToken ct)
    {
        var me = InboxApi.Recipient(User);
        if (id is { } open && (Opened = await inbox.OpenAsync(me, open, ct)) is null)
            return NotFound();
        (Items, Unread) = (await inbox.ListAsync(me, 200, ct), await inbox.UnreadAsync(me, ct));
        return Page();
    }

    public async Task<IActionResult> OnPostReadAllAsync(CancellationToken ct)
    {
        Flash = text.Format("InboxMarkedRead", await inbox.MarkAllReadAsync(InboxApi.Recipient(User), ct));
        return RedirectToPage();
    }
}
