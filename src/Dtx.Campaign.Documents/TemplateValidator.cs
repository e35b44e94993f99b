using Scriban;
using Scriban.Parsing;

namespace Dtx.Campaign.Documents;

/// <summary>A template problem at a 1-based line and column.</summary>
public sealed record TemplateError(string TemplateName, int Line, int Column, string Message)
{
    public override string ToString() => $"{TemplateName}({Line},{Column}): {Message}";
}

public static class TemplateValidator
{
    /// <summary>Parses <paramref name="text"/>; returns its errors (empty when it is valid). Use on save and on load.</summary>
    public static IReadOnlyList<TemplateError> Validate(string text, string name)
    {
        var template = Template.Parse(text, name);
        return Errors(template, name);
    }

    /// <summary>
    /// Characters written in a template that goes into a PDF (an HTML part) which the PDF font cannot draw, each at its
    /// line and column. Values from the model are checked when a sample is rendered, not here.
    /// </summary>
    public static IReadOnlyList<TemplateError> Undrawable(string text, string name)
    {
        var errors = new List<TemplateError>();
        foreach (var (index, rune) in DrawableText.Missing(text))
        {
            var before = text.AsSpan(0, index);
            var line = before.Count('\n') + 1;
            var column = index - (before.LastIndexOf('\n') + 1) + 1;
            errors.Add(new TemplateError(name, line, column,
                $"ký tự {DrawableText.Describe(rune)} không có trong phông chữ của văn bản (sẽ in thành ô trống) / the document font cannot draw character {DrawableText.Describe(rune)}"));
            if (errors.Count == 10)
                break;
        }
        return errors;
    }

    internal static IReadOnlyList<TemplateError> Errors(Template template, string name) =>
        template.Messages
            .Where(m => m.Type == ParserMessageType.Error)
            .Select(m => new TemplateError(name, m.Span.Start.Line + 1, m.Span.Start.Column + 1, m.Message))
            .ToList();
}

/// <summary>A template could not be parsed or rendered (syntax error, limit exceeded, timeout, missing include).</summary>
public sealed class TemplateRenderException : Exception
{
    public TemplateRenderException(string message, IReadOnlyList<TemplateError>? errors = null, Exception? inner = null)
        : base(message, inner) => Errors = errors ?? [];

    public TemplateRenderException() : this("Template error.") { }

    public TemplateRenderException(string message) : this(message, null, null) { }

    public TemplateRenderException(string message, Exception inner) : this(message, null, inner) { }

    public IReadOnlyList<TemplateError> Errors { get; }
}
