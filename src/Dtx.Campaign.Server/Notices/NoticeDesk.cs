using System.Text.Json;
using Dtx.Campaign.Documents;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Email;
using Dtx.Campaign.Server.IndexSets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Dtx.Campaign.Server.Notices;

/// <summary>
/// One e-mail of an issued notice: its subject (what an inbox lists) and the model its body and PDF are rendered from when it
/// is sent (<see cref="NoticeArchive.LetterAsync"/>, with the template versions the document recorded).
/// </summary>
public sealed record NoticeLetter(string Subject, string ModelType, string ModelJson);

/// <summary>
/// Issues official notices: takes the next number of the authority's register, records the filed document
/// (its model and the template versions in force) and renders each recipient's copy from the templates.
/// </summary>
internal sealed class NoticeDesk(CampaignDbContext db, DocumentRegister register, NoticeTemplates templates, IndexSetCache sets,
    IOptions<EmailOptions> email, TimeProvider clock)
{
    private static readonly Dictionary<string, Type> ModelTypes = typeof(Notice).Assembly.GetTypes()
        .Where(t => t.IsSubclassOf(typeof(Notice)) && !t.IsAbstract).ToDictionary(t => t.Name, StringComparer.Ordinal);

    public sealed record Issue(IssuedDocument Document, TemplateRenderer Renderer, NoticeContext Context);

    /// <summary>Takes a number and files the notice as addressed to all its recipients; call inside the step's transaction.</summary>
    public async Task<Issue> IssueAsync(Campaigns.Campaign campaign, Func<NoticeContext, Notice> filed, string issuedBy, int recipients, Guid? unitId, CancellationToken ct,
        string typeCode = "TB")
    {
        var context = await ContextAsync(campaign, issuing: true, ct);
        var year = TimeZoneInfo.ConvertTime(context.IssuedAt, context.Zone).Year;
        var number = await register.NextNumberAsync(campaign.AuthorityId, year, ct);
        context = context with { Number = new DocumentNumber(number, typeCode, context.Letterhead.Symbol) };
        var (set, versions) = await templates.CurrentAsync(ct);
        var model = filed(context);
        var document = new IssuedDocument
        {
            Id = Guid.CreateVersion7(), AuthorityId = campaign.AuthorityId, Year = year, Number = number, TypeCode = typeCode, Symbol = context.Letterhead.Symbol,
            Template = model.TemplateName, TemplateVersions = versions, ModelType = model.GetType().Name, ModelJson = JsonSerializer.Serialize(model, model.GetType()),
            CampaignId = campaign.Id, UnitId = unitId, Recipients = recipients, IssuedAt = context.IssuedAt, IssuedBy = issuedBy,
        };
        db.Add(document);
        var renderer = new TemplateRenderer(set);
        // The filed copy is rendered whole once, here: a template that cannot render stops the issuing step (an incident to
        // repair and run again) rather than failing each copy's e-mail when it is sent (copies render their bodies then).
        renderer.RenderNotice(model, "vi");
        return new Issue(document, renderer, context);
    }

    /// <summary>A document issued earlier, ready to be sent again to its recipients: the templates at its recorded versions, its number and date.</summary>
    public async Task<Issue> ReopenAsync(Campaigns.Campaign campaign, IssuedDocument document, CancellationToken ct)
    {
        var context = await ContextAsync(campaign, issuing: true, ct) with { Number = new DocumentNumber(document.Number, document.TypeCode, document.Symbol), IssuedAt = document.IssuedAt };
        return new Issue(document, new TemplateRenderer(await templates.AtVersionsAsync(document.TemplateVersions, ct)), context);
    }

    /// <summary>A notice as it would be issued now from the campaign's data (the filed copy, or one unit's), without taking a number or filing anything.</summary>
    /// <returns>Null when the campaign has no data for the notice yet.</returns>
    public async Task<Notice?> PreviewAsync(Campaigns.Campaign campaign, INoticeBuilder builder, Units.Unit? unit, CancellationToken ct)
    {
        var context = await ContextAsync(campaign, issuing: false, ct);
        if (await builder.BuildAsync(campaign, ct) is not { } copies)
            return null;
        return unit is null ? copies.Filed(context) : copies.ForUnit(context, unit);
    }

    /// <summary>
    /// One recipient's copy of an issued notice (its own unit and figures, the document's number). Only the subject is rendered
    /// here: a reminder round queues thousands of copies in one transaction, and each body is rendered as it is sent, beside
    /// the send before it, together with its PDF.
    /// </summary>
    public static NoticeLetter Letter(Issue issue, Notice model) =>
        new(issue.Renderer.RenderNoticeSubject(model, "vi"), model.GetType().Name, JsonSerializer.Serialize(model, model.GetType()));

    public static Notice ReadModel(string type, string json) =>
        ModelTypes.TryGetValue(type, out var t) ? (Notice)JsonSerializer.Deserialize(json, t)! : throw new InvalidDataException($"unknown notice model '{type}'");

    /// <summary>What every notice of a campaign carries: letterhead, signer, date, campaign, and whom the filed copy is addressed to.</summary>
    public sealed record NoticeContext(Letterhead Letterhead, DocumentNumber Number, DateTimeOffset IssuedAt, TimeZoneInfo Zone, Documents.Campaign Campaign,
        IReadOnlyList<string> Recipients, IReadOnlyDictionary<string, Scoring.IndexSets.IndexSet> SetsByCategory);

    // A preview (not issuing) shows the defaults while no letterhead is saved.
    private async Task<NoticeContext> ContextAsync(Campaigns.Campaign campaign, bool issuing, CancellationToken ct)
    {
        var authority = await db.Authorities.AsNoTracking().FirstAsync(a => a.Id == campaign.AuthorityId, ct);
        var letterhead = issuing ? await LetterheadDesk.ForIssueAsync(db, authority, ct)
            : await db.Set<Letterhead>().AsNoTracking().FirstOrDefaultAsync(l => l.AuthorityId == authority.Id, ct) ?? Letterhead.Default(authority);
        var chosen = await db.Set<Campaigns.CampaignIndexSet>().AsNoTracking().Where(s => s.CampaignId == campaign.Id).ToListAsync(ct);
        var byCategory = new Dictionary<string, Scoring.IndexSets.IndexSet>(StringComparer.Ordinal);
        foreach (var c in chosen.OrderBy(c => c.Category, StringComparer.Ordinal))
            byCategory[c.Category] = await sets.GetAsync(db, c.IndexSetId, ct);
        var first = byCategory.Values.FirstOrDefault();
        var model = new Documents.Campaign(campaign.NameVi, campaign.Year, string.Join("; ", byCategory.Values.Select(s => s.Name.Vi)),
            campaign.Schedule.SelfAssessmentOpensAt, campaign.Schedule.SelfAssessmentClosesAt, first?.MaxPoints ?? 0, email.Value.PublicBaseUrl);
        List<string> recipients = [.. byCategory.Keys.Select(c => CategoryAddressee(c) + ";"), "Lưu: VT."];
        return new NoticeContext(letterhead, new DocumentNumber(0, "TB", letterhead.Symbol), clock.GetUtcNow(), TimeZoneInfo.FindSystemTimeZoneById(campaign.TimeZone),
            model, recipients, byCategory);
    }

    /// <summary>"Nơi nhận" wording for a unit category.</summary>
    public static string CategoryAddressee(string category) => category switch
    {
        "department" => "Các sở, ban, ngành",
        "commune" => "UBND các xã, phường",
        "district" => "UBND các quận, huyện, thị xã",
        _ => $"Các đơn vị ({category})",
    };

    public static Documents.Unit UnitModel(Units.Unit unit) =>
        new(unit.Code, unit.NameVi, unit.Category, unit.Contacts.FirstOrDefault(c => c.Role == Units.ContactRole.FocalOfficer) is { } f
            ? new FocalOfficer(f.FullName, f.Email, f.Phone ?? "") : new FocalOfficer("", "", ""));

    /// <summary>The unit named in the filed copy of a notice that each unit receives with its own details.</summary>
    public static readonly Documents.Unit EveryUnit = new("", "Các đơn vị được đánh giá", "", new FocalOfficer("", "", ""));
}
