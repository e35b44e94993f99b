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
