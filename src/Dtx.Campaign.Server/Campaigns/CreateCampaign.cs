using System.Net.Mail;
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
    int? ReminderHours = null);

/// <summary>Thrown when a request is refused; <see cref="Errors"/> is keyed by the field at fault.</summary>
public sealed class CampaignRequestException(Dictionary<string, string[]> errors)
    : Exception(string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(", ", e.Value)}")))
{
    public Dictionary<string, string[]> Errors { get; } = errors;

    public static CampaignRequestException For(string field, string message) => new(new() { [field] = [message] });
}

/// <summary>Creates a draft campaign: nothing is sent or scheduled until it is launched.</summary>
internal sealed class CreateCampaign(CampaignDbContext db, AuditTrail audit, TimeProvider clock)
{
    public async Task<Campaign> HandleAsync(CreateCampaignRequest request, string? user, CancellationToken ct, Guid? copiedFrom = null)
    {
        var errors = new Dictionary<string, string[]>();
        void Error(string field, string message) => errors[field] = errors.TryGetValue(field, out var m) ? [.. m, message] : [message];

        var authority = await db.Authorities.AsNoTracking().FirstOrDefaultAsync(a => a.Code == request.Authority, ct);
        if (authority is null) Error("authority", $"unknown authority '{request.Authority}'");
        if (request.Year is < 2000 or > 2100) Error("year", "must be a year between 2000 and 2100");
        if (string.IsNullOrWhiteSpace(request.NameVi)) Error("nameVi", "is required");
        if (string.IsNullOrWhiteSpace(request.NameEn)) Error("nameEn", "is required");
        var zoneId = request.TimeZone ?? authority?.TimeZone ?? "Asia/Ho_Chi_Minh";
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out var zone))
        {
            Error("timeZone", $"unknown time zone '{zoneId}' (use an IANA id such as Asia/Ho_Chi_Minh)");
            zone = TimeZoneInfo.Utc;
        }
        if (request.Schedule is null)
            throw CampaignRequestException.For("schedule", "is required");
        foreach (var (field, messages) in request.Schedule.Validate(zone))
            errors[field] = messages;

        // Index sets per category: each must exist and assess that category.
        if (request.IndexSets is null) throw CampaignRequestException.For("indexSets", "choose an index set for at least one unit category");
        if (request.IndexSets.Count == 0) Error("indexSets", "choose an index set for at least one unit category");
        var setIds = request.IndexSets.Values.ToList();
        var sets = await db.IndexSets.AsNoTracking().Where(s => setIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, ct);
        foreach (var (category, id) in request.IndexSets)
        {
            if (!sets.TryGetValue(id, out var set))
                Error($"indexSets.{category}", $"index set {id} does not exist");
            else if (set.Level != category)
                Error($"indexSets.{category}", $"index set '{set.Key}' v{set.Version} assesses '{set.Level}' units, not '{category}'");
            else if (set.Status == IndexSetStatus.Superseded)
                Error($"indexSets.{category}", $"index set '{set.Key}' v{set.Version} is superseded: choose its current version");
        }

        // Participants: the chosen units, or every active unit of the chosen categories.
        var categories = request.IndexSets.Keys.ToList();
        var units = authority is null ? [] : await db.Units.AsNoTracking()
            .Where(u => u.AuthorityId == authority.Id && (request.Units == null ? u.IsActive && categories.Contains(u.Category) : request.Units.Contains(u.Id)))
            .ToListAsync(ct);
        if (request.Units is not null)
        {
            foreach (var missing in request.Units.Except(units.Select(u => u.Id)))
                Error("units", $"unit {missing} does not exist in authority '{request.Authority}'");
            foreach (var unit in units.Where(u => !request.IndexSets.ContainsKey(u.Category)))
                Error("units", $"unit {unit.Code} is a '{unit.Category}' unit and no index set is chosen for that category");
        }
        if (units.Count == 0 && authority is not null) Error("units", "the campaign has no participating unit");

        var council = request.Council ?? [];
        for (var i = 0; i < council.Count; i++)
        {
            var member = council[i];
            if (string.IsNullOrWhiteSpace(member.FullName)) Error($"council[{i}].fullName", "is required");
            if (!MailAddress.TryCreate(member.Email, out _)) Error($"council[{i}].email", $"'{member.Email}' is not an e-mail address");
        }
        if (council.Count(m => m.Role == CouncilRole.Chair) > 1) Error("council", "the council has more than one chair");
        var reminderDays = request.ReminderDays ?? [.. Campaign.DefaultReminderDays];
        if (reminderDays.Any(d => d is < 1 or > 60) || reminderDays.Distinct().Count() != reminderDays.Count || reminderDays.Count > 10)
            Error("reminderDays", "up to 10 different numbers of days before the deadline, each from 1 to 60 (e.g. [7, 3, 1])");
        if (request.ReminderHours is < 0 or > 24)
            Error("reminderHours", $"from 0 (no last reminder) to 24 hours before the deadline, not {request.ReminderHours}");
        if (request.GraceDays is < 0 or > 14)
            Error("graceDays", "from 0 (no late submissions) to 14 days");
        else if (request.GraceDays > 0 && request.Schedule.Validate(zone).Count == 0
            && request.Schedule.ToUtc(zone) is var utc && utc.SelfAssessmentClosesAt.AddDays(request.GraceDays.Value) >= utc.VerificationEndsAt)
            Error("graceDays", "the grace period must end before verification ends");
        if (errors.Count > 0)
            throw new CampaignRequestException(errors);

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
}
