using Dtx.Campaign.Documents;
using Dtx.Campaign.Server.Audit;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dtx.Campaign.Server.Notices;

/// <summary>A version of a template saved by an administrator; the shipped file is version 1.</summary>
public sealed class TemplateVersion
{
    public Guid Id { get; set; }
    /// <summary>e.g. "notices/deadline-reminder.vi.html".</summary>
    public required string Name { get; set; }
    public int Version { get; set; }
    public required string Content { get; set; }
    public DateTimeOffset SavedAt { get; set; }
    public string? SavedBy { get; set; }
}

/// <summary>Refused template text, with each syntax error's line and column.</summary>
public sealed class TemplateRejectedException(string name, IReadOnlyList<TemplateError> errors)
    : Exception($"{name}: {string.Join("; ", errors)}")
{
    public string Name { get; } = name;
    public IReadOnlyList<TemplateError> Errors { get; } = errors;
}

/// <summary>The templates shipped in <c>templates/</c>, read and checked once at start: a syntax error stops the server with line and column.</summary>
internal sealed class ShippedTemplates
{
    public ShippedTemplates(IHostEnvironment environment)
    {
        Set = TemplateSet.FromDirectory(ShippedFiles.Folder(environment, "templates"));
        if (Set.ValidateAll() is { Count: > 0 } errors)
            throw new InvalidOperationException("The shipped templates have errors: " + string.Join("; ", errors));
    }

    public TemplateSet Set { get; }
}

/// <summary>
/// The templates in force: the shipped files overlaid with the newest saved version of each. Every issued
/// document records the versions it used, and can be rendered again with exactly those.
/// </summary>
internal sealed class NoticeTemplates(CampaignDbContext db, ShippedTemplates shipped, AuditTrail audit, TimeProvider clock)
{
    public sealed record TemplateInfo(string Name, int Version, DateTimeOffset? SavedAt, string? SavedBy);

    /// <summary>The set in force and the version of every template saved after the shipped one.</summary>
    public async Task<(TemplateSet Set, Dictionary<string, int> Versions)> CurrentAsync(CancellationToken ct)
    {
        var latest = (await db.Set<TemplateVersion>().AsNoTracking()
                .GroupBy(t => t.Name).Select(g => g.OrderByDescending(t => t.Version).First()).ToListAsync(ct));
        return Overlay(latest);
    }

    /// <summary>The set as it was for a document: the recorded versions, version 1 (the file) for the rest.</summary>
    public async Task<TemplateSet> AtVersionsAsync(IReadOnlyDictionary<string, int> versions, CancellationToken ct)
    {
        if (versions.Count == 0)
            return shipped.Set;
        var names = versions.Keys.ToList();
        var rows = await db.Set<TemplateVersion>().AsNoTracking().Where(t => names.Contains(t.Name)).ToListAsync(ct);
        return Overlay(rows.Where(r => versions.TryGetValue(r.Name, out var v) && v == r.Version).ToList()).Set;
    }

    private (TemplateSet Set, Dictionary<string, int> Versions) Overlay(IReadOnlyList<TemplateVersion> rows)
    {
        var set = shipped.Set;
        foreach (var row in rows)
            set = set.With(row.Name, row.Content);
        return (set, rows.ToDictionary(r => r.Name, r => r.Version, StringComparer.Ordinal));
    }

    /// <summary>
    /// The notice templates, which administrators version here. The e-mail wordings under <c>emails/</c> are rendered
    /// from the shipped files only (the composer does not read saved versions), so they are not offered for editing.
    /// </summary>
    private static bool Editable(string name) => !name.StartsWith("emails/", StringComparison.Ordinal);

    public async Task<IReadOnlyList<TemplateInfo>> ListAsync(CancellationToken ct)
    {
        var latest = (await db.Set<TemplateVersion>().AsNoTracking().ToListAsync(ct))
            .GroupBy(t => t.Name).ToDictionary(g => g.Key, g => g.MaxBy(t => t.Version)!, StringComparer.Ordinal);
        return shipped.Set.Names.Where(Editable).Order(StringComparer.Ordinal)
            .Select(n => latest.TryGetValue(n, out var t) ? new TemplateInfo(n, t.Version, t.SavedAt, t.SavedBy) : new TemplateInfo(n, 1, null, null)).ToList();
    }

    public async Task<(string Content, IReadOnlyList<TemplateInfo> History)?> GetAsync(string name, CancellationToken ct)
    {
        if (!Editable(name) || !shipped.Set.TryGet(name, out var file))
            return null;
        var rows = (await db.Set<TemplateVersion>().AsNoTracking().Where(t => t.Name == name).ToListAsync(ct)).OrderBy(t => t.Version).ToList();
        var history = rows.Select(t => new TemplateInfo(name, t.Version, t.SavedAt, t.SavedBy)).Prepend(new TemplateInfo(name, 1, null, "templates/ (shipped)")).ToList();
        return (rows.LastOrDefault()?.Content ?? file, history);
    }

