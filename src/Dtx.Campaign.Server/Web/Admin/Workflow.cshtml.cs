using Dtx.Campaign.Server.Audit;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Workflow;
using Dtx.Campaign.Workflows.Definitions;
using Dtx.Campaign.Workflows.Runtime;
using Dtx.Campaign.Workflows.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Web.Admin;

/// <summary>
/// A campaign's workflow for its administrator: the stages with the current one marked, the journal in
/// words with times in the campaign's zone, pending timers in words, and the incident of a failed step with
/// "retry now" and "skip step" (a reason and a confirmation required; journaled by the runtime, audited here); and, when
/// a newer version of the cycle can take over the current stage, the move to it (reason and confirmation required).
/// </summary>
internal sealed class WorkflowModel(CampaignDbContext db, WorkflowRuntime runtime, IWorkflowDefinitionStore definitions, AuditTrail audit, UiText text,
    WorkflowVersionMove versionMove) : PageModel
{
    public sealed record Waiting(BookmarkKind Kind, string Words, DateTimeOffset? Due);

    public Campaigns.Campaign Campaign { get; private set; } = null!;
    public WorkflowDefinition? Definition { get; private set; }
    public WorkflowInstance? Instance { get; private set; }
    public IReadOnlyList<JournalEntry> Journal { get; private set; } = [];
    public List<Waiting> Pending { get; } = [];
    public Bookmark? FailedTimer { get; private set; }
    public List<string> Errors { get; } = [];

    [BindProperty]
    public string? Reason { get; set; }

    [BindProperty]
    public bool Confirm { get; set; }

    [BindProperty]
    public int? Version { get; set; }

    /// <summary>The newer versions of the cycle this campaign may move to now.</summary>
    public IReadOnlyList<int> NewerVersions { get; private set; } = [];

    [TempData]
    public string? Flash { get; set; }

    public string L(string vi, string en) => text.Language == "en" ? en : vi;

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => await LoadAsync(id, ct) ? Page() : NotFound();

    public Task<IActionResult> OnPostRetryAsync(Guid id, CancellationToken ct) =>
        ActAsync(id, "workflow.step-retried", (instance, actor, reason) => runtime.RetryNowAsync(instance, actor, reason, ct),
            L("Đã chạy lại bước bị lỗi.", "The failed step was run again."), ct);

    public Task<IActionResult> OnPostSkipAsync(Guid id, CancellationToken ct) =>
        ActAsync(id, "workflow.step-skipped", (instance, actor, reason) => runtime.SkipStepAsync(instance, actor, reason, ct),
            L("Đã bỏ qua bước bị lỗi.", "The failed step was skipped."), ct);

    public async Task<IActionResult> OnPostMoveAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
            return NotFound();
        if (!Confirm)
            Errors.Add(L("Hãy đánh dấu ô xác nhận.", "Tick the confirmation box."));
        if (Version is null)
            Errors.Add(L("Hãy chọn phiên bản.", "Choose a version."));
        if (Errors.Count > 0)
            return Page();
        try
        {
            var moved = await versionMove.MoveAsync(id, Version!.Value, Reason, User.Identity?.Name ?? "admin", ct);
            Flash = L($"Đã chuyển quy trình từ phiên bản {moved.From} sang phiên bản {moved.To}; {moved.TimersArmed} hẹn giờ theo phiên bản mới.",
                $"The workflow moved from version {moved.From} to version {moved.To}; {moved.TimersArmed} timer(s) of the new version armed.");
            return RedirectToPage(new { id });
        }
        catch (Scoring.Refusals.Refusal refusal)
        {
            Errors.AddRange(refusal.Texts(text.Language));
            return Page();
        }
    }

    private async Task<IActionResult> ActAsync(Guid id, string action, Func<Guid, WorkflowActor, string, Task<ResumeResult>> act, string done, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct))
            return NotFound();
        if (string.IsNullOrWhiteSpace(Reason))
            Errors.Add(L("Hãy ghi lý do: lý do được lưu vào nhật ký.", "Give a reason: it is kept in the journal."));
        if (!Confirm)
            Errors.Add(L("Hãy đánh dấu ô xác nhận.", "Tick the confirmation box."));
        if (Instance is null || FailedTimer is null)
            Errors.Add(L("Quy trình không có bước lỗi nào đang chờ xử lý.", "The workflow has no failed step waiting."));
        if (Errors.Count > 0)
            return Page();

        var failed = FailedTimer!;
        var actor = WorkflowActor.User(User.Identity?.Name ?? "admin", Identity.Roles.CampaignAdmin);
        var result = await act(Instance!.Id, actor, Reason!.Trim());
        await audit.RecordAsync(new AuditEvent(action, "campaign", id.ToString(),
            Before: new { Stage = Instance.CurrentStage, Step = failed.Name, Incident = Instance.Incident },
            After: new { Result = result.ToString() }, Detail: Reason.Trim(), CampaignId: id), ct);
        Flash = result == ResumeResult.Faulted ? L("Bước vẫn lỗi; lỗi mới được ghi lại.", "The step failed again; the new incident is recorded.") : done;
        return RedirectToPage(new { id });
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct)
    {
        if (await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct) is not { } campaign)
            return false;
        Campaign = campaign;
        if (campaign.WorkflowInstanceId is { } instanceId && await runtime.GetStateAsync(instanceId, ct) is { } state)
        {
            Instance = state.Instance;
            Definition = definitions.Find(state.Instance.DefinitionKey, state.Instance.DefinitionVersion);
            Journal = state.Journal.OrderByDescending(j => j.Sequence).ToList();
            FailedTimer = await runtime.FaultedTimerAsync(instanceId, ct);
            NewerVersions = versionMove.NewerVersions(state.Instance);
            foreach (var b in state.Pending.OrderBy(b => b.DueUtc ?? DateTime.MaxValue))
                Pending.Add(new Waiting(b.Kind, TimerWords.Describe(Definition, state.Instance, b, text.Language),
                    b.DueUtc is { } due ? new DateTimeOffset(DateTime.SpecifyKind(due, DateTimeKind.Utc)) : null));
        }
        else
        {
            Definition = definitions.Latest("annual-campaign");
        }
        return true;
    }
}
