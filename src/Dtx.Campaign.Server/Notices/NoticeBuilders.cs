using Dtx.Campaign.Server.Campaigns;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Results;
using Dtx.Campaign.Server.Units;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Notices;

/// <summary>
/// The filed copy of a notice (addressed to all its recipients) and each unit's own copy (null: a recipient that is not a unit).
/// <paramref name="Issued"/>: a document issued earlier (e.g. the award decision, numbered when the chair confirmed the awards)
/// that the step sends as it is instead of taking a new number.
/// </summary>
internal sealed record NoticeCopies(Func<NoticeDesk.NoticeContext, Documents.Notice> Filed, Func<NoticeDesk.NoticeContext, Unit?, Documents.Notice> ForUnit,
    IssuedDocument? Issued = null);

/// <summary>
/// Fills one notice template with a campaign's own data. A class implementing this in the server assembly is
/// found at start-up: a workflow step sending its template, and a preview with a real campaign, then use it.
/// </summary>
internal interface INoticeBuilder
{
    /// <summary>The notice template, e.g. "deadline-closed" (the workflow step's <c>template</c> parameter).</summary>
    string Template { get; }

    /// <summary>The copies, or null when the campaign has no data for this notice yet (the step then sends the interim wording).</summary>
    Task<NoticeCopies?> BuildAsync(Campaigns.Campaign campaign, CancellationToken ct);
}

/// <summary>The notice builders by template name.</summary>
internal sealed class NoticeBuilders(IEnumerable<INoticeBuilder> builders)
{
    private readonly Dictionary<string, INoticeBuilder> byTemplate = builders.ToDictionary(b => b.Template, StringComparer.Ordinal);

    public bool TryGet(string template, out INoticeBuilder builder) => byTemplate.TryGetValue(template, out builder!);

    public IReadOnlyCollection<string> Templates => byTemplate.Keys;

    /// <summary>Registers every builder of the assembly, so that adding a notice is writing its builder.</summary>
    public static void Register(IServiceCollection services)
    {
        foreach (var type in typeof(INoticeBuilder).Assembly.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false } && typeof(INoticeBuilder).IsAssignableFrom(t)))
            services.AddScoped(typeof(INoticeBuilder), type);
        services.AddScoped<NoticeBuilders>();
    }
}

internal sealed class IndexPublicationBuilder : INoticeBuilder
{
    public string Template => "index-publication";

    public Task<NoticeCopies?> BuildAsync(Campaigns.Campaign campaign, CancellationToken ct) =>
        Task.FromResult<NoticeCopies?>(new NoticeCopies(NoticeModels.IndexPublication, (c, _) => NoticeModels.IndexPublication(c)));
}

internal sealed class SelfAssessmentOpeningBuilder : INoticeBuilder
{
    public string Template => "self-assessment-opening";

    public Task<NoticeCopies?> BuildAsync(Campaigns.Campaign campaign, CancellationToken ct) =>
        Task.FromResult<NoticeCopies?>(new NoticeCopies(c => NoticeModels.Opening(c, NoticeDesk.EveryUnit, ""),
            (c, u) => u is null ? NoticeModels.Opening(c, NoticeDesk.EveryUnit, "")
                : NoticeModels.Opening(c, NoticeDesk.UnitModel(u), u.Contacts.FirstOrDefault(x => x.Role == ContactRole.FocalOfficer)?.Email ?? "")));
}

/// <summary>The filed reminder of a round; each unit's copy (its own deadline and progress) is made by the reminder round itself.</summary>
internal sealed class DeadlineReminderBuilder(CampaignDbContext db) : INoticeBuilder
{
    public string Template => "deadline-reminder";

