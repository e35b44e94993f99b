using Dtx.Campaign.Scoring.IndexSets;
using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Council;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.IndexSets;
using Dtx.Campaign.Server.SelfAssessments;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Verification;

/// <summary>A field given to a council member: one indicator group, in every unit whose index set has it (of one category, when named).</summary>
public sealed record FieldAssignmentInput(Guid MemberId, string GroupCode, string? Category = null);

/// <summary>What a field assignment became: the units it covers, and those left out because the member works for them.</summary>
public sealed record FieldAssigned(Guid MemberId, string MemberName, string GroupCode, string? Category, int Units, IReadOnlyList<string> OwnUnitsLeftOut);

/// <summary>A group whose verifying unit has nobody on the council: the secretary assigns it by hand.</summary>
public sealed record FieldWithoutMember(string Category, string GroupCode, string VerifyingUnit);

public sealed record FieldsFromIndexSets(IReadOnlyList<FieldAssigned> Assigned, IReadOnlyList<FieldWithoutMember> WithoutMember);

/// <summary>One indicator of a field in one unit: what the unit claims, and the council's verdict once given.</summary>
public sealed record FieldIndicator(string Code, string NameVi, string NameEn, decimal MaxPoints, bool Answered, decimal SelfPoints, bool Evidenced,
    decimal? VerifiedPoints, string? Note);

public sealed record FieldUnit(Guid UnitId, string UnitCode, string UnitName, string Category, int Verified, IReadOnlyList<FieldIndicator> Indicators);

/// <summary>A member's work list for one field across the units they are assigned it in, with its progress.</summary>
public sealed record FieldWork(string GroupCode, string NameVi, string NameEn, int Indicators, int Verified, IReadOnlyList<FieldUnit> Units);

/// <summary>A field as the council's page lists it: who has it, in how many units, and how far they are.</summary>
public sealed record FieldProgress(Guid MemberId, string MemberName, string GroupCode, int Units, int Indicators, int Verified);

/// <summary>
/// Appraisal by field (Cần Thơ's practice): the department of a field appraises its indicators for every unit — Home Affairs
/// the institutions, Public Security the information security — before the member in charge of a unit consolidates it.
/// A field is an indicator group assigned across units; the index set may name, per group, the unit that verifies it
/// (<c>verified-by</c>), and the council's members who work for that unit are then given it in one step. Verdicts go
/// through the council's single review (same notes, clarification and conflict-of-interest rules): this use case only
/// assigns and lists. Who may assign (<see cref="CouncilPermission.Assign"/>) or work a field (<see cref="CouncilPermission.Member"/>)
/// is checked before it runs.
/// </summary>
internal sealed class FieldAppraisal(CampaignDbContext db, IndexSetCache sets, Assignments assignments)
{
    /// <summary>Gives each member their field in every unit whose index set has that group, except the units they work for.</summary>
    public async Task<IReadOnlyList<FieldAssigned>> AssignAsync(CouncilSeat seat, IReadOnlyList<FieldAssignmentInput> inputs, CancellationToken ct)
    {
        if (inputs.Count == 0)
            throw Refusal.Invalid("fields", "verification.assignments-empty");
        var participants = await ParticipantsAsync(seat.Campaign.Id, ct);
        var perUnit = new List<AssignmentInput>();
        var results = new List<FieldAssigned>();
        for (var i = 0; i < inputs.Count; i++)
        {
            var (memberId, group, category) = inputs[i];
            var member = seat.Campaign.Council.FirstOrDefault(m => m.Id == memberId)
                ?? throw Refusal.Invalid($"fields[{i}].memberId", "verification.not-council-member", ("member", memberId));
            var covered = participants.Where(p => (category is null || p.Category == category) && p.Set.Groups.Any(g => g.Code == group)).ToList();
            if (covered.Count == 0)
                throw Refusal.Invalid($"fields[{i}].groupCode", "verification.field-unknown", ("group", group), ("category", category ?? "*"));
            // A member never appraises the unit they work for: that unit's field goes to someone else.
            var own = covered.Where(p => p.UnitId == member.UnitId).Select(p => p.UnitCode).ToList();
            perUnit.AddRange(covered.Where(p => p.UnitId != member.UnitId).Select(p => new AssignmentInput(p.UnitId, member.Id, group)));
            results.Add(new FieldAssigned(member.Id, member.FullName, group, category, covered.Count - own.Count, own));
        }
        if (perUnit.Count > 0)
            await assignments.AssignAsync(seat, perUnit, ct);
        return results;
    }

