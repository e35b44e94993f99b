using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text;
using Scriban;
using Scriban.Parsing;
using Scriban.Runtime;
using Scriban.Syntax;

namespace Dtx.Campaign.Documents;

/// <summary>Limits of one render. Defaults suit official notices.</summary>
public sealed record RenderLimits
{
    public int LoopLimit { get; init; } = 10_000;
    public int RecursiveLimit { get; init; } = 50;
    public int IncludeDepth { get; init; } = 8;
    public int OutputLimit { get; init; } = 2_000_000;
    public TimeSpan TimeLimit { get; init; } = TimeSpan.FromSeconds(2);
}

/// <summary>The three renderings of a notice: e-mail subject, HTML document body, plain-text e-mail.</summary>
public sealed record RenderedNotice(string Subject, string Html, string Text);

/// <summary>
/// Sandboxed Scriban rendering: includes only from the in-memory <see cref="TemplateSet"/>, loop/recursion/output/time
/// limits, the model copied into plain script objects (no .NET member access), and in HTML every value is escaped.
/// Thread-safe; parsed templates are cached.
/// </summary>
public sealed class TemplateRenderer(TemplateSet templates, RenderLimits? limits = null)
{
    private readonly RenderLimits _limits = limits ?? new RenderLimits();
    private readonly ConcurrentDictionary<string, Template> _parsed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Template> _includes = new(StringComparer.Ordinal);

    public TemplateSet Templates => templates;

    /// <summary>Renders the notice's subject, HTML and text templates in <paramref name="lang"/> ("vi" or "en").</summary>
    public RenderedNotice RenderNotice(Notice notice, string lang = "vi")
    {
        ArgumentNullException.ThrowIfNull(notice);
        // One context for the three parts: setting one up (Scriban copies its built-in functions) cost
        // about as much as rendering, and a reminder round renders a notice per unit.
        var context = NewContext(notice, lang);
        var subject = Subject(context, notice, lang);
        var html = Render(context, TemplateSet.NoticeName(notice.TemplateName, lang, "html"), html: true);
        var text = Render(context, TemplateSet.NoticeName(notice.TemplateName, lang, "text"), html: false);
        return new RenderedNotice(subject, html, text.Trim() + "\n");
    }

    /// <summary>The notice's subject alone, as <see cref="RenderNotice"/> writes it (one line).</summary>
    public string RenderNoticeSubject(Notice notice, string lang = "vi")
    {
        ArgumentNullException.ThrowIfNull(notice);
        return Subject(NewContext(notice, lang), notice, lang);
    }