    public async Task<NoticeCopies?> BuildAsync(Campaigns.Campaign campaign, CancellationToken ct)
    {
        var participants = await db.Participants.AsNoTracking().Where(p => p.CampaignId == campaign.Id).ToDictionaryAsync(p => p.UnitId, ct);
        var deadline = campaign.Schedule.SelfAssessmentClosesAt;
        return new NoticeCopies(c => NoticeModels.Reminder(c, NoticeDesk.EveryUnit, deadline, 0, 0, 0), (c, u) =>
        {
            if (u is null || !participants.TryGetValue(u.Id, out var p))
                return NoticeModels.Reminder(c, u is null ? NoticeDesk.EveryUnit : NoticeDesk.UnitModel(u), deadline, 0, 0, 0);
            var own = campaign.DeadlineOf(p);
            var daysLeft = Campaigns.Campaign.DaysLeft(own, c.IssuedAt, c.Zone);
            return NoticeModels.Reminder(c, NoticeDesk.UnitModel(u), own, daysLeft, p.AnsweredCount, p.ApplicableCount);
        });
    }
}

internal sealed class DeadlineClosedBuilder(CampaignDbContext db) : INoticeBuilder
{
    public string Template => "deadline-closed";

    public async Task<NoticeCopies?> BuildAsync(Campaigns.Campaign campaign, CancellationToken ct)
    {
        var rows = await (from p in db.Participants
                          join u in db.Units on p.UnitId equals u.Id
                          where p.CampaignId == campaign.Id
                          select new { p.Status, u.NameVi }).ToListAsync(ct);
        var missing = rows.Where(r => r.Status != ParticipantStatus.Submitted).Select(r => r.NameVi).Order(StringComparer.Ordinal).ToList();
        Documents.Notice Closed(NoticeDesk.NoticeContext c) => NoticeModels.Closed(c, campaign.Schedule.SelfAssessmentClosesAt, rows.Count - missing.Count, rows.Count, missing);
        return new NoticeCopies(Closed, (c, _) => Closed(c));
    }
}

internal sealed class PreliminaryResultsBuilder(ResultsBook results) : INoticeBuilder
{
    public string Template => "preliminary-results";

    public async Task<NoticeCopies?> BuildAsync(Campaigns.Campaign campaign, CancellationToken ct)
    {
        var document = (await results.GetAsync(campaign.Id, ResultKinds.Preliminary, publishedOnly: false, ct))?.Document;
        var byUnit = ResultLookup.ByUnit(document);
        var rankings = ResultLookup.Rankings(document);
        var disputesClose = campaign.Schedule.DisputesClosesAt;
        return new NoticeCopies(c => NoticeModels.Preliminary(c, NoticeDesk.EveryUnit, null, 0, disputesClose) with { Rankings = rankings },
            (c, u) => u is not null && byUnit.TryGetValue(u.Id, out var r)
                ? NoticeModels.Preliminary(c, NoticeDesk.UnitModel(u), r.Unit, r.RankOf, disputesClose) with { Band = r.BandVi, BandEn = r.BandEn }
                : NoticeModels.Preliminary(c, u is null ? NoticeDesk.EveryUnit : NoticeDesk.UnitModel(u), null, 0, disputesClose) with { Rankings = u is null ? rankings : [] });
    }
}

/// <summary>The award decision is numbered when the chair confirms the awards; publication sends that document to every unit.</summary>
internal sealed class AwardDecisionBuilder(CampaignDbContext db) : INoticeBuilder
{
    public string Template => "award-decision";

    public async Task<NoticeCopies?> BuildAsync(Campaigns.Campaign campaign, CancellationToken ct)
    {
        var decision = await db.Set<IssuedDocument>().AsNoTracking().Where(d => d.CampaignId == campaign.Id && d.Template == Template)
            .OrderByDescending(d => d.IssuedAt).ThenByDescending(d => d.Number).FirstOrDefaultAsync(ct);
        if (decision is null)
            return null;
        var model = NoticeDesk.ReadModel(decision.ModelType, decision.ModelJson);
        return new NoticeCopies(_ => model, (_, _) => model, decision);
    }
}

/// <summary>A unit's line in a result document, with its category's ranked count and its band's names (never the band's key).</summary>
internal sealed record UnitStanding(UnitResult Unit, string Category, int RankOf, string BandVi, string BandEn);

