using System.Security.Claims;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Hosting;
using Dtx.Campaign.Server.Identity;
using Dtx.Campaign.Workflows.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Campaigns;

internal static class CampaignsApi
{
    public sealed record CampaignSummary(Guid Id, int Year, string NameVi, string NameEn, CampaignStatus Status, string Stage, string TimeZone,
        int Participants, DateTimeOffset CreatedAt, DateTimeOffset? LaunchedAt);

    public sealed record CampaignDetail(CampaignSummary Summary, ScheduleInput ScheduleLocal, CampaignSchedule ScheduleUtc,
        IReadOnlyDictionary<string, Guid> IndexSets, IReadOnlyList<CouncilMemberInput> Council, bool CountUnsubmittedDrafts, Guid? CopiedFromId,
        IReadOnlyList<int> ReminderDays, int ReminderHours, int GraceDays, bool EarlyClose, IReadOnlyList<CouncilSeatView> CouncilSeats, IReadOnlyList<ParticipantView> Participants,
        StageSteps Steps, bool HeadApproval);

    /// <summary>A council seat with the id that assignments and approvals need, and the unit its member works for.</summary>
    public sealed record CouncilSeatView(Guid Id, string FullName, string Email, CouncilRole Role, Guid? UnitId, string? UnitCode);

    /// <summary>A participating unit with the ids the unit's own endpoints need.</summary>
    public sealed record ParticipantView(Guid Id, Guid UnitId, string UnitCode, string UnitName, string Category, ParticipantStatus Status, DateTimeOffset? ExtendedUntil);

    /// <summary>When the workflow's steps acted on the campaign (null: not yet).</summary>
    public sealed record StageSteps(DateTimeOffset? IndexPublishedAt, DateTimeOffset? SelfAssessmentOpenedAt, DateTimeOffset? DisputesOpenedAt,
        DateTimeOffset? DisputesClosedAt, DateTimeOffset? ArchivedAt);

    public sealed record CopyRequest(int? Year);

    /// <summary><c>Until</c>: a local time in the campaign's zone (2025-11-20T17:00) or an instant with its offset (2025-11-20T17:00+07:00).</summary>
    public sealed record ExtensionRequest(string? Until, string Reason);
    public sealed record BulkExtensionRequest(IReadOnlyList<Guid> UnitIds, string? Until, string Reason);

    public sealed record ProgressRow(Guid UnitId, string UnitCode, string UnitName, string Category, ParticipantStatus Status, int Answered, int Applicable,
        decimal PercentAnswered, DateTimeOffset Deadline, bool Extended, bool Overdue, DateTimeOffset? SubmittedAt, bool Late);

    public static RouteGroupBuilder MapCampaigns(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/campaigns").WithTags("Campaigns").RequireAuthorization();
        group.MapGet("/", List).WithSummary("Campaigns, newest year first.");
        group.MapGet("/{id:guid}", Get).WithSummary("A campaign with its schedule in local time and UTC, index sets and council.");
        group.MapGet("/{id:guid}/progress", Progress).RequireAuthorization(Policies.Administer)
            .WithSummary("Self-assessment progress per unit: not started, in progress (% answered), submitted, overdue, extended.");

        var admin = group.MapGroup("").RequireAuthorization(Policies.Administer);
        admin.MapPost("/", Create).WithSummary("Create a draft campaign (dates are local times in the campaign's zone).");
        admin.MapPost("/{id:guid}/copy", Copy).WithSummary("Create next year's draft from this campaign: same units and council, dates moved by a year.");
        admin.MapPut("/{id:guid}/schedule", UpdateSchedule)
            .WithSummary("Change the dates (local times). On a launched campaign only future dates move, and its pending timers and reminders move with them.");
        admin.MapPost("/{id:guid}/launch", Launch).WithSummary("Launch a draft: refused while an index set is unpublished, the council has no chair or a date has passed.");
        admin.MapPost("/{id:guid}/reminders", SendReminders)
            .WithSummary("Send a deadline reminder now to chosen units (ids); those that submitted or are closed get none and are listed with why.");
        admin.MapPost("/{id:guid}/units/{unitId:guid}/extension", GrantExtension).WithSummary("Give one unit a later self-assessment deadline, with a reason.");
        admin.MapPost("/{id:guid}/extensions", GrantExtensions)
            .WithSummary("Give several units the same later deadline in one request: all or none, one audit entry per unit.");
        return group;
    }

    private static async Task<Ok<List<CampaignSummary>>> List(CampaignDbContext db, CancellationToken ct)
    {
        var campaigns = await db.Set<Campaign>().AsNoTracking().Include(c => c.Participants).OrderByDescending(c => c.Year).ThenBy(c => c.NameVi).ToListAsync(ct);
        var stages = await StagesAsync(db, campaigns, ct);
        return TypedResults.Ok(campaigns.Select(c => ToSummary(c, stages)).ToList());
    }

    /// <summary>Each launched campaign's stage, read from its workflow instance (the one source of truth).</summary>
    private static async Task<Dictionary<Guid, string>> StagesAsync(CampaignDbContext db, IEnumerable<Campaign> campaigns, CancellationToken ct)
    {
        var ids = campaigns.Select(c => c.WorkflowInstanceId).OfType<Guid>().ToList();
        return ids.Count == 0 ? [] : await db.Set<WorkflowInstance>().AsNoTracking().Where(i => ids.Contains(i.Id)).ToDictionaryAsync(i => i.Id, i => i.CurrentStage, ct);
    }

