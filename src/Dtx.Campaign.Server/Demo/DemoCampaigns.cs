using System.Security.Claims;
using Dtx.Campaign.Scoring.IndexSets;
using Dtx.Campaign.Scoring.Participation;
using Dtx.Campaign.Server.Awards;
using Dtx.Campaign.Server.Campaigns;
using Dtx.Campaign.Server.Council;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Disputes;
using Dtx.Campaign.Server.Identity;
using Dtx.Campaign.Server.IndexSets;
using Dtx.Campaign.Server.SelfAssessments;
using Dtx.Campaign.Server.Verification;
using Dtx.Campaign.Server.Workflow;
using Dtx.Campaign.Workflows.Runtime;
using Dtx.Campaign.Workflows.Storage;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Demo;

/// <summary>
/// Plays two yearly campaigns of the Hanoi demo units through the same services the pages and the API use,
/// on the <see cref="DemoClock"/>: last year's from launch to published results and Certificates of Merit
/// (answers, evidence, verdicts with notes, disputes, awards), and this year's up to today, with units at
/// every step of self-assessment (not started, in progress, submitted, extended). Nothing is written around
/// the services, so the demo shows what the product does and breaks when the product does.
/// </summary>
internal sealed class DemoCampaigns(IServiceProvider services, DemoClock clock, TextWriter output)
{
    private const string Authority = "HN";
    private static readonly TimeZoneInfo Zone = TimeZoneInfo.FindSystemTimeZoneById(Documents.DocFormat.DefaultTimeZoneId);

    /// <summary>Units that file a dispute last year, the indicator, and whether the council upholds it.</summary>
    private static readonly (string Unit, bool Upheld)[] Disputes = [("P-BA-DINH", true), ("STC", false)];

    /// <summary>
    /// Wards that last year were still their former wards (data/units/hanoi-demo.csv): last year's campaign assesses the
    /// former wards, this year's results compare each with its predecessors combined (docs/lineage.md).
    /// </summary>
    private static readonly string[] MergedWards = ["P-CUA-NAM", "P-HOAN-KIEM"];

    public async Task RunAsync(DateTimeOffset realNow, CancellationToken ct)
    {
        var today = TimeZoneInfo.ConvertTime(realNow, Zone).Date;
        var sets = await IndexSetsAsync(ct);
        var previous = await PlayLastYearAsync(today.AddYears(-1), sets, ct);
        var current = await PlayThisYearAsync(today, realNow, sets, ct);
        output.WriteLine($"Demo: last year's campaign {previous} is published; this year's {current} is in self-assessment.");
    }

    /// <summary>The campaign's dates around a day: launched a month before it, self-assessment closing a week after.</summary>
    private static ScheduleInput ScheduleAround(DateTime day) => new(
        IndexPublicationAt: day.AddDays(-32).AddHours(8),
        SelfAssessmentOpensAt: day.AddDays(-30).AddHours(8),
        SelfAssessmentClosesAt: day.AddDays(7).AddHours(17),
        VerificationEndsAt: day.AddDays(22).AddHours(17),
        PreliminaryResultsAt: day.AddDays(23).AddHours(8),
        DisputesOpensAt: day.AddDays(23).AddHours(8),
        DisputesClosesAt: day.AddDays(30).AddHours(17),
        FinalPublicationAt: day.AddDays(37).AddHours(8));

