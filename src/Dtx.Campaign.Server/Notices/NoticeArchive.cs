using System.Text.Json;
using Dtx.Campaign.Documents;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Email;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Notices;

/// <summary>Renders issued documents again, exactly as issued (their model with the template versions they recorded), as HTML, PDF or DOCX.</summary>
internal sealed class NoticeArchive(CampaignDbContext db, NoticeTemplates templates, Signing.AuthoritySigners signers)
{
    // Within one delivery run: a notice whose copies are identical (publication, deadline closed) is rendered and drawn as a PDF once, not once per recipient.
    private readonly Dictionary<(Guid Document, string Type, string Json), IssuedLetter> drawn = [];

    // Also within one run (this archive lives as long as its scope): a round of copies of one notice reads the document
    // once (a reminder's lists every unit reminded; read per copy it cost PostgreSQL 0.37 ms per e-mail for 1 500 units; a
    // register entry never changes once issued), its template versions once, and looks its authority up once.
    private readonly Dictionary<Guid, IssuedDocument?> documents = [];
    private readonly Dictionary<string, TemplateRenderer> renderers = new(StringComparer.Ordinal);
    private readonly Dictionary<Guid, string> authorityCodes = [];

    public async Task<(Notice Model, RenderedNotice Rendered)> RenderAsync(IssuedDocument document, string? modelType, string? modelJson, CancellationToken ct)
    {
        var versions = string.Join(";", document.TemplateVersions.OrderBy(v => v.Key, StringComparer.Ordinal).Select(v => $"{v.Key}={v.Value}"));
        if (!renderers.TryGetValue(versions, out var renderer))
            renderers[versions] = renderer = new TemplateRenderer(await templates.AtVersionsAsync(document.TemplateVersions, ct));
        var model = NoticeDesk.ReadModel(modelType ?? document.ModelType, modelJson ?? document.ModelJson);
        return (model, renderer.RenderNotice(model, "vi"));
    }

    /// <summary>The PDF of an issued document, signed with its authority's certificate when one is configured.</summary>
    public async Task<byte[]> PdfAsync(IssuedDocument document, Notice model, RenderedNotice rendered, CancellationToken ct)
    {
        if (!authorityCodes.TryGetValue(document.AuthorityId, out var code))
            authorityCodes[document.AuthorityId] = code = await db.Authorities.Where(a => a.Id == document.AuthorityId).Select(a => a.Code).SingleAsync(ct);
        return NoticePdfWriter.Write(model, rendered, "vi", signers.For(code));
    }

    public static string FileName(IssuedDocument document, string extension) => $"{document.Number}-{document.TypeCode}-{document.Symbol}.{extension}";

    /// <summary>A recipient's copy of an issued notice as it is sent: its subject, text and HTML, and (if asked) its PDF.</summary>
    public sealed record IssuedLetter(RenderedNotice Rendered, EmailComposer.Attachment? Pdf);

    /// <summary>
    /// The copy of an issued notice an outbox e-mail carries, rendered from its model with the template versions the document
    /// recorded, so that it reads as issued whenever it is sent; the body and the PDF come from one rendering. Null for a
    /// message that is not an issued notice (or whose document is gone).
    /// </summary>
    public async Task<IssuedLetter?> LetterAsync(string payloadJson, bool withPdf, CancellationToken ct)
    {
        var p = JsonDocument.Parse(payloadJson).RootElement;
        if (!p.TryGetProperty("documentId", out var id) || !p.TryGetProperty("ModelJson", out var json) || json.ValueKind != JsonValueKind.String)
            return null;
        var key = (id.GetGuid(), p.GetProperty("ModelType").GetString() ?? "", json.GetString()!);
        if (drawn.TryGetValue(key, out var done) && (done.Pdf is not null || !withPdf))
            return done;
        if (!documents.TryGetValue(key.Item1, out var document))
        {
            if (documents.Count >= 32)
                documents.Clear();
            documents[key.Item1] = document = await db.Set<IssuedDocument>().AsNoTracking().FirstOrDefaultAsync(d => d.Id == key.Item1, ct);
        }
        if (document is null)
            return null;
        var (model, rendered) = await RenderAsync(document, key.Item2, key.Item3, ct);
        if (drawn.Count >= 32)
            drawn.Clear();
        return drawn[key] = new IssuedLetter(rendered, withPdf ? new EmailComposer.Attachment(FileName(document, "pdf"), await PdfAsync(document, model, rendered, ct)) : null);
    }
}
