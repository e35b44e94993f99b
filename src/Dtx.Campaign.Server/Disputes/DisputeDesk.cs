using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Audit;
using Dtx.Campaign.Server.Campaigns;
using Dtx.Campaign.Server.Council;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Hosting;
using Dtx.Campaign.Server.IndexSets;
using Dtx.Campaign.Server.SelfAssessments;
using Dtx.Campaign.Server.Verification;
using Dtx.Campaign.Workflows.Storage;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Disputes;

public sealed record DisputeInput(string Code, string? Justification, IReadOnlyList<string>? Evidence);

/// <summary>Upheld with the new points, or rejected; either way with the reasons the unit will read.</summary>
public sealed record DisputeResolution(bool Upheld, decimal? NewPoints, string? Reason);

public sealed record DisputeView(Guid Id, Guid UnitId, string UnitCode, string Code, string Justification, IReadOnlyList<string> Evidence, string FiledBy,
    DateTimeOffset FiledAt, decimal PointsBefore, DisputeStatus Status, decimal? NewPoints, string? Resolution, string? ResolvedBy, DateTimeOffset? ResolvedAt);

/// <summary>
/// Disputes: filed by a unit on specific indicators inside the dispute window (never after it closes),
/// resolved by the council indicator by indicator; an upheld dispute changes the score, on the record.
/// </summary>
internal sealed class DisputeDesk(CampaignDbContext db, IndexSetCache sets, AuditTrail audit, TimeProvider clock, Notices.NoticeDesk notices, Results.ResultsBook results)
{
    public async Task<DisputeView> FileAsync(Guid campaignId, Guid unitId, DisputeInput input, string user, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(input.Justification) || input.Justification.Trim().Length < 10)
            throw Refusal.Invalid("justification", "dispute.justification-short");
        if (input.Justification.Length > 8000)
            throw Refusal.Invalid("justification", "field.too-long", ("max", 8000));
        var evidence = (input.Evidence ?? []).Where(e => !string.IsNullOrWhiteSpace(e)).Select(e => e.Trim()).ToList();
        if (evidence.Count > 50 || evidence.Any(e => e.Length > 1000))
            throw Refusal.Invalid("evidence", "dispute.evidence-limits");
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var scope = await AssessmentScope.LoadAsync(db, sets, campaignId, unitId, ct) ?? throw Refusal.NotFound("not-found", ("what", $"Unit {unitId} in campaign {campaignId}"));
        await CampaignStage.RequireAsync(db, scope.Campaign, "action.file-dispute", ct, "dispute-window");
        var now = clock.GetUtcNow();
        if (scope.Campaign.DisputesClosedAt is { } closed)
            throw Refusal.Conflict("dispute.window-closed", ("closedAt", scope.When(closed)));
        if (now >= scope.Campaign.Schedule.DisputesClosesAt)
            throw Refusal.Conflict("dispute.window-closed", ("closedAt", scope.When(scope.Campaign.Schedule.DisputesClosesAt)));
        if (scope.Participant.Verification == VerificationStatus.Excluded)
            throw Refusal.Conflict("dispute.excluded", ("unit", scope.Unit.Code), ("reason", scope.Participant.ExclusionReason));
        if (!scope.ApplicableLeaves.Any(l => l.Code == input.Code))
            throw Refusal.NotFound("not-found", ("what", $"Indicator {input.Code} does not apply to {scope.Unit.Code} in this campaign"));
        if (await db.Set<Dispute>().AnyAsync(d => d.ParticipantId == scope.Participant.Id && d.IndicatorCode == input.Code && d.Status == DisputeStatus.Open, ct))
            throw Refusal.Conflict("dispute.already-open", ("unit", scope.Unit.Code), ("code", input.Code));
        var dispute = new Dispute
        {
            Id = Guid.CreateVersion7(), CampaignId = campaignId, ParticipantId = scope.Participant.Id, IndicatorCode = input.Code,
            Justification = input.Justification.Trim(), Evidence = evidence, FiledBy = user, FiledAt = now,
            PointsBefore = await CurrentPointsAsync(scope.Participant.Id, input.Code, ct), Status = DisputeStatus.Open,
        };
        db.Add(dispute);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditEvent("dispute.filed", "dispute", dispute.Id.ToString(),
            After: new { dispute.IndicatorCode, dispute.Justification, dispute.Evidence, dispute.PointsBefore }, Detail: input.Code, CampaignId: campaignId, UnitId: unitId), ct);
        await transaction.CommitAsync(ct);
        return ToView(dispute, scope.Unit.Id, scope.Unit.Code);
    }

    public async Task<DisputeView> ResolveAsync(CouncilSeat seat, Guid disputeId, DisputeResolution input, CancellationToken ct)
    {
        // A council member (CouncilPermission.Member); whether they may answer this dispute is checked below.
        var member = seat.SeatedMember;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await CampaignStage.RequireAsync(db, seat.Campaign, "action.resolve-dispute", ct, "dispute-window", "dispute-resolution");
        var dispute = await db.Set<Dispute>().FirstOrDefaultAsync(d => d.Id == disputeId && d.CampaignId == seat.Campaign.Id, ct)
            ?? throw Refusal.NotFound("not-found", ("what", $"Dispute {disputeId}"));
        if (dispute.Status != DisputeStatus.Open)
            throw Refusal.Conflict("dispute.already-resolved", ("status", ApiNames.Label("dispute", dispute.Status)), ("by", dispute.ResolvedBy), ("at", dispute.ResolvedAt?.ToString("u")));
        var participant = await db.Participants.FirstAsync(p => p.Id == dispute.ParticipantId, ct);
        var scope = await AssessmentScope.LoadAsync(db, sets, seat.Campaign.Id, participant.UnitId, ct) ?? throw Refusal.NotFound("not-found", ("what", $"Dispute {disputeId}"));
        if (member.UnitId == participant.UnitId)
            throw Refusal.Forbidden("dispute.conflict-of-interest", ("member", member.FullName), ("unit", scope.Unit.Code));
        if (!seat.Organises && !await db.Set<VerificationAssignment>().AnyAsync(a => a.ParticipantId == participant.Id && a.CouncilMemberId == member.Id, ct))
            throw Refusal.Forbidden("dispute.not-assigned", ("member", member.FullName), ("unit", scope.Unit.Code));
        var reason = input.Reason?.Trim();
        if (string.IsNullOrEmpty(reason))
            throw Refusal.Invalid("reason", input.Upheld ? "dispute.reason-upheld" : "dispute.reason-rejected");
        var max = scope.ApplicableLeaves.First(l => l.Code == dispute.IndicatorCode).MaxPoints;
        if (input.Upheld)
        {
            var points = input.NewPoints ?? throw Refusal.Invalid("newPoints", "dispute.new-points-required", ("max", max));
            if (points < 0 || points > max)
                throw Refusal.Invalid("newPoints", "dispute.new-points-range", ("max", max), ("got", points));
            dispute.NewPoints = points;
        }
        else if (input.NewPoints is not null)
            throw Refusal.Invalid("newPoints", "dispute.no-new-points");
        dispute.Status = input.Upheld ? DisputeStatus.Upheld : DisputeStatus.Rejected;
        (dispute.Resolution, dispute.ResolvedBy, dispute.ResolvedAt) = (reason, member.FullName, clock.GetUtcNow());
        if (input.Upheld)
            db.Add(new ScoreChange
            {
                Id = Guid.CreateVersion7(), ParticipantId = participant.Id, IndicatorCode = dispute.IndicatorCode, Stage = ScoreStage.Dispute,
                FromPoints = dispute.PointsBefore, ToPoints = dispute.NewPoints!.Value, Note = reason, By = member.FullName, At = dispute.ResolvedAt.Value,
            });
        await db.SaveChangesAsync(ct);
        await IssueOutcomeAsync(seat.Campaign, dispute, participant, scope, member.FullName, ct);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditEvent("dispute.resolved", "dispute", dispute.Id.ToString(), new { Status = "open", dispute.PointsBefore },
            new { Status = dispute.Status.ToString().ToLowerInvariant(), dispute.NewPoints, dispute.Resolution }, Detail: dispute.IndicatorCode,
            CampaignId: seat.Campaign.Id, UnitId: participant.UnitId), ct);
        await transaction.CommitAsync(ct);
        return ToView(dispute, scope.Unit.Id, scope.Unit.Code);
    }

    /// <summary>
    /// The council's answer to the unit, as an official notice (numbered in the register, filed with its model) e-mailed to the
    /// unit's focal officers: accepted or not, the reasons, the indicator's points and the unit's total before and after.
    /// </summary>
    private async Task IssueOutcomeAsync(Campaigns.Campaign campaign, Dispute dispute, Participant participant, AssessmentScope scope, string decidedBy, CancellationToken ct)
    {
        var unit = await db.Units.AsNoTracking().Include(u => u.Contacts).FirstAsync(u => u.Id == participant.UnitId, ct);
        var preliminary = await results.GetUnitAsync(campaign.Id, unit.Id, [Results.ResultKinds.Preliminary], publishedOnly: false, ct);
        var published = preliminary.TryGetValue(Results.ResultKinds.Preliminary, out var standing) ? standing.Total + standing.Bonus : 0m;
        // Disputes decided earlier already changed the total this one starts from.
        var earlier = await db.Set<Dispute>().AsNoTracking()
            .Where(d => d.ParticipantId == participant.Id && d.Id != dispute.Id && d.Status == DisputeStatus.Upheld)
            .Select(d => new { d.PointsBefore, d.NewPoints }).ToListAsync(ct);
        var before = published + earlier.Sum(d => (d.NewPoints ?? d.PointsBefore) - d.PointsBefore);
        var after = before + ((dispute.NewPoints ?? dispute.PointsBefore) - dispute.PointsBefore);
        var indicator = scope.ApplicableLeaves.First(l => l.Code == dispute.IndicatorCode);
        Documents.DisputeOutcomeNotice Notice(Notices.NoticeDesk.NoticeContext c) => new()
        {
            Authority = c.Letterhead.Authority, Number = c.Number, IssuedAt = c.IssuedAt, TimeZoneId = c.Zone.Id, Campaign = c.Campaign, Signer = c.Letterhead.Signer,
            Recipients = [unit.NameVi + ";", "Lưu: VT."], Unit = Notices.NoticeDesk.UnitModel(unit), ScoreBefore = before, ScoreAfter = after,
            Items = [new(dispute.IndicatorCode, indicator.Name.Vi, dispute.Justification, dispute.Status == DisputeStatus.Upheld, dispute.PointsBefore,
                dispute.NewPoints ?? dispute.PointsBefore, dispute.Resolution ?? "")],
        };
        var contacts = unit.Contacts.Where(c => c.Role == Units.ContactRole.FocalOfficer).ToList();
        var issue = await notices.IssueAsync(campaign, Notice, decidedBy, contacts.Count, unit.Id, ct);
        var letter = Notices.NoticeDesk.Letter(issue, Notice(issue.Context));
        var now = clock.GetUtcNow().UtcDateTime;
        foreach (var contact in contacts)
            db.Add(new OutboxMessage
            {
                Id = Guid.NewGuid(), CreatedAt = now, Kind = "email", Status = OutboxStatus.Pending, NextAttemptAt = now,
                IdempotencyKey = $"dispute-outcome/{dispute.Id:N}/{contact.Email.ToLowerInvariant()}",
                PayloadJson = System.Text.Json.JsonSerializer.Serialize(new
                {
                    template = "dispute-outcome", campaignId = campaign.Id, unitId = unit.Id, unitCode = unit.Code, to = contact.Email, name = contact.FullName,
                    documentId = issue.Document.Id, document = issue.Document.Display, letter.Subject, letter.ModelType, letter.ModelJson,
                }),
            });
    }

    /// <summary>A unit's disputes, or (unitId null) the campaign's queue for the council.</summary>
    public async Task<IReadOnlyList<DisputeView>> ListAsync(Guid campaignId, Guid? unitId, CancellationToken ct)
    {
        var rows = await (from d in db.Set<Dispute>().AsNoTracking()
                          join p in db.Participants.AsNoTracking() on d.ParticipantId equals p.Id
                          join u in db.Units.AsNoTracking() on p.UnitId equals u.Id
                          where d.CampaignId == campaignId && (unitId == null || p.UnitId == unitId)
                          select new { d, u.Id, u.Code }).ToListAsync(ct);
        return rows.OrderBy(r => r.d.Status).ThenBy(r => r.d.FiledAt).ThenBy(r => r.d.Id).Select(r => ToView(r.d, r.Id, r.Code)).ToList();
    }

    /// <summary>The indicator's score as the unit disputes it: the council's verdict, else the self-score.</summary>
    private async Task<decimal> CurrentPointsAsync(Guid participantId, string code, CancellationToken ct) =>
        await db.Set<IndicatorVerdict>().Where(v => v.ParticipantId == participantId && v.IndicatorCode == code).Select(v => (decimal?)v.Points).FirstOrDefaultAsync(ct)
        ?? await db.Set<Answer>().Where(a => a.ParticipantId == participantId && a.IndicatorCode == code).Select(a => (decimal?)a.SelfScore).FirstOrDefaultAsync(ct)
        ?? 0;

    private static DisputeView ToView(Dispute d, Guid unitId, string unitCode) => new(d.Id, unitId, unitCode, d.IndicatorCode, d.Justification, d.Evidence, d.FiledBy,
        d.FiledAt, d.PointsBefore, d.Status, d.NewPoints, d.Resolution, d.ResolvedBy, d.ResolvedAt);
}