    private async Task<Guid> PlayLastYearAsync(DateTime day, Dictionary<string, Guid> sets, CancellationToken ct)
    {
        var schedule = ScheduleAround(day);
        await AtAsync(schedule.IndexPublicationAt.AddDays(-1), ct);
        var campaign = await CreateAndLaunchAsync(day.Year, schedule, sets, ct, await LastYearUnitsAsync(ct));

        // Every unit answers over the month, with evidence; three communes never submit.
        await AtAsync(schedule.SelfAssessmentOpensAt.AddDays(10), ct);
        var units = await UnitsAsync(campaign, ct);
        var late = units.Where(u => u.Category == "commune" && Disputes.All(d => d.Unit != u.Code))
            .Select(u => u.Code).OrderDescending(StringComparer.Ordinal).Take(3).ToHashSet();
        foreach (var unit in units)
            await SelfAssessAsync(campaign, unit, Strength(unit.Code, day.Year), share: late.Contains(unit.Code) ? 0.6 : 1, submit: !late.Contains(unit.Code), ct);
        output.WriteLine($"Demo {day.Year}: {units.Count} units self-assessed, {units.Count - late.Count} submitted.");

        // The deadline passes; the council shares the units, accepts most self-scores and lowers some with a note.
        await AtAsync(schedule.SelfAssessmentClosesAt.AddHours(16), ct);
        await VerifyAsync(campaign, units.Where(u => !late.Contains(u.Code)).ToList(), ct);
        await ApproveAsync(campaign, "council-verification", DemoPeople.Chair, ct);

        // Preliminary results: two units dispute a lowered score; the council upholds one and rejects the other.
        await AtAsync(schedule.DisputesOpensAt.AddDays(2), ct);
        var filed = await FileDisputesAsync(campaign, units, ct);
        await AtAsync(schedule.DisputesClosesAt.AddHours(16), ct);
        await ResolveDisputesAsync(campaign, filed, ct);
        await ApproveAsync(campaign, "dispute-resolution", DemoPeople.Chair, ct);

        // Awards on the final results, then publication day.
        await AwardAsync(campaign, ct);
        await AtAsync(schedule.FinalPublicationAt.AddHours(2), ct);
        return campaign;
    }