    private string Subject(SandboxContext context, Notice notice, string lang) =>
        string.Join(' ', Render(context, TemplateSet.NoticeName(notice.TemplateName, lang, "subject"), html: false)
            .Split((char[])['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Trim();

    /// <summary>Renders one named template against <paramref name="model"/>. <paramref name="html"/> turns on escaping of every value.</summary>
    public string Render(string templateName, object model, string lang = "vi", bool html = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Render(NewContext(model, lang), templateName, html);
    }

    private SandboxContext NewContext(object model, string lang)
    {
        var context = new SandboxContext(this, _limits)
        {
            LoopLimit = _limits.LoopLimit,
            RecursiveLimit = _limits.RecursiveLimit,
            OutputLimit = _limits.OutputLimit,
            LimitToString = 100_000,
            StrictVariables = false,
            EnableRelaxedMemberAccess = true,
            MemberFilter = static _ => false,
            TemplateLoader = new WhitelistLoader(templates),
            RegexTimeOut = TimeSpan.FromMilliseconds(200),
        };
        // Included layouts are parsed once per renderer, not once per render (Scriban caches them per context).
        foreach (var (path, parsed) in _includes)
            context.CachedTemplates[path] = parsed;
        context.PushCulture(DocFormat.Culture(lang));
        var timeZoneId = model is Notice n ? n.TimeZoneId : DocFormat.DefaultTimeZoneId;
        context.PushGlobal(Formatters(lang, timeZoneId));
        var globals = ToScript(model) as ScriptObject ?? [];
        globals["lang"] = lang;
        context.PushGlobal(globals);
        return context;
    }

    private string Render(SandboxContext context, string templateName, bool html)
    {
        var template = Load(templateName);
        using var cts = new CancellationTokenSource(_limits.TimeLimit);
        context.CancellationToken = cts.Token;
        context.Html = html;
        // What a template assigns stays with that template: the next part of the notice starts clean.
        context.PushGlobal(new ScriptObject());
        try
        {
            // Names arrive decomposed (NFD) from some imports and forms; a notice always says them precomposed (NFC).
            var output = template.Render(context).Normalize(NormalizationForm.FormC);
            foreach (var (path, parsed) in context.CachedTemplates)
                _includes.TryAdd(path, parsed);
            return output;
        }
        catch (OperationCanceledException ex)
        {
            throw new TemplateRenderException($"Template '{templateName}' exceeded the time limit of {_limits.TimeLimit.TotalMilliseconds:0} ms and was stopped.", ex);
        }
        catch (ScriptRuntimeException ex)
        {
            if (cts.IsCancellationRequested)
            {
                throw new TemplateRenderException($"Template '{templateName}' exceeded the time limit of {_limits.TimeLimit.TotalMilliseconds:0} ms and was stopped.", ex);
            }

            var error = new TemplateError(ex.Span.FileName ?? templateName, ex.Span.Start.Line + 1, ex.Span.Start.Column + 1, ex.OriginalMessage);
            throw new TemplateRenderException($"Template '{templateName}' failed: {error}", [error], ex);
        }
        catch (TemplateRenderException)
        {
            throw;
        }
        catch (InvalidOperationException ex)
        {
            throw new TemplateRenderException($"Template '{templateName}' failed: {ex.Message}", ex);
        }
        finally
        {
            context.PopGlobal();
        }
    }

    /// <summary>Parses (once) and returns a template; a syntax error throws with line and column.</summary>
    internal Template Load(string name)
    {
        if (_parsed.TryGetValue(name, out var cached))
        {
            return cached;
        }

        if (!templates.TryGet(name, out var text))
        {
            throw new TemplateRenderException($"Template '{name}' is not in the template set.");
        }

        var template = Template.Parse(text, name);
        if (template.HasErrors)
        {
            var errors = TemplateValidator.Errors(template, name);
            throw new TemplateRenderException($"Template '{name}' has syntax errors: {string.Join("; ", errors)}", errors);
        }

        return _parsed.GetOrAdd(name, template);
    }

    // The formatting functions of a language and time zone, made once: wrapping a delegate as a script
    // function inspects it by reflection, which cost more than the rest of a render. Read-only, so a
    // template cannot change what the next render sees.
    private static readonly ConcurrentDictionary<(string Lang, string TimeZoneId), ScriptObject> FormatterSets = new();

    private static ScriptObject Formatters(string lang, string timeZoneId) => FormatterSets.GetOrAdd((lang, timeZoneId), static key =>
    {
        var (lang, timeZoneId) = key;
        var functions = new ScriptObject();
        functions.Import("fmt_number", new Func<object, string>(v => DocFormat.Number(ToDecimal(v), lang)));
        functions.Import("fmt_number1", new Func<object, string>(v => DocFormat.Number(ToDecimal(v), lang, 1)));
        functions.Import("fmt_integer", new Func<object, string>(v => DocFormat.Integer((long)ToDecimal(v), lang)));
        functions.Import("fmt_percent", new Func<object, string>(v => DocFormat.Percent(ToDecimal(v), lang)));
        functions.Import("fmt_long_date", new Func<object, string>(v => DocFormat.LongDate(ToDate(v), timeZoneId, lang)));
        functions.Import("fmt_short_date", new Func<object, string>(v => DocFormat.ShortDate(ToDate(v), timeZoneId, lang)));
        functions.Import("fmt_date_time", new Func<object, string>(v => DocFormat.DateTime(ToDate(v), timeZoneId, lang)));
        functions.Import("fmt_award", new Func<object, string>(v => DocFormat.AwardClass(Enum.Parse<AwardClass>(Convert.ToString(v, CultureInfo.InvariantCulture) ?? "", true), lang)));
        functions.IsReadOnly = true;
        return functions;
    });

    private static decimal ToDecimal(object? v) => v is null ? 0m : Convert.ToDecimal(v, CultureInfo.InvariantCulture);

    private static DateTimeOffset ToDate(object? v) => v switch
    {
        DateTimeOffset d => d,
        DateTime d => new DateTimeOffset(d.ToUniversalTime(), TimeSpan.Zero),
        string s => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture),
        _ => throw new ArgumentException("Not a date.", nameof(v)),
    };

    /// <summary>Copies a model into script objects with snake_case names: only public instance properties, no methods, no .NET objects.</summary>
    internal static object? ToScript(object? value)
    {
        switch (value)
        {
            case null: return null;
            case string or bool or int or long or decimal or double or DateTimeOffset: return value;
            case Enum e: return e.ToString();
            case Uri u: return u.ToString();
            case DocumentNumber n:
                return new ScriptObject { ["number"] = n.Number, ["type_code"] = n.TypeCode, ["authority_symbol"] = n.AuthoritySymbol, ["text"] = n.ToString() };
            case IEnumerable list:
                var array = new ScriptArray();
                foreach (var item in list)
                {
                    array.Add(ToScript(item));
                }

                return array;
            default:
                var type = value.GetType();
                if (type.Namespace != typeof(Notice).Namespace)
                {
                    return value.ToString();
                }

                var obj = new ScriptObject();
                foreach (var (name, property) in ModelProperties.GetOrAdd(type, ReadableProperties))
                {
                    obj[name] = ToScript(property.GetValue(value));
                }

                return obj;
        }
    }

    // Held here, not only in the runtime's reflection cache: that cache is weakly held, and when a
    // collection dropped it every render rebuilt the property getters' invoke stubs (dynamic methods,
    // then their finalizers) — a third of the time of a reminder run.
    private static readonly ConcurrentDictionary<Type, (string Name, PropertyInfo Property)[]> ModelProperties = new();

    private static (string Name, PropertyInfo Property)[] ReadableProperties(Type type) =>
        [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract")
            .Select(p => (SnakeCase(p.Name), p))];

    internal static string SnakeCase(string name)
    {
        var sb = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c) && i > 0)
            {
                sb.Append('_');
            }

            sb.Append(char.ToLowerInvariant(c));
        }

