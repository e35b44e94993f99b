namespace Dtx.Campaign.Documents.Tests;

public class SandboxTests
{
    private const string Script = "<script>alert(1)</script>";
    private const string Img = "\"><img src=x onerror=alert(1)>";

    [Fact]
    public void Hostile_unit_names_and_notes_stay_text_in_html()
    {
        var sample = Samples.PreliminaryResults;
        var notice = sample with
        {
            Unit = sample.Unit with { Name = Script, FocalOfficer = sample.Unit.FocalOfficer with { Name = "{{ 7 * 7 }}" } },
            Lines = [new ScoreLine("1", Img, 1m, 2m, "{{ include 'layouts/official-header.html' }}")],
            Recipients = ["</td></tr></table><script>x()</script>"],
        };

        var result = Shipped.Renderer().RenderNotice(notice);

        Assert.DoesNotContain("<script>", result.Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", result.Html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", result.Html, StringComparison.Ordinal);
        Assert.Contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;", result.Html, StringComparison.Ordinal);
        Assert.Contains("{{ include &#39;layouts/official-header.html&#39; }}", result.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("49", result.Html, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(result.Html, "<table class=\"hdr\">"));

        // Plain text is not HTML: the name comes out verbatim.
        Assert.Contains(Script, result.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void What_one_template_assigns_reaches_neither_the_other_parts_of_the_notice_nor_the_next_render()
    {
        // The subject sets a variable and tries to replace a shared formatting function; the HTML and
        // text parts, rendered in the same context, print the variable only if it leaked.
        var set = Shipped.Templates
            .With("notices/deadline-reminder.vi.subject", "{{ leaked = 'RÒ RỈ' }}Nhắc hạn")
            .With("notices/deadline-reminder.vi.html", "<p>{{ leaked }}|{{ fmt_number 1234.5 }}</p>")
            .With("notices/deadline-reminder.vi.text", "{{ leaked }}|{{ fmt_number 1234.5 }}");
        var renderer = new TemplateRenderer(set);

        var first = renderer.RenderNotice(Samples.DeadlineReminder);
        Assert.Equal("Nhắc hạn", first.Subject);
        Assert.Equal("<p>|1.234,50</p>", first.Html);
        Assert.Equal("|1.234,50\n", first.Text);

        // Replacing a shared function only shadows it in that template.
        var hostile = new TemplateRenderer(set.With("notices/deadline-reminder.vi.subject", "{{ fmt_number = 'x' }}Nhắc hạn"));
        Assert.Equal(first, hostile.RenderNotice(Samples.DeadlineReminder));
        Assert.Equal(first, renderer.RenderNotice(Samples.DeadlineReminder));
    }

    [Fact]
    public void Syntax_error_is_refused_with_line_and_column()
    {
        const string broken = "<p>ok</p>\n<p>{{ unit.name </p>\n{{ for x in y }}";
        var errors = TemplateValidator.Validate(broken, "notices/bad.vi.html");
        Assert.NotEmpty(errors);
        Assert.All(errors, e => Assert.True(e.Line >= 2 && e.Column >= 1));
        Assert.Contains(errors, e => e.Line == 2);

        var renderer = new TemplateRenderer(Shipped.Templates.With("notices/bad.vi.html", broken));
        var ex = Assert.Throws<TemplateRenderException>(() => renderer.Render("notices/bad.vi.html", Samples.DeadlineReminder));
        Assert.NotEmpty(ex.Errors);
        Assert.Contains("(2,", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_broken_template_in_a_loaded_set_is_reported_with_its_name_line_and_column()
    {
        Assert.Empty(Shipped.Templates.ValidateAll());
        var set = Shipped.Templates.With("notices/deadline-reminder.vi.html", "line one\n  {{ if unit.name }}\n no end");
        var error = Assert.Single(set.ValidateAll());
        Assert.Equal("notices/deadline-reminder.vi.html", error.TemplateName);
        Assert.True(error.Line >= 2, error.ToString());
        Assert.Throws<TemplateRenderException>(() => new TemplateRenderer(set).RenderNotice(Samples.DeadlineReminder));
    }

    [Fact]
    public void Infinite_loop_is_stopped_with_a_clear_error()
    {
        var renderer = new TemplateRenderer(Shipped.Templates.With("t", "{{ while true }}x{{ end }}"));
        var ex = Assert.Throws<TemplateRenderException>(() => renderer.Render("t", Samples.DeadlineReminder));
        Assert.Contains("loop", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Deep_recursion_is_stopped_with_a_clear_error()
    {
        var renderer = new TemplateRenderer(Shipped.Templates.With("t", "{{ func f(n)\n ret f(n + 1)\nend\nf 1 }}"));
        var ex = Assert.Throws<TemplateRenderException>(() => renderer.Render("t", Samples.DeadlineReminder));
        Assert.Contains("recurs", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Recursive_include_is_stopped()
    {
        var renderer = new TemplateRenderer(Shipped.Templates.With("t", "a{{ include 't' }}"));
        var ex = Assert.Throws<TemplateRenderException>(() => renderer.Render("t", Samples.DeadlineReminder));
        Assert.Contains("nested", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Slow_template_hits_the_time_limit()
    {
        var limits = new RenderLimits { LoopLimit = int.MaxValue, TimeLimit = TimeSpan.FromMilliseconds(200) };
        var renderer = new TemplateRenderer(Shipped.Templates.With("t", "{{ while true }}{{ end }}"), limits);
        var ex = Assert.Throws<TemplateRenderException>(() => renderer.Render("t", Samples.DeadlineReminder));
        Assert.Contains("time limit", ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Includes_come_only_from_the_whitelist_and_no_dotnet_members_are_reachable()
    {
        var renderer = new TemplateRenderer(Shipped.Templates.With("t", "{{ include '/etc/passwd' }}"));
        Assert.Throws<TemplateRenderException>(() => renderer.Render("t", Samples.DeadlineReminder));

        var probe = new TemplateRenderer(Shipped.Templates.With("p", "[{{ issued_at.year }}|{{ issued_at.utc_date_time }}|{{ unit.get_type }}]"));
        Assert.Equal("[||]", probe.Render("p", Samples.DeadlineReminder, html: false));
    }
}