    private static async Task<Results<Ok<CampaignDetail>, ProblemHttpResult>> Get(Guid id, CampaignDbContext db, CancellationToken ct)
    {
        var c = await db.Set<Campaign>().AsNoTracking().AsSplitQuery().Include(x => x.Participants).Include(x => x.IndexSets).Include(x => x.Council)
            .FirstOrDefaultAsync(x => x.Id == id, ct);
        if (c is null)
            return ApiProblems.NotFound($"Campaign {id}");
        var zone = TimeZoneInfo.FindSystemTimeZoneById(c.TimeZone);
        var unitIds = c.Participants.Select(p => p.UnitId).Concat(c.Council.Select(m => m.UnitId).OfType<Guid>()).Distinct().ToList();
        var units = await db.Units.AsNoTracking().Where(u => unitIds.Contains(u.Id)).ToDictionaryAsync(u => u.Id, ct);
        return TypedResults.Ok(new CampaignDetail(ToSummary(c, await StagesAsync(db, [c], ct)), ScheduleInput.FromUtc(c.Schedule, zone), c.Schedule,
            c.IndexSets.ToDictionary(s => s.Category, s => s.IndexSetId),
            c.Council.OrderBy(m => m.Role).Select(m => new CouncilMemberInput(m.FullName, m.Email, m.Role, m.UnitId)).ToList(),
            c.CountUnsubmittedDrafts, c.CopiedFromId, c.ReminderDays, c.ReminderHours, c.GraceDays, c.EarlyClose,
            c.Council.OrderBy(m => m.Role).ThenBy(m => m.FullName, StringComparer.Ordinal).Select(m => new CouncilSeatView(m.Id, m.FullName, m.Email, m.Role,
                m.UnitId, m.UnitId is { } u && units.TryGetValue(u, out var mu) ? mu.Code : null)).ToList(),
            c.Participants.Where(p => units.ContainsKey(p.UnitId)).OrderBy(p => units[p.UnitId].Code, StringComparer.Ordinal)
                .Select(p => new ParticipantView(p.Id, p.UnitId, units[p.UnitId].Code, units[p.UnitId].NameVi, p.Category, p.Status, p.ExtendedUntil)).ToList(),
            new StageSteps(c.IndexPublishedAt, c.SelfAssessmentOpenedAt, c.DisputesOpenedAt, c.DisputesClosedAt, c.ArchivedAt), c.HeadApproval));
    }

    // Refusals (invalid input, unknown campaign or unit) are answered by RefusalProblems.
    private static async Task<Created<CampaignSummary>> Create(CreateCampaignRequest request, CreateCampaign create, ClaimsPrincipal user, CancellationToken ct)
    {
        var campaign = await create.HandleAsync(request, user.Identity?.Name, ct);
        return TypedResults.Created($"/api/campaigns/{campaign.Id}", ToSummary(campaign));
    }

    private static async Task<Created<CampaignSummary>> Copy(Guid id, CopyRequest? request, CopyCampaign copy, ClaimsPrincipal user, CancellationToken ct)
    {
        var campaign = await copy.HandleAsync(id, request?.Year, user.Identity?.Name, ct);
        return TypedResults.Created($"/api/campaigns/{campaign.Id}", ToSummary(campaign));
    }

    private static async Task<Ok<CampaignSummary>> UpdateSchedule(Guid id, ScheduleInput schedule, ChangeSchedule change, CampaignDbContext db, ClaimsPrincipal user, CancellationToken ct)
    {
        var campaign = await change.HandleAsync(id, schedule, user.Identity?.Name, ct);
        return TypedResults.Ok(ToSummary(campaign, await StagesAsync(db, [campaign], ct)));
    }

    private static async Task<Ok<CampaignSummary>> Launch(Guid id, LaunchCampaign launch, CampaignDbContext db, ClaimsPrincipal user, CancellationToken ct)
    {
        var campaign = await launch.HandleAsync(id, user.Identity?.Name, ct);
        return TypedResults.Ok(ToSummary(campaign, await StagesAsync(db, [campaign], ct)));
    }

    private static async Task<Ok<RemindNowResult>> SendReminders(Guid id, RemindNowRequest request, RemindNow remind, ClaimsPrincipal user, CancellationToken ct) =>
        TypedResults.Ok(await remind.HandleAsync(id, request, user.Identity?.Name, ct));

    private static async Task<Ok<ProgressRow>> GrantExtension(Guid id, Guid unitId, ExtensionRequest request, GrantExtension grant, ClaimsPrincipal user, CancellationToken ct) =>
        TypedResults.Ok(await grant.HandleAsync(id, unitId, request.Until, request.Reason, user.Identity?.Name, ct));

    private static async Task<Ok<IReadOnlyList<ProgressRow>>> GrantExtensions(Guid id, BulkExtensionRequest request, GrantExtension grant, ClaimsPrincipal user, CancellationToken ct) =>
        TypedResults.Ok(await grant.HandleManyAsync(id, request.UnitIds ?? [], request.Until, request.Reason, user.Identity?.Name, ct));

    private static async Task<Results<Ok<List<ProgressRow>>, ProblemHttpResult>> Progress(Guid id, CampaignProgress progress, string? status, CancellationToken ct)
    {
        var rows = await progress.ForCampaignAsync(id, ct);
        if (rows is null)
            return ApiProblems.NotFound($"Campaign {id}");
        return TypedResults.Ok(rows.Where(r => CampaignProgress.Matches(r, status)).ToList());
    }

    private static CampaignSummary ToSummary(Campaign c, IReadOnlyDictionary<Guid, string>? stages = null) => new(c.Id, c.Year, c.NameVi, c.NameEn,
        c.Status, c.WorkflowInstanceId is { } i && stages?.GetValueOrDefault(i) is { } stage ? stage : "set-up",
        c.TimeZone, c.Participants.Count, c.CreatedAt, c.LaunchedAt);
}