    /// <summary>The notices the documents library has sample data for, by template name (previews without a campaign).</summary>
    public static IReadOnlyList<Notice> Samples { get; } =
        [.. typeof(Documents.Samples).GetProperties().Select(p => p.GetValue(null)).OfType<Notice>().OrderBy(n => n.TemplateName, StringComparer.Ordinal)];

    /// <summary>
    /// Renders a notice with the templates in force, replaced by the given unsaved drafts; nothing is stored.
    /// Throws <see cref="KeyNotFoundException"/> for an unknown template, <see cref="TemplateRejectedException"/>
    /// for a draft with a syntax error, <see cref="TemplateRenderException"/> when it cannot render.
    /// </summary>
    public async Task<RenderedNotice> RenderAsync(Notice notice, IReadOnlyDictionary<string, string>? drafts, string lang, CancellationToken ct)
    {
        var (set, _) = await CurrentAsync(ct);
        foreach (var (name, text) in drafts ?? new Dictionary<string, string>())
        {
            if (!set.TryGet(name, out _))
                throw new KeyNotFoundException($"Template '{name}'");
            if (TemplateValidator.Validate(text, name) is { Count: > 0 } errors)
                throw new TemplateRejectedException(name, errors);
            set = set.With(name, text);
        }
        return new TemplateRenderer(set).RenderNotice(notice, lang is "en" ? "en" : "vi");
    }

    /// <summary>
    /// Saves a new version after checking its syntax and rendering every sample notice in both languages with it,
    /// inside the sandbox's limits; nothing is stored when it has an error or cannot render (an endless loop).
    /// </summary>
    public async Task<TemplateInfo> SaveAsync(string name, string content, string? user, CancellationToken ct)
    {
        if (!Editable(name) || !shipped.Set.TryGet(name, out _))
            throw new KeyNotFoundException($"Template '{name}' (only the shipped templates can have new versions)");
        if (content.Length > 200_000)
            throw new TemplateRejectedException(name, [new TemplateError(name, 1, 1, "a template is at most 200 000 characters")]);
        if (TemplateValidator.Validate(content, name) is { Count: > 0 } errors)
            throw new TemplateRejectedException(name, errors);
        // An HTML part is drawn into the PDF: a character its font lacks would print as an empty box.
        if (name.EndsWith(".html", StringComparison.Ordinal) && TemplateValidator.Undrawable(content, name) is { Count: > 0 } undrawable)
            throw new TemplateRejectedException(name, undrawable);
        await TrialRenderAsync(name, content, ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var previous = await db.Set<TemplateVersion>().Where(t => t.Name == name).OrderByDescending(t => t.Version).FirstOrDefaultAsync(ct);
        var version = new TemplateVersion
        {
            Id = Guid.CreateVersion7(), Name = name, Version = (previous?.Version ?? 1) + 1, Content = content, SavedAt = clock.GetUtcNow(), SavedBy = user,
        };
        db.Add(version);
        await db.SaveChangesAsync(ct);
        await audit.RecordAsync(new AuditEvent("template.saved", "template", name, new { Version = previous?.Version ?? 1 },
            new { version.Version, Characters = content.Length }, Detail: name), ct);
        await transaction.CommitAsync(ct);
        return new TemplateInfo(name, version.Version, version.SavedAt, user);
    }

    /// <summary>A version that parses but can never render would fail the next reminder round, not the save.</summary>
    private async Task TrialRenderAsync(string name, string content, CancellationToken ct)
    {
        var (current, _) = await CurrentAsync(ct);
        var renderer = new TemplateRenderer(current.With(name, content));
        foreach (var notice in Samples)
        {
            foreach (var lang in (string[])["vi", "en"])
            {
                RenderedNotice rendered;
                try
                {
                    rendered = renderer.RenderNotice(notice, lang);
                }
                catch (TemplateRenderException e)
                {
                    throw new TemplateRejectedException(name, e.Errors.Count > 0 ? e.Errors
                        : [new TemplateError(name, 1, 1, $"the sample notice '{notice.TemplateName}' ({lang}) cannot be rendered: {e.Message}")]);
                }
                // Characters the template makes (an escape, a function) rather than writes: found in what it renders.
                if (DrawableText.Missing(rendered.Html) is [var (_, rune), ..])
                    throw new TemplateRejectedException(name, [new TemplateError(name, 1, 1,
                        $"mẫu '{notice.TemplateName}' ({lang}) tạo ra ký tự {DrawableText.Describe(rune)} mà phông chữ của văn bản không vẽ được / the sample notice renders character {DrawableText.Describe(rune)}, which the document font cannot draw")]);
            }
        }
    }
}

internal sealed class TemplateVersionConfiguration : IEntityTypeConfiguration<TemplateVersion>
{
    public void Configure(EntityTypeBuilder<TemplateVersion> builder)
    {
        builder.ToTable("template_versions");
        builder.Property(x => x.Name).HasMaxLength(200);
        builder.Property(x => x.SavedBy).HasMaxLength(256);
        builder.HasIndex(x => new { x.Name, x.Version }).IsUnique();
    }
}