        return sb.ToString();
    }

    /// <summary>Escapes the five HTML-significant characters; Vietnamese letters are left as they are (the page is UTF-8).</summary>
    public static string Escape(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        var sb = new StringBuilder(value.Length + 16);
        foreach (var c in value)
        {
            sb.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => null,
            });
            if (c is not ('&' or '<' or '>' or '"' or '\''))
            {
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    /// <summary>HTML produced by an included template: already escaped, written as is.</summary>
    private sealed record RawHtml(string Html);

    private sealed class SandboxContext : TemplateContext
    {
        private readonly TemplateRenderer _renderer;
        private readonly RenderLimits _limits;
        private int _includeDepth;

        public SandboxContext(TemplateRenderer renderer, RenderLimits limits)
        {
            _renderer = renderer;
            _limits = limits;
            var overrides = new ScriptObject();
            overrides.Import("include", new Func<string, object>(Include));
            PushGlobal(overrides);
        }

        /// <summary>Whether the template being rendered is HTML: every value written is escaped.</summary>
        public bool Html { get; set; }

        private object Include(string name)
        {
            if (++_includeDepth > _limits.IncludeDepth)
            {
                throw new InvalidOperationException($"Includes nested deeper than {_limits.IncludeDepth} levels (recursive include?).");
            }

            try
            {
                var template = _renderer.Load(name);
                PushOutput();
                string result;
                try
                {
                    result = template.Render(this);
                }
                finally
                {
                    PopOutput();
                }

                return Html ? new RawHtml(result) : result;
            }
            finally
            {
                _includeDepth--;
            }
        }

        public override TemplateContext Write(SourceSpan span, object? textAsObject)
        {
            if (!Html || textAsObject is null)
            {
                return base.Write(span, textAsObject!);
            }

            if (textAsObject is RawHtml raw)
            {
                return base.Write(span, raw.Html);
            }

            return base.Write(span, Escape(ObjectToString(textAsObject)));
        }
    }

    private sealed class WhitelistLoader(TemplateSet set) : ITemplateLoader
    {
        public string GetPath(TemplateContext context, SourceSpan callerSpan, string templateName) =>
            set.TryGet(templateName, out _) ? templateName : throw new ScriptRuntimeException(callerSpan, $"Template '{templateName}' is not in the template set.");

        public string Load(TemplateContext context, SourceSpan callerSpan, string templatePath) =>
            set.TryGet(templatePath, out var text) ? text : throw new ScriptRuntimeException(callerSpan, $"Template '{templatePath}' is not in the template set.");

        public ValueTask<string?> LoadAsync(TemplateContext context, SourceSpan callerSpan, string templatePath) => new(Load(context, callerSpan, templatePath));
    }
}
