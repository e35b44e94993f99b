using System.Security.Claims;
using Dtx.Campaign.Documents;
using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Certificates;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Hosting;
using Dtx.Campaign.Server.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Notices;

internal static class NoticesApi
{
    public sealed record TemplateInput(string? Content);
    /// <summary>A template's text in force and its versions (1 = the shipped file).</summary>
    public sealed record TemplateView(string Name, string Content, IReadOnlyList<NoticeTemplates.TemplateInfo> Versions);
    /// <summary>A notice to preview: with the library's sample data, or with a campaign's own data (its filed copy, or one participating unit's copy).</summary>
    public sealed record PreviewRequest(string Notice, string? Lang, Dictionary<string, string>? Drafts, Guid? CampaignId, Guid? UnitId);
    public sealed record DocumentView(Guid Id, string Number, string Template, DateTimeOffset IssuedAt, string IssuedBy, int Recipients, Guid? CampaignId, Guid? UnitId,
        IReadOnlyDictionary<string, int> TemplateVersions);

    public static IEndpointRouteBuilder MapNotices(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api").WithTags("Notices").RequireAuthorization(Policies.Administer);
        admin.MapGet("/authorities/{code}/letterhead", GetLetterhead).WithSummary("How the authority's documents are headed and signed: the defaults, without a signer, until saved (a campaign launches only once saved).");
        admin.MapPut("/authorities/{code}/letterhead", SaveLetterhead).WithSummary("Set the governing body, issuer name, place, document symbol and signer.");
        admin.MapGet("/templates", ListTemplates).WithSummary("Every template with the version in force.");
        admin.MapGet("/templates/{**name}", GetTemplate).WithSummary("A template's text in force and its versions (1 = the shipped file).");
        admin.MapPut("/templates/{**name}", SaveTemplate).WithSummary("Save a new version; a syntax error is refused with line and column and nothing is stored.");
        admin.MapPost("/template-previews", Preview).WithSummary("Render a notice with sample data or a real campaign (and unit), optionally with unsaved drafts of its templates; nothing is issued.");
        admin.MapGet("/documents", ListDocuments).WithSummary("The document register, newest first, optionally for one campaign.");

        app.MapCertificates();
        // html is text whose type the typed result does not declare; pdf and docx are files.
        app.MapGet("/api/documents/{id:guid}/{format}", Download).WithTags("Notices").RequireAuthorization()
            .Produces(StatusCodes.Status200OK, typeof(Stream), "text/html", "application/pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
            .WithSummary("An issued document as html, pdf or docx: for administrators and the units it was addressed to.");
        return app;
    }

    private static async Task<Ok<LetterheadView>> GetLetterhead(string code, LetterheadDesk desk, CancellationToken ct) =>
        TypedResults.Ok((await desk.GetAsync(code, ct)).View);

    private static async Task<Ok<LetterheadView>> SaveLetterhead(string code, LetterheadInput input, LetterheadDesk desk, ClaimsPrincipal user, CancellationToken ct) =>
        TypedResults.Ok((await desk.SaveAsync(code, input, user.Identity?.Name, ct)).View);

    private static async Task<Ok<IReadOnlyList<NoticeTemplates.TemplateInfo>>> ListTemplates(NoticeTemplates templates, CancellationToken ct) => TypedResults.Ok(await templates.ListAsync(ct));

    private static async Task<Results<Ok<TemplateView>, ProblemHttpResult>> GetTemplate(string name, NoticeTemplates templates, CancellationToken ct) =>
        await templates.GetAsync(name, ct) is { } t ? TypedResults.Ok(new TemplateView(name, t.Content, t.History)) : ApiProblems.NotFound($"Template '{name}'");

    private static async Task<Results<Ok<NoticeTemplates.TemplateInfo>, ProblemHttpResult>> SaveTemplate(string name, TemplateInput input, NoticeTemplates templates, ClaimsPrincipal user,
        CancellationToken ct)
    {
        try
        {
            return TypedResults.Ok(await templates.SaveAsync(name, input.Content ?? "", user.Identity?.Name, ct));
        }
        catch (KeyNotFoundException e)
        {
            return ApiProblems.NotFound(e.Message);
        }
        catch (TemplateRejectedException e)
        {
            return TemplateProblem(e.Errors);
        }
    }

    private static ProblemHttpResult TemplateProblem(IReadOnlyList<TemplateError> errors) =>
        ApiProblems.From(new Refusal(RefusalKind.Invalid, [Reason.Of("template.syntax", ("errors", string.Join("; ", errors.Select(e => e.ToString()))))],
            new Dictionary<string, object?> { ["errors"] = errors.Select(e => new { template = e.TemplateName, line = e.Line, column = e.Column, message = e.Message }) }));

    /// <summary>Renders a notice with the templates in force, or with drafts not yet saved: from sample data, or from a campaign's data without issuing it.</summary>
    private static async Task<Results<Ok<RenderedNotice>, ProblemHttpResult>> Preview(PreviewRequest request, NoticeTemplates templates, NoticeDesk desk, NoticeBuilders builders,
        CampaignDbContext db, CancellationToken ct)
    {
        Notice? sample;
        if (request.CampaignId is { } campaignId)
        {
            var campaign = await db.Campaigns.AsNoTracking().FirstOrDefaultAsync(c => c.Id == campaignId, ct);
            if (campaign is null)
                return ApiProblems.NotFound($"Campaign {campaignId}");
            if (!builders.TryGet(request.Notice ?? "", out var builder))
                return ApiProblems.From(Refusal.Invalid("notice", "template-preview.not-from-campaign", ("notice", request.Notice), ("notices", builders.Templates.Order(StringComparer.Ordinal).ToList())));
            Units.Unit? unit = null;
            if (request.UnitId is { } unitId)
            {
                unit = await db.Units.AsNoTracking().Include(u => u.Contacts)
                    .FirstOrDefaultAsync(u => u.Id == unitId && db.Participants.Any(p => p.CampaignId == campaignId && p.UnitId == u.Id), ct);
                if (unit is null)
                    return ApiProblems.NotFound($"Unit {unitId} in campaign {campaignId}");
            }
            sample = await desk.PreviewAsync(campaign, builder, unit, ct);
            if (sample is null)
                return ApiProblems.From(Refusal.Conflict("template-preview.no-data-yet", ("notice", request.Notice)));
        }
        else
        {
            sample = NoticeTemplates.Samples.FirstOrDefault(n => n.TemplateName == request.Notice);
            if (sample is null)
                return ApiProblems.NotFound($"Notice '{request.Notice}'");
        }
        try
        {
            return TypedResults.Ok(await templates.RenderAsync(sample, request.Drafts, request.Lang ?? "vi", ct));
        }
        catch (KeyNotFoundException e)
        {
            return ApiProblems.NotFound(e.Message);
        }
        catch (TemplateRejectedException e)
        {
            return TemplateProblem(e.Errors);
        }
        catch (TemplateRenderException e)
        {
            return ApiProblems.From(new Refusal(RefusalKind.Invalid, [Reason.Of("template.render-failed", ("error", e.Message))]));
        }
    }

    private static async Task<Ok<List<DocumentView>>> ListDocuments(Guid? campaignId, CampaignDbContext db, CancellationToken ct)
    {
        var rows = await db.Set<IssuedDocument>().AsNoTracking().Where(d => campaignId == null || d.CampaignId == campaignId)
            .OrderByDescending(d => d.IssuedAt).ThenByDescending(d => d.Number).Take(500).ToListAsync(ct);
        return TypedResults.Ok(rows.Select(d => new DocumentView(d.Id, d.Display, d.Template, d.IssuedAt, d.IssuedBy, d.Recipients, d.CampaignId, d.UnitId, d.TemplateVersions)).ToList());
    }

    /// <summary>Administrators read every document; a unit's people read the documents of campaigns their unit takes part in (to one unit: only that unit's).</summary>
    private static async Task<Results<ContentHttpResult, FileContentHttpResult, ProblemHttpResult>> Download(Guid id, string format, ClaimsPrincipal user, CampaignDbContext db,
        NoticeArchive archive, CancellationToken ct)
    {
        var document = await db.Set<IssuedDocument>().AsNoTracking().FirstOrDefaultAsync(d => d.Id == id, ct);
        if (document is null)
            return ApiProblems.NotFound($"Document {id}");
        if (!Roles.IsAdministrator(user))
        {
            var userId = user.FindFirstValue(ClaimTypes.NameIdentifier);
            var units = await db.Set<UnitMembership>().Where(m => m.UserId == userId).Select(m => m.UnitId).ToListAsync(ct);
            var addressed = document.UnitId is { } only ? units.Contains(only)
                : await db.Participants.AnyAsync(p => p.CampaignId == document.CampaignId && units.Contains(p.UnitId), ct);
            if (!addressed)
                return ApiProblems.NotFound($"Document {id}");
        }
        var (model, rendered) = await archive.RenderAsync(document, null, null, ct);
        return format switch
        {
            "html" => TypedResults.Content(rendered.Html, "text/html; charset=utf-8"),
            "pdf" => TypedResults.File(await archive.PdfAsync(document, model, rendered, ct), "application/pdf", NoticeArchive.FileName(document, "pdf")),
            "docx" => TypedResults.File(NoticeDocxWriter.Write(model, rendered, "vi"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                NoticeArchive.FileName(document, "docx")),
            _ => ApiProblems.NotFound($"Format '{format}' (use html, pdf or docx)"),
        };
    }
}