internal static class ResultLookup
{
    public static Dictionary<Guid, UnitStanding> ByUnit(ResultDocument? document) =>
        document?.Categories.SelectMany(cat => cat.Units.Select(u =>
        {
            var band = cat.Aggregate.Bands.FirstOrDefault(b => b.Key == u.Band);
            return new UnitStanding(u, cat.Category, cat.Units.Count(x => x.Rank is not null), band?.NameVi ?? "", band?.NameEn ?? "");
        })).ToDictionary(x => x.Unit.UnitId) ?? [];

    /// <summary>Every ranked unit by category then rank; with several categories each name says its category.</summary>
    public static IReadOnlyList<Documents.RankingRow> Rankings(ResultDocument? document)
    {
        if (document is null)
            return [];
        var several = document.Categories.Count > 1;
        return [.. document.Categories.SelectMany(cat => cat.Units.Where(u => u.Rank is not null).OrderBy(u => u.Rank).ThenBy(u => u.UnitCode, StringComparer.Ordinal).Select(u =>
        {
            var band = cat.Aggregate.Bands.FirstOrDefault(b => b.Key == u.Band);
            return new Documents.RankingRow(u.Rank!.Value, several ? $"{u.UnitName} ({NoticeDesk.CategoryAddressee(cat.Category)})" : u.UnitName,
                u.Total + u.Bonus, u.Percentage, band?.NameVi ?? "", band?.NameEn ?? "");
        }))];
    }
}

/// <summary>The final results, published on entering publication-and-awards: every ranked unit with its points, percentage and band.</summary>
internal sealed class FinalResultsBuilder(ResultsBook results) : INoticeBuilder
{
    public string Template => "final-results";

    public async Task<NoticeCopies?> BuildAsync(Campaigns.Campaign campaign, CancellationToken ct)
    {
        var document = (await results.GetAsync(campaign.Id, ResultKinds.Final, publishedOnly: false, ct))?.Document;
        if (document is null)
            return null;
        var rankings = ResultLookup.Rankings(document);
        var assessed = document.Categories.Sum(c => c.Aggregate.Assessed);
        // Averages over every assessed unit of every category (each category's own average is in its row of the results).
        var average = assessed == 0 ? 0 : Math.Round(document.Categories.Sum(c => c.Aggregate.AverageTotal * c.Aggregate.Assessed) / assessed, 2);
        var averagePercent = assessed == 0 ? 0 : Math.Round(document.Categories.Sum(c => c.Aggregate.AveragePercentage * c.Aggregate.Assessed) / assessed, 2);
        var category = string.Join(", ", document.Categories.Select(c => NoticeDesk.CategoryAddressee(c.Category).ToLowerInvariant()));
        Documents.Notice Final(NoticeDesk.NoticeContext c) => new Documents.FinalResultsNotice
        {
            Authority = c.Letterhead.Authority, Number = c.Number, IssuedAt = c.IssuedAt, TimeZoneId = c.Zone.Id, Campaign = c.Campaign, Signer = c.Letterhead.Signer,
            Recipients = c.Recipients, Category = category, AverageScore = average, AveragePercent = averagePercent, Rankings = rankings,
        };
        return new NoticeCopies(Final, (c, _) => Final(c));
    }
}

/// <summary>The dispute window's opening: each unit's copy repeats its preliminary figures and the closing time.</summary>
internal sealed class DisputeWindowBuilder(ResultsBook results) : INoticeBuilder
{
    public string Template => "dispute-window-opened";

