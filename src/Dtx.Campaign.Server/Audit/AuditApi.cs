using System.Globalization;
using System.Text;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Audit;

internal static class AuditApi
{
    public sealed record AuditEntryDto(long Id, DateTimeOffset At, string Actor, string? ActorAddress, string Action, string? EntityType,
        string? EntityId, Guid? CampaignId, Guid? UnitId, string? Before, string? After, string? Detail, string? Hash);

    public static RouteGroupBuilder MapAudit(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/audit").WithTags("Audit").RequireAuthorization(Policies.Administer);
        group.MapGet("/", List).WithSummary("Audit entries, newest first, filtered by unit, actor, person (actor or subject), campaign, action and time (at most 1000).");
        group.MapGet("/export.csv", Export).WithSummary("The filtered audit log as CSV (UTF-8), oldest first, with each entry's hash.");
        group.MapGet("/verify", Verify).WithSummary("Check the hash chain and name the first broken entry.");
        return group;
    }

    private static IQueryable<AuditEntry> Filter(CampaignDbContext db, Guid? unit, string? actor, string? person, Guid? campaign, string? action, DateTimeOffset? from, DateTimeOffset? to)
    {
        var query = db.Set<AuditEntry>().AsNoTracking();
        if (unit is not null) query = query.Where(e => e.UnitId == unit);
        if (campaign is not null) query = query.Where(e => e.CampaignId == campaign);
        if (!string.IsNullOrWhiteSpace(actor)) query = query.Where(e => e.Actor == actor);
        // A person: what they did, and what was done to their account (invited, locked out, granted a role).
        if (!string.IsNullOrWhiteSpace(person)) query = query.Where(e => e.Actor == person || (e.EntityType == "user" && e.EntityId == person));
        if (!string.IsNullOrWhiteSpace(action)) query = query.Where(e => e.Action.StartsWith(action));
        if (from is not null) query = query.Where(e => e.At >= from);
        if (to is not null) query = query.Where(e => e.At < to);
        return query;
    }

    private static async Task<Ok<List<AuditEntryDto>>> List(CampaignDbContext db, Guid? unit, string? actor, string? person, Guid? campaign, string? action,
        DateTimeOffset? from, DateTimeOffset? to, int? limit, CancellationToken ct)
    {
        var entries = await Filter(db, unit, actor, person, campaign, action, from, to).OrderByDescending(e => e.Id)
            .Take(Math.Clamp(limit ?? 200, 1, 1000)).ToListAsync(ct);
        return TypedResults.Ok(entries.Select(ToDto).ToList());
    }

    private static async Task<FileContentHttpResult> Export(CampaignDbContext db, Guid? unit, string? actor, string? person, Guid? campaign, string? action,
        DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct)
    {
        var csv = new StringBuilder("id,at_utc,actor,actor_address,action,entity_type,entity_id,campaign_id,unit_id,before,after,detail,hash\n");
        await foreach (var e in Filter(db, unit, actor, person, campaign, action, from, to).OrderBy(e => e.Id).AsAsyncEnumerable().WithCancellation(ct))
            csv.AppendLine(string.Join(',', new[] { e.Id.ToString(CultureInfo.InvariantCulture), e.At.UtcDateTime.ToString("O", CultureInfo.InvariantCulture),
                e.Actor, e.ActorAddress, e.Action, e.EntityType, e.EntityId, e.CampaignId?.ToString(), e.UnitId?.ToString(), e.Before, e.After, e.Detail, e.Hash }
                .Select(Quote)));
        return TypedResults.File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(csv.ToString())).ToArray(), "text/csv; charset=utf-8", "audit.csv");
    }

    private static async Task<Ok<AuditVerifier.Report>> Verify(AuditVerifier verifier, string? head, CancellationToken ct) =>
        TypedResults.Ok(await verifier.VerifyAsync(ct, head));

    private static string Quote(string? value) => QuoteCsv(Imports.SpreadsheetText.Safe(value));

    private static string QuoteCsv(string? value) =>
        value is null ? "" : value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;

    private static AuditEntryDto ToDto(AuditEntry e) =>
        new(e.Id, e.At, e.Actor, e.ActorAddress, e.Action, e.EntityType, e.EntityId, e.CampaignId, e.UnitId, e.Before, e.After, e.Detail, e.Hash);
}