    /// <summary>Assigns every group the index sets give a verifying unit to the council's members from that unit.</summary>
    public async Task<FieldsFromIndexSets> AssignFromIndexSetsAsync(CouncilSeat seat, CancellationToken ct)
    {
        var inputs = new List<FieldAssignmentInput>();
        var without = new List<FieldWithoutMember>();
        var campaignSets = await db.Set<Campaigns.CampaignIndexSet>().AsNoTracking().Where(s => s.CampaignId == seat.Campaign.Id)
            .OrderBy(s => s.Category).Select(s => new { s.Category, s.IndexSetId }).ToListAsync(ct);
        foreach (var (category, setId) in campaignSets.Select(s => (s.Category, s.IndexSetId)))
        {
            var set = await sets.GetAsync(db, setId, ct);
            foreach (var group in set.Groups.Where(g => g.VerifyingUnit is not null))
            {
                var unitId = await db.Units.Where(u => u.Code == group.VerifyingUnit && u.AuthorityId == seat.Campaign.AuthorityId).Select(u => (Guid?)u.Id).FirstOrDefaultAsync(ct);
                var members = seat.Campaign.Council.Where(m => unitId is not null && m.UnitId == unitId).ToList();
                if (members.Count == 0)
                    without.Add(new FieldWithoutMember(category, group.Code, group.VerifyingUnit!));
                inputs.AddRange(members.Select(m => new FieldAssignmentInput(m.Id, group.Code, category)));
            }
        }
        if (inputs.Count == 0 && without.Count == 0)
            throw Refusal.Invalid("indexSets", "verification.no-verifying-units");
        return new FieldsFromIndexSets(inputs.Count == 0 ? [] : await AssignAsync(seat, inputs, ct), without);
    }

    /// <summary>The seat's work list for one field: each unit they have it in, each of its indicators that applies there.</summary>
    public async Task<FieldWork> WorkAsync(CouncilSeat seat, string groupCode, CancellationToken ct)
    {
        var member = seat.SeatedMember;
        var assigned = await db.Set<VerificationAssignment>().AsNoTracking()
            .Where(a => a.CampaignId == seat.Campaign.Id && a.CouncilMemberId == member.Id && a.GroupCode == groupCode).Select(a => a.ParticipantId).ToListAsync(ct);
        if (assigned.Count == 0)
            throw Refusal.Forbidden("verification.group-not-assigned", ("member", member.FullName), ("group", groupCode));
        var participants = (await ParticipantsAsync(seat.Campaign.Id, ct)).Where(p => assigned.Contains(p.ParticipantId)).OrderBy(p => p.UnitCode, StringComparer.Ordinal).ToList();
        var prefix = groupCode + ".";
        // Looked up by (participant, indicator): a field spans thousands of units at commune scale.
        var answers = (await db.Set<Answer>().AsNoTracking().Where(a => assigned.Contains(a.ParticipantId) && a.IndicatorCode.StartsWith(prefix)).ToListAsync(ct))
            .ToDictionary(a => (a.ParticipantId, a.IndicatorCode));
        var verdicts = (await db.Set<IndicatorVerdict>().AsNoTracking().Where(v => assigned.Contains(v.ParticipantId) && v.IndicatorCode.StartsWith(prefix)).ToListAsync(ct))
            .ToDictionary(v => (v.ParticipantId, v.IndicatorCode));
        var evidenced = (await db.Set<EvidenceItem>().AsNoTracking().Where(e => assigned.Contains(e.ParticipantId) && e.IndicatorCode.StartsWith(prefix))
            .Select(e => new { e.ParticipantId, e.IndicatorCode }).Distinct().ToListAsync(ct)).Select(e => (e.ParticipantId, e.IndicatorCode)).ToHashSet();
        var units = new List<FieldUnit>();
        IndicatorNode? named = null;
        foreach (var p in participants)
        {
            var group = p.Set.Groups.FirstOrDefault(g => g.Code == groupCode);
            if (group is null)
                continue;
            named ??= group;
            var indicators = AssessmentScope.Walk(group, p.Profile).Select(leaf =>
            {
                var answer = answers.GetValueOrDefault((p.ParticipantId, leaf.Code));
                var verdict = verdicts.GetValueOrDefault((p.ParticipantId, leaf.Code));
                return new FieldIndicator(leaf.Code, leaf.Name.Vi, leaf.Name.En, leaf.MaxPoints,
                    answer is not null && Scoring.Participation.Participation.Answered(answer.Input(false)), answer?.SelfScore ?? 0,
                    evidenced.Contains((p.ParticipantId, leaf.Code)), verdict?.Points, verdict?.Note);
            }).ToList();
            units.Add(new FieldUnit(p.UnitId, p.UnitCode, p.UnitName, p.Category, indicators.Count(i => i.VerifiedPoints is not null), indicators));
        }
        return new FieldWork(groupCode, named?.Name.Vi ?? groupCode, named?.Name.En ?? groupCode, units.Sum(u => u.Indicators.Count), units.Sum(u => u.Verified), units);
    }