    public async Task<NoticeCopies?> BuildAsync(Campaigns.Campaign campaign, CancellationToken ct)
    {
        var byUnit = ResultLookup.ByUnit((await results.GetAsync(campaign.Id, ResultKinds.Preliminary, publishedOnly: false, ct))?.Document);
        var closes = campaign.Schedule.DisputesClosesAt;
        Documents.DisputeWindowNotice Model(NoticeDesk.NoticeContext c, Documents.Unit unit) => new()
        {
            Authority = c.Letterhead.Authority, Number = c.Number, IssuedAt = c.IssuedAt, TimeZoneId = c.Zone.Id, Campaign = c.Campaign, Signer = c.Letterhead.Signer,
            Recipients = c.Recipients, Unit = unit, ClosesAt = closes,
        };
        return new NoticeCopies(c => Model(c, NoticeDesk.EveryUnit), (c, u) =>
        {
            if (u is null || !byUnit.TryGetValue(u.Id, out var s))
                return Model(c, u is null ? NoticeDesk.EveryUnit : NoticeDesk.UnitModel(u));
            return Model(c, NoticeDesk.UnitModel(u)) with
            {
                TotalScore = s.Unit.Total + s.Unit.Bonus, Percent = s.Unit.Percentage, Band = s.BandVi, BandEn = s.BandEn, Rank = s.Unit.Rank ?? 0, RankOf = s.RankOf,
            };
        });
    }
}

/// <summary>To the council when self-assessment closes: how many units submitted, and when verification ends.</summary>
internal sealed class VerificationStartedBuilder(CampaignDbContext db) : INoticeBuilder
{
    public string Template => "verification-started";

    public async Task<NoticeCopies?> BuildAsync(Campaigns.Campaign campaign, CancellationToken ct)
    {
        var statuses = await db.Participants.AsNoTracking().Where(p => p.CampaignId == campaign.Id).Select(p => p.Status).ToListAsync(ct);
        Documents.Notice Model(NoticeDesk.NoticeContext c) => new Documents.VerificationStartedNotice
        {
            Authority = c.Letterhead.Authority, Number = c.Number, IssuedAt = c.IssuedAt, TimeZoneId = c.Zone.Id, Campaign = c.Campaign, Signer = c.Letterhead.Signer,
            Recipients = ["Các thành viên Hội đồng thẩm định;", "Lưu: VT."], SubmittedUnits = statuses.Count(s => s == ParticipantStatus.Submitted),
            TotalUnits = statuses.Count, VerificationEndsAt = campaign.Schedule.VerificationEndsAt,
        };
        return new NoticeCopies(Model, (c, _) => Model(c));
    }
}

/// <summary>To the council when the dispute window closes: the disputes received, by unit, and how many are still open.</summary>
internal sealed class DisputesClosedBuilder(CampaignDbContext db) : INoticeBuilder
{
    public string Template => "disputes-closed";

    public async Task<NoticeCopies?> BuildAsync(Campaigns.Campaign campaign, CancellationToken ct)
    {
        var rows = await (from d in db.Set<Disputes.Dispute>().AsNoTracking()
                          join p in db.Participants.AsNoTracking() on d.ParticipantId equals p.Id
                          join u in db.Units.AsNoTracking() on p.UnitId equals u.Id
                          where d.CampaignId == campaign.Id
                          select new { d.Status, u.Code, u.NameVi }).ToListAsync(ct);
        var units = rows.GroupBy(r => (r.Code, r.NameVi)).OrderBy(g => g.Key.Code, StringComparer.Ordinal).Select(g => $"{g.Key.NameVi} ({g.Count()})").ToList();
        Documents.Notice Model(NoticeDesk.NoticeContext c) => new Documents.DisputesClosedNotice
        {
            Authority = c.Letterhead.Authority, Number = c.Number, IssuedAt = c.IssuedAt, TimeZoneId = c.Zone.Id, Campaign = c.Campaign, Signer = c.Letterhead.Signer,
            Recipients = ["Các thành viên Hội đồng thẩm định;", "Lưu: VT."], ClosedAt = campaign.DisputesClosedAt ?? campaign.Schedule.DisputesClosesAt,
            DisputeCount = rows.Count, OpenCount = rows.Count(r => r.Status == Disputes.DisputeStatus.Open), DisputingUnits = units,
        };
        return new NoticeCopies(Model, (c, _) => Model(c));
    }
}