    private async Task<Guid> PlayThisYearAsync(DateTime today, DateTimeOffset realNow, Dictionary<string, Guid> sets, CancellationToken ct)
    {
        var schedule = ScheduleAround(today);
        await AtAsync(schedule.IndexPublicationAt.AddDays(-1), ct);
        // This year the unit heads approve before submission (approval inside the unit).
        var campaign = await CreateAndLaunchAsync(today.Year, schedule, sets, ct, headApproval: true, byField: true);
        // And its council appraises by field: the secretary gives each group the index set says a department verifies to its member.
        var secretary = await SeatAsync(campaign, DemoPeople.Council.Single(m => m.Role == CouncilRole.Secretary).Email, ct);
        var fields = await Scoped<FieldAppraisal, FieldsFromIndexSets>(f => f.AssignFromIndexSetsAsync(secretary, ct));

        // Three weeks in: about half the units have submitted, a third are filling in, the rest have not started.
        await AtAsync(schedule.SelfAssessmentOpensAt.AddDays(21), ct);
        var units = await UnitsAsync(campaign, ct);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var unit in units)
        {
            var step = (Stable(unit.Code + today.Year) % 6) switch { 0 => "not-started", 1 or 2 => "in-progress", _ => "submitted" };
            if (unit.Code == "SNV")
                step = "in-progress"; // the demo focal officer has work to do
            if (DemoPeople.HeadUnits.Contains(unit.Code))
                step = "awaiting-approval"; // and the demo head has a form to approve
            counts[step] = counts.GetValueOrDefault(step) + 1;
            if (step != "not-started")
                await SelfAssessAsync(campaign, unit, Strength(unit.Code, today.Year), share: step == "in-progress" ? 0.5 : 1,
                    submit: step == "submitted", ct, prepare: step == "awaiting-approval");
        }
        // One commune reorganising has more time, with the reason on record.
        var extended = units.First(u => u.Category == "commune" && Stable(u.Code + today.Year) % 6 == 0);
        await Scoped<GrantExtension>(g => g.HandleAsync(campaign, extended.Id,
            schedule.SelfAssessmentClosesAt.AddDays(5).ToString("yyyy-MM-dd'T'HH:mm", System.Globalization.CultureInfo.InvariantCulture),
            "Đơn vị đang sắp xếp lại tổ chức bộ máy sau sáp nhập", DemoPeople.AdminActor, ct));
        output.WriteLine($"Demo {today.Year}: {string.Join(", ", counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Value} {c.Key}"))}; {extended.Code} extended; "
            + $"{fields.Assigned.Count} fields appraised by department ({string.Join(", ", fields.Assigned.Select(f => $"group {f.GroupCode}: {f.MemberName}"))}).");

        await AtAsync(realNow, ct);
        return campaign;
    }

    /// <summary>Every active unit, except the merged wards, which take part as their former wards.</summary>
    private async Task<List<Guid>> LastYearUnitsAsync(CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CampaignDbContext>();
        var active = await db.Units.AsNoTracking().Where(u => u.Authority!.Code == Authority && u.IsActive && !MergedWards.Contains(u.Code)).Select(u => u.Id).ToListAsync(ct);
        var former = await (from l in db.Set<Units.UnitPredecessor>().AsNoTracking()
                            join u in db.Units.AsNoTracking() on l.UnitId equals u.Id
                            where u.Authority!.Code == Authority && MergedWards.Contains(u.Code)
                            select l.PredecessorId).Distinct().ToListAsync(ct);
        return [.. active, .. former];
    }

    private async Task<Guid> CreateAndLaunchAsync(int year, ScheduleInput schedule, Dictionary<string, Guid> sets, CancellationToken ct, List<Guid>? units = null,
        bool headApproval = false, bool byField = false)
    {
        // Appraising by field, the members say which department they work for (they then never appraise it).
        var fieldUnits = new Dictionary<string, Guid>(StringComparer.Ordinal);
        if (byField)
            foreach (var (email, code) in DemoPeople.FieldUnits)
                fieldUnits[email] = (await UnitsOfAuthorityAsync(ct))[code];
        var request = new CreateCampaignRequest(Authority, year, $"Đánh giá chuyển đổi số năm {year}", $"Digital transformation assessment {year}",
            sets, schedule, DemoPeople.Council.Select(m => new CouncilMemberInput(m.Name, m.Email, m.Role, fieldUnits.TryGetValue(m.Email, out var unit) ? unit : null)).ToList(),
            units, HeadApproval: headApproval);
        var campaign = await Scoped<CreateCampaign, Campaigns.Campaign>(c => c.HandleAsync(request, DemoPeople.AdminActor, ct));
        await Scoped<LaunchCampaign, Campaigns.Campaign>(l => l.HandleAsync(campaign.Id, DemoPeople.AdminActor, ct));
        return campaign.Id;
    }

    private async Task<Dictionary<string, Guid>> IndexSetsAsync(CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CampaignDbContext>();
        var published = await db.IndexSets.AsNoTracking().Where(s => s.Status == IndexSetStatus.Published && (s.Key == "hanoi-city" || s.Key == "hanoi-commune"))
            .Select(s => new { s.Id, s.Key, s.Level, s.Version }).ToListAsync(ct);
        return published.GroupBy(s => s.Level).ToDictionary(g => g.Key, g => g.OrderByDescending(s => s.Version).First().Id);
    }

    private sealed record DemoUnit(Guid Id, string Code, string Category);

    private async Task<List<DemoUnit>> UnitsAsync(Guid campaign, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CampaignDbContext>();
        return await (from p in db.Set<Participant>().AsNoTracking()
                      join u in db.Units.AsNoTracking() on p.UnitId equals u.Id
                      where p.CampaignId == campaign
                      orderby u.Code
                      select new DemoUnit(u.Id, u.Code, u.Category)).ToListAsync(ct);
    }

    /// <summary>Answers a share of the unit's indicators as a unit of that strength would, with document references as evidence.</summary>
    private async Task SelfAssessAsync(Guid campaign, DemoUnit unit, double strength, double share, bool submit, CancellationToken ct, bool prepare = false)
    {
        await using var scope = services.CreateAsyncScope();
        var useCases = scope.ServiceProvider;
        var view = await useCases.GetRequiredService<SelfAssessment>().GetAsync(campaign, unit.Id, ct) ?? throw new InvalidOperationException($"{unit.Code} is not in campaign {campaign}");
        var user = DemoPeople.FocalOfficer(unit.Code);
        var indicators = view.Indicators.Take((int)Math.Ceiling(view.Indicators.Count * share)).ToList();
        // A whole form at a time, as an officer who fills it in and saves it: one transaction for the references, one for the answers.
        var jitters = indicators.ToDictionary(i => i.Code, i => Stable(unit.Code + i.Code) % 1000 / 1000.0, StringComparer.Ordinal);
        await useCases.GetRequiredService<EvidenceDesk>().AddReferencesAsync(campaign, unit.Id, [.. indicators.Where(i => i.EvidenceRequired || jitters[i.Code] < 0.3).Select(i => new EvidenceItem
        {
            IndicatorCode = i.Code, Kind = EvidenceKind.Document, DocumentNumber = $"{10 + (int)(jitters[i.Code] * 200)}/QĐ-{unit.Code}",
            DocumentDate = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime.AddDays(-20 - jitters[i.Code] * 100)), DocumentIssuer = view.UnitName,
        })], user, ct);
        await useCases.GetRequiredService<AnswerDesk>().SaveAnswersAsync(campaign, unit.Id, [.. indicators.Select(i => new AnswerChange(i.Code, Answer(i, strength, jitters[i.Code])))], user, ct);
        // With head approval (view.Approval set) the officer sends the form to the head, who submits it.
        if (view.Approval is not null && (submit || prepare))
            await useCases.GetRequiredService<HeadApproval>().PrepareAsync(campaign, unit.Id, user, ct);
        if (submit)
            await useCases.GetRequiredService<Submission>().SubmitAsync(campaign, unit.Id, view.Approval is null ? user : DemoPeople.UnitHead(unit.Code), ct, byApprover: view.Approval is not null);
    }

    /// <summary>What a unit of a given strength (0..1) answers; the jitter (0..1) varies it per indicator.</summary>
    private static AnswerInput Answer(IndicatorView indicator, double strength, double jitter)
    {
        var level = Math.Clamp(strength + (jitter - 0.5) * 0.4, 0, 1);
        return indicator.Method switch
        {
            YesNoMethod => new AnswerInput(jitter < strength + 0.1, null, null, null, null, 0),
            RatioMethod => new AnswerInput(null, Math.Round((decimal)level * 200), 200, null, null, 0),
            TiersMethod tiers => new AnswerInput(null, null, null, Math.Round((decimal)level * tiers.Tiers.Max(t => t.AtLeast)), null, 0),
            CountMethod count => new AnswerInput(null, null, null, Math.Round((decimal)level * (count.Cap ?? indicator.MaxPoints) / count.PointsPerItem), null, 0),
            _ => new AnswerInput(null, null, null, Math.Round((decimal)level * indicator.MaxPoints, 1), "Đơn vị tự đề xuất điểm theo hướng dẫn", 0),
        };
    }

    private async Task VerifyAsync(Guid campaign, List<DemoUnit> submitted, CancellationToken ct)
    {
        var chair = await SeatAsync(campaign, DemoPeople.Chair, ct);
        var members = chair.Campaign.Council.Where(m => m.Role == CouncilRole.Member).OrderBy(m => m.Email, StringComparer.Ordinal).ToList();
        await Scoped<Assignments, IReadOnlyList<AssignmentView>>(v => v.AssignAsync(chair,
            submitted.Select((u, i) => new AssignmentInput(u.Id, members[i % members.Count].Id, null)).ToList(), ct));
        for (var i = 0; i < submitted.Count; i++)
        {
            var unit = submitted[i];
            var member = members[i % members.Count];
            var seat = await SeatAsync(campaign, member.Email, ct);
            await using var scope = services.CreateAsyncScope();
            var useCases = scope.ServiceProvider;
            var review = await useCases.GetRequiredService<VerificationProgress>().UnitAsync(seat, unit.Id, ct);
            // The member reviews the whole unit and records the verdicts together.
            var firstScored = review.SelfAssessment.Indicators.First(x => x.Answer?.SelfScore > 0);
            var verdicts = review.SelfAssessment.Indicators.Select(indicator =>
            {
                var self = indicator.Answer?.SelfScore ?? 0;
                // About one score in twelve is lowered, with what the evidence did not show; disputes below pick from these.
                var lower = self > 0 && (Stable(unit.Code + indicator.Code + "verify") % 12 == 0 || (Disputes.Any(d => d.Unit == unit.Code) && indicator == firstScored));
                return new VerdictChange(indicator.Code, lower
                    ? new VerdictInput(false, Math.Round(self / 2, 2), "Minh chứng chưa thể hiện đầy đủ kết quả kê khai; chỉ công nhận một phần.")
                    : new VerdictInput(true, null, null));
            }).Concat(review.SelfAssessment.BonusClaims.Where(b => b.Count > 0)
                .Select(bonus => new VerdictChange(Scoring.Participation.Participation.BonusEvidenceCode(bonus.RuleKey), new VerdictInput(true, null, null))));
            await useCases.GetRequiredService<Verdicts>().ReviewManyAsync(seat, unit.Id, [.. verdicts], ct);
            await useCases.GetRequiredService<UnitVerification>().CompleteAsync(seat, unit.Id, ct);
        }
        output.WriteLine($"Demo: the council verified {submitted.Count} units.");
    }

    private async Task<List<(Guid Id, bool Upheld, decimal Points)>> FileDisputesAsync(Guid campaign, List<DemoUnit> units, CancellationToken ct)
    {
        var filed = new List<(Guid, bool, decimal)>();
        foreach (var (code, upheld) in Disputes)
        {
            var unit = units.First(u => u.Code == code);
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CampaignDbContext>();
            var lowered = await (from v in db.Set<IndicatorVerdict>().AsNoTracking()
                                 join p in db.Set<Participant>().AsNoTracking() on v.ParticipantId equals p.Id
                                 where p.CampaignId == campaign && p.UnitId == unit.Id && v.Points < v.SelfPoints
                                 orderby v.IndicatorCode
                                 select new { v.IndicatorCode, v.SelfPoints }).FirstAsync(ct);
            var dispute = await scope.ServiceProvider.GetRequiredService<DisputeDesk>().FileAsync(campaign, unit.Id,
                new DisputeInput(lowered.IndicatorCode, "Đơn vị đã bổ sung văn bản chứng minh kết quả đạt được trong năm đánh giá.",
                    [$"Báo cáo số 45/BC-{unit.Code} kèm danh mục minh chứng"]), DemoPeople.FocalOfficer(unit.Code), ct);
            filed.Add((dispute.Id, upheld, lowered.SelfPoints));
        }
        return filed;
    }

    private async Task ResolveDisputesAsync(Guid campaign, List<(Guid Id, bool Upheld, decimal Points)> filed, CancellationToken ct)
    {
        var chair = await SeatAsync(campaign, DemoPeople.Chair, ct);
        foreach (var (id, upheld, points) in filed)
            await Scoped<DisputeDesk, DisputeView>(d => d.ResolveAsync(chair, id, upheld
                ? new DisputeResolution(true, points, "Văn bản bổ sung chứng minh đủ kết quả; công nhận điểm tự đánh giá.")
                : new DisputeResolution(false, null, "Văn bản bổ sung ban hành sau thời điểm chốt số liệu nên không được tính."), ct));
    }

    private async Task AwardAsync(Guid campaign, CancellationToken ct)
    {
        var administrator = await SeatAsync(campaign, DemoPeople.AdminActor, ct, Roles.CampaignAdmin);
        await Scoped<AwardsDesk, IReadOnlyList<QuotaInput>>(a => a.SetQuotasAsync(administrator,
            [new QuotaInput("department", 1, 1, 2, 60m), new QuotaInput("commune", 1, 3, 5, 70m)], ct));
        var chair = await SeatAsync(campaign, DemoPeople.Chair, ct);
        var awards = await Scoped<AwardsDesk, IReadOnlyList<AwardView>>(a => a.ConfirmAsync(chair, new AwardConfirmation(null, null), ct));
        output.WriteLine($"Demo: {awards.Count} Certificates of Merit issued.");
    }

    private async Task ApproveAsync(Guid campaign, string stage, string email, CancellationToken ct)
    {
        var result = await Scoped<StageApprovals, ApprovalResult>(a => a.ApproveAsync(campaign, stage, "Đồng ý", Person(email), ct));
        if (result.Outcome != ApprovalOutcome.Approved)
            throw new InvalidOperationException($"The demo could not approve {stage}: {result.Outcome} {result.Gate?.Summary} {result.Detail}");
    }

    private async Task<Dictionary<string, Guid>> UnitsOfAuthorityAsync(CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<CampaignDbContext>().Units.AsNoTracking().Where(u => u.Authority!.Code == Authority)
            .ToDictionaryAsync(u => u.Code, u => u.Id, StringComparer.Ordinal, ct);
    }

    private async Task<CouncilSeat> SeatAsync(Guid campaign, string email, CancellationToken ct, string? role = null)
    {
        await using var scope = services.CreateAsyncScope();
        return await CouncilSeat.FindAsync(scope.ServiceProvider.GetRequiredService<CampaignDbContext>(), campaign, Person(email, role), ct)
            ?? throw new InvalidOperationException($"No campaign {campaign}");
    }

    private static ClaimsPrincipal Person(string email, string? role = null) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, email), new Claim(ClaimTypes.Email, email), .. role is null ? [] : new[] { new Claim(ClaimTypes.Role, role) }],
            "demo", ClaimTypes.Name, ClaimTypes.Role));

    /// <summary>Moves the clock to a local time and runs every workflow timer that fell due, in order, as Quartz would.</summary>
    private async Task AtAsync(DateTime local, CancellationToken ct) => await AtAsync(ScheduleInput.Utc(local, Zone), ct);

    private async Task AtAsync(DateTimeOffset at, CancellationToken ct)
    {
        clock.MoveTo(at);
        while (true)
        {
            await using var scope = services.CreateAsyncScope();
            var now = clock.GetUtcNow().UtcDateTime;
            var due = await scope.ServiceProvider.GetRequiredService<CampaignDbContext>().Set<Bookmark>().AsNoTracking()
                .Where(b => b.Kind == BookmarkKind.Timer && b.ConsumedAt == null && b.DueUtc <= now)
                .OrderBy(b => b.DueUtc).Select(b => b.Id).FirstOrDefaultAsync(ct);
            if (due == Guid.Empty)
                return;
            var result = await scope.ServiceProvider.GetRequiredService<WorkflowRuntime>().ResumeAsync(due, WorkflowActor.Timer, null, ct);
            if (result != ResumeResult.Resumed)
                throw new InvalidOperationException($"A demo timer did not fire: {result}");
        }
    }

    private async Task Scoped<TService>(Func<TService, Task> work) where TService : notnull
    {
        await using var scope = services.CreateAsyncScope();
        await work(scope.ServiceProvider.GetRequiredService<TService>());
    }

    private async Task<TResult> Scoped<TService, TResult>(Func<TService, Task<TResult>> work) where TService : notnull
    {
        await using var scope = services.CreateAsyncScope();
        return await work(scope.ServiceProvider.GetRequiredService<TService>());
    }

    /// <summary>A unit's strength, the same every time the demo is built (no random numbers: the demo reads the same on every machine).</summary>
    private static double Strength(string unitCode, int year) => 0.45 + Stable(unitCode + year) % 500 / 1000.0;

    private static uint Stable(string text)
    {
        var hash = 2166136261u; // FNV-1a: stable across processes, unlike string.GetHashCode
        foreach (var c in text)
            hash = (hash ^ c) * 16777619u;
        return hash;
    }
}