    /// <summary>Every field assigned in the campaign (or only the seat's, for a member who does not organise it), with its progress; as the verification progress, nobody else.</summary>
    public async Task<IReadOnlyList<FieldProgress>> ProgressAsync(CouncilSeat seat, CancellationToken ct)
    {
        var everyone = seat.Organises || seat.IsAdministrator;
        var memberId = everyone ? (Guid?)null : seat.SeatedMember.Id;
        var rows = await db.Set<VerificationAssignment>().AsNoTracking()
            .Where(a => a.CampaignId == seat.Campaign.Id && a.GroupCode != null && (everyone || a.CouncilMemberId == memberId))
            .Select(a => new { a.CouncilMemberId, a.GroupCode, a.ParticipantId }).ToListAsync(ct);
        if (rows.Count == 0)
            return [];
        var participants = (await ParticipantsAsync(seat.Campaign.Id, ct)).ToDictionary(p => p.ParticipantId);
        var ids = rows.Select(r => r.ParticipantId).Distinct().ToList();
        var verdicts = (await db.Set<IndicatorVerdict>().AsNoTracking().Where(v => ids.Contains(v.ParticipantId)).Select(v => new { v.ParticipantId, v.IndicatorCode }).ToListAsync(ct))
            .Select(v => (v.ParticipantId, v.IndicatorCode)).ToHashSet();
        return [.. rows.GroupBy(r => (r.CouncilMemberId, r.GroupCode!)).Select(field =>
        {
            var leaves = field.Select(r => (r.ParticipantId, Codes: participants[r.ParticipantId].Set.Groups.Where(g => g.Code == field.Key.Item2)
                .SelectMany(g => AssessmentScope.Walk(g, participants[r.ParticipantId].Profile)).Select(l => l.Code).ToList())).ToList();
            var verified = leaves.Sum(l => l.Codes.Count(code => verdicts.Contains((l.ParticipantId, code))));
            return new FieldProgress(field.Key.CouncilMemberId, seat.Campaign.Council.FirstOrDefault(m => m.Id == field.Key.CouncilMemberId)?.FullName ?? "",
                field.Key.Item2, field.Count(), leaves.Sum(l => l.Codes.Count), verified);
        }).OrderBy(f => f.GroupCode, StringComparer.Ordinal).ThenBy(f => f.MemberName, StringComparer.Ordinal)];
    }

    private sealed record FieldParticipant(Guid ParticipantId, Guid UnitId, string UnitCode, string UnitName, string Category, IndexSet Set, UnitProfile Profile);

    private async Task<List<FieldParticipant>> ParticipantsAsync(Guid campaignId, CancellationToken ct)
    {
        var rows = await (from p in db.Participants.AsNoTracking()
                          join u in db.Units.AsNoTracking() on p.UnitId equals u.Id
                          where p.CampaignId == campaignId
                          select new { p.Id, p.UnitId, u.Code, u.NameVi, p.Category, p.Flags, p.IndexSetId }).ToListAsync(ct);
        var result = new List<FieldParticipant>(rows.Count);
        foreach (var r in rows)
            result.Add(new FieldParticipant(r.Id, r.UnitId, r.Code, r.NameVi, r.Category, await sets.GetAsync(db, r.IndexSetId, ct),
                new UnitProfile(r.Category, r.Flags.ToHashSet(StringComparer.Ordinal))));
        return result;
    }
}
