using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Campaigns;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Web.Shared;
using Dtx.Campaign.Workflows.Definitions;
using Dtx.Campaign.Workflows.Runtime;
using Dtx.Campaign.Workflows.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Web.Admin;

/// <summary>
/// A campaign's dashboard: its stage, progress per unit with filters, what the workflow waits for, and
/// the administrator's actions (launch, extensions). Every action calls the same use case as the API.
/// </summary>
internal sealed class CampaignModel(CampaignDbContext db, CampaignProgress progress, WorkflowRuntime runtime, IWorkflowDefinitionStore definitions,
    UiText text, TimeProvider clock) : PageModel
{
    public static readonly string[] Filters = ["not-started", "in-progress", "awaiting-approval", "submitted", "overdue", "extended"];

    public sealed record Pending(BookmarkKind Kind, string Name, string Stage, DateTimeOffset? Due);

    public sealed record MailFailure(DateTimeOffset CreatedAt, int Attempts, string? Error);

    /// <summary>The campaign workflow's e-mails in the outbox: delivered, waiting (incl. retries), given up.</summary>
    public sealed record MailStatus(int Sent, int Pending, int Failed, IReadOnlyList<MailFailure> RecentFailures);

    public MailStatus Mail { get; private set; } = new(0, 0, 0, []);

    public Campaigns.Campaign Campaign { get; private set; } = null!;
    public List<CampaignsApi.ProgressRow> Rows { get; private set; } = [];
    public List<CampaignsApi.ProgressRow> Open { get; private set; } = [];
    public WorkflowDefinition? Definition { get; private set; }
    public string? CurrentStage { get; private set; }
    public List<Pending> Waiting { get; private set; } = [];
    public Dictionary<string, int> Counts { get; private set; } = [];
    public Campaigns.ProgressChart Chart { get; private set; } = new([]);
    public DateTimeOffset Now { get; private set; }

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty]
    public Guid? UnitId { get; set; }

    [BindProperty]
    public string? Until { get; set; }

    [BindProperty]
    public string? Reason { get; set; }

    public List<string> Errors { get; } = [];

    [TempData]
    public string? Flash { get; set; }

    public string Zone => Campaign.TimeZone;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) =>
        await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostLaunchAsync(Guid id, [FromServices] LaunchCampaign launch, CancellationToken ct)
    {
        try
        {
            await launch.HandleAsync(id, User.Identity?.Name, ct);
            Flash = text["Launched"];
            return RedirectToPage(new { id });
        }
        catch (Refusal refused) when (refused.Kind == RefusalKind.NotFound)
        {
            return NotFound();
        }
        catch (Refusal refused)
        {
            Errors.Add(text["CannotLaunch"]);
            Errors.AddRange(text.Refused(refused));
            return await RefusedAsync(id, ct);
        }
    }

    public async Task<IActionResult> OnPostExtensionAsync(Guid id, [FromServices] GrantExtension grant, CancellationToken ct)
    {
        if (UnitId is not { } unitId)
        {
            Errors.Add(text["ChooseUnit"]);
            return await RefusedAsync(id, ct);
        }
        try
        {
            // The date is read by the use case's one rule for local times; its refusal names the field.
            var row = await grant.HandleAsync(id, unitId, Until, Reason ?? "", User.Identity?.Name, ct);
            var campaign = await db.Campaigns.AsNoTracking().FirstAsync(c => c.Id == id, ct);
            Flash = text.Format("ExtensionGranted", row.UnitName, Display.When(row.Deadline, campaign.TimeZone));
            return RedirectToPage(new { id });
        }
        catch (Refusal refused)
        {
            // A unit not in the campaign is said on the page; a campaign that is gone answers 404 (RefusedAsync).
            Errors.AddRange(text.Refused(refused));
            return await RefusedAsync(id, ct);
        }
    }

    private async Task<IActionResult> RefusedAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
            return NotFound();
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        if (campaign is null)
            return false;
        Campaign = campaign;
        Now = clock.GetUtcNow();
        var all = await progress.ForCampaignAsync(id, ct) ?? [];
        Counts = Filters.ToDictionary(f => f, f => all.Count(r => CampaignProgress.Matches(r, f)), StringComparer.Ordinal);
        Chart = Campaigns.ProgressChart.Of(all);
        Rows = all.Where(r => CampaignProgress.Matches(r, Filters.Contains(Status) ? Status : null)).ToList();
        Open = all.Where(r => r.Status != ParticipantStatus.Submitted).ToList();
        if (campaign.WorkflowInstanceId is { } workflow)
        {
            var outbox = db.Set<OutboxMessage>().AsNoTracking().Where(m => m.InstanceId == workflow && m.Kind == "email");
            var counts = await outbox.GroupBy(m => m.Status).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
            var failures = await outbox.Where(m => m.Status == OutboxStatus.Failed || (m.Status == OutboxStatus.Pending && m.Attempts > 0))
                .OrderByDescending(m => m.CreatedAt).Take(10).Select(m => new { m.CreatedAt, m.Attempts, m.LastError }).ToListAsync(ct);
            Mail = new MailStatus(counts.GetValueOrDefault(OutboxStatus.Sent), counts.GetValueOrDefault(OutboxStatus.Pending), counts.GetValueOrDefault(OutboxStatus.Failed),
                failures.Select(f => new MailFailure(new DateTimeOffset(DateTime.SpecifyKind(f.CreatedAt, DateTimeKind.Utc)), f.Attempts, f.LastError)).ToList());
        }
        if (campaign.WorkflowInstanceId is { } instanceId && await runtime.GetStateAsync(instanceId, ct) is { } state)
        {
            Definition = definitions.Find(state.Instance.DefinitionKey, state.Instance.DefinitionVersion);
            CurrentStage = state.Instance.CurrentStage;
            Waiting = state.Pending.Select(b => new Pending(b.Kind,
                Workflow.TimerWords.Describe(Definition, state.Instance, b, text.Language), b.Stage,
                b.DueUtc is { } due ? new DateTimeOffset(DateTime.SpecifyKind(due, DateTimeKind.Utc)) : null)).OrderBy(p => p.Due ?? DateTimeOffset.MaxValue).ToList();
        }
        else
        {
            Definition = definitions.Latest("annual-campaign");
            CurrentStage = "set-up";
        }
        return true;
    }
}
