using System.Net.Mail;
using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Audit;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.IndexSets;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Campaigns;

public sealed record CouncilMemberInput(string FullName, string Email, CouncilRole Role, Guid? UnitId = null);

/// <summary>What an administrator gives to set up a campaign. Units null means: every active unit of the chosen categories.</summary>
public sealed record CreateCampaignRequest(
    string Authority,
    int Year,
    string NameVi,
    string NameEn,
    Dictionary<string, Guid> IndexSets,
    ScheduleInput Schedule,
    List<CouncilMemberInput>? Council = null,
    List<Guid>? Units = null,
    string? TimeZone = null,
    bool? CountUnsubmittedDrafts = null,
    List<int>? ReminderDays = null,
    int? GraceDays = null,
    bool? EarlyClose = null,
    int? ReminderHours = null,
    bool? HeadApproval = null);

/// <summary>Creates a draft campaign: nothing is sent or scheduled until it is launched.</summary>
internal sealed class CreateCampaign(CampaignDbContext db, AuditTrail audit, TimeProvider clock, IndexSetCache indexSets)
{
    public async Task<Campaign> HandleAsync(CreateCampaignRequest request, string? user, CancellationToken ct, Guid? copiedFrom = null)
    {
        var errors = new List<Reason>();
        void Error(string field, string code, params (string, object?)[] args) => errors.Add(Reason.For(field, code, args));

        var authority = await db.Authorities.AsNoTracking().FirstOrDefaultAsync(a => a.Code == request.Authority, ct);
        if (authority is null) Error("authority", "campaign.authority-unknown", ("authority", request.Authority));
        if (request.Year is < 2000 or > 2100) Error("year", "campaign.year-range");
        if (string.IsNullOrWhiteSpace(request.NameVi)) Error("nameVi", "field.required");
        if (string.IsNullOrWhiteSpace(request.NameEn)) Error("nameEn", "field.required");
        var zoneId = request.TimeZone ?? authority?.TimeZone ?? Documents.DocFormat.DefaultTimeZoneId;
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out var zone))
        {
            Error("timeZone", "campaign.time-zone-unknown", ("zone", zoneId));
            zone = TimeZoneInfo.Utc;
        }
        if (request.Schedule is null)
            throw Refusal.Invalid("schedule", "field.required");
        errors.AddRange(request.Schedule.Validate(zone));

        // Index sets per category: each must exist and assess that category.
        if (request.IndexSets is null) throw Refusal.Invalid("indexSets", "campaign.index-sets-required");
        if (request.IndexSets.Count == 0) Error("indexSets", "campaign.index-sets-required");
        var setIds = request.IndexSets.Values.ToList();
        var sets = await db.IndexSets.AsNoTracking().Where(s => setIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, ct);
        foreach (var (category, id) in request.IndexSets)
        {
            if (!sets.TryGetValue(id, out var set))
                Error($"indexSets.{category}", "campaign.index-set-missing", ("id", id));
            else if (set.Level != category)
                Error($"indexSets.{category}", "campaign.index-set-level", ("set", set.Key), ("version", set.Version), ("level", set.Level), ("category", category));
            else if (set.Status == IndexSetStatus.Superseded)
                Error($"indexSets.{category}", "campaign.index-set-superseded", ("set", set.Key), ("version", set.Version));
        }

        // Participants: the chosen units, or every active unit of the chosen categories.
        var categories = request.IndexSets.Keys.ToList();
        var units = authority is null ? [] : await db.Units.AsNoTracking()
            .Where(u => u.AuthorityId == authority.Id && (request.Units == null ? u.IsActive && categories.Contains(u.Category) : request.Units.Contains(u.Id)))
            .ToListAsync(ct);
        if (request.Units is not null)
        {
            foreach (var missing in request.Units.Except(units.Select(u => u.Id)))
                Error("units", "campaign.unit-unknown", ("unit", missing), ("authority", request.Authority));
            foreach (var unit in units.Where(u => !request.IndexSets.ContainsKey(u.Category)))
                Error("units", "campaign.unit-no-set", ("unit", unit.Code), ("category", unit.Category));
        }
        if (units.Count == 0 && authority is not null) Error("units", "campaign.no-units");

        // A verifying unit named by an index set (verified-by) appraises that field for the others: it must take part.
        var codes = units.Select(u => u.Code).ToHashSet(StringComparer.Ordinal);
        foreach (var (category, id) in request.IndexSets.Where(s => sets.ContainsKey(s.Value)))
            foreach (var node in Nodes((await indexSets.GetAsync(db, id, ct)).Groups).Where(n => n.VerifyingUnit is { } code && !codes.Contains(code)))
                Error($"indexSets.{category}", "campaign.verifying-unit-unknown", ("indicator", node.Code), ("unit", node.VerifyingUnit));

        var council = request.Council ?? [];
        for (var i = 0; i < council.Count; i++)
        {
            var member = council[i];
            if (string.IsNullOrWhiteSpace(member.FullName)) Error($"council[{i}].fullName", "field.required");
            if (!MailAddress.TryCreate(member.Email, out _)) Error($"council[{i}].email", "campaign.email-invalid", ("email", member.Email));
        }
        if (council.Count(m => m.Role == CouncilRole.Chair) > 1) Error("council", "campaign.two-chairs");
        var reminderDays = request.ReminderDays ?? [.. Campaign.DefaultReminderDays];
        if (reminderDays.Any(d => d is < 1 or > 60) || reminderDays.Distinct().Count() != reminderDays.Count || reminderDays.Count > 10)
            Error("reminderDays", "campaign.reminder-days");
        if (request.ReminderHours is < 0 or > 24)
            Error("reminderHours", "campaign.reminder-hours", ("got", request.ReminderHours));
        if (request.GraceDays is < 0 or > 14)
            Error("graceDays", "campaign.grace-days");
        else if (request.GraceDays > 0 && request.Schedule.Validate(zone).Count == 0
            && request.Schedule.ToUtc(zone) is var utc && utc.SelfAssessmentClosesAt.AddDays(request.GraceDays.Value) >= utc.VerificationEndsAt)
            Error("graceDays", "campaign.grace-after-verification");
        if (errors.Count > 0)
            throw Refusal.Invalid(errors);

        var now = clock.GetUtcNow();
        var campaign = new Campaign
        {
            Id = Guid.CreateVersion7(),
            AuthorityId = authority!.Id,
            Year = request.Year,
            NameVi = request.NameVi.Trim(),
            NameEn = request.NameEn.Trim(),
            TimeZone = zone.Id,
            Status = CampaignStatus.Draft,
            CopiedFromId = copiedFrom,
            Schedule = request.Schedule.ToUtc(zone),
            CountUnsubmittedDrafts = request.CountUnsubmittedDrafts ?? false,
            ReminderDays = [.. reminderDays.OrderDescending()],
            GraceDays = request.GraceDays ?? 0,
            EarlyClose = request.EarlyClose ?? false,
            HeadApproval = request.HeadApproval ?? false,
            ReminderHours = request.ReminderHours ?? Campaign.DefaultReminderHours,
            CreatedAt = now,
            CreatedBy = user,
        };
        campaign.IndexSets = request.IndexSets.Select(kv => new CampaignIndexSet { CampaignId = campaign.Id, Category = kv.Key, IndexSetId = kv.Value }).ToList();
        campaign.Participants = units.OrderBy(u => u.Code, StringComparer.Ordinal).Select(u => new Participant
        {
            Id = Guid.CreateVersion7(),
            CampaignId = campaign.Id,
            UnitId = u.Id,
            Category = u.Category,
            Flags = [.. u.Flags],
            IndexSetId = request.IndexSets[u.Category],
        }).ToList();
        // Counted now, not at the first save: a unit that has not begun is reminded of its whole form ("0/33 chỉ số"), not "0/0".
        foreach (var participant in campaign.Participants)
            participant.ApplicableCount = SelfAssessments.AssessmentScope.ApplicableLeavesOf(await indexSets.GetAsync(db, participant.IndexSetId, ct), participant).Count;
        campaign.Council = council.Select(m => new CouncilMember
        {
            Id = Guid.CreateVersion7(), CampaignId = campaign.Id, Role = m.Role, FullName = m.FullName.Trim(), Email = m.Email.Trim(), UnitId = m.UnitId,
        }).ToList();

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.Add(campaign);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditEvent(copiedFrom is null ? "campaign.created" : "campaign.copied", "campaign", campaign.Id.ToString(),
            After: new { campaign.Year, campaign.NameVi, Participants = campaign.Participants.Count, Council = campaign.Council.Count, request.Schedule },
            Detail: copiedFrom is null ? null : $"copied from {copiedFrom}", CampaignId: campaign.Id), ct);
        await transaction.CommitAsync(ct);
        return campaign;
    }

    private static IEnumerable<Scoring.IndexSets.IndicatorNode> Nodes(IEnumerable<Scoring.IndexSets.IndicatorNode> nodes) =>
        nodes.SelectMany(n => Nodes(n.Children).Prepend(n));
}
