using Dtx.Campaign.Workflows.Definitions;

namespace Dtx.Campaign.Workflows.Tests.Definitions;

public class WorkflowDefinitionReaderTests
{
    internal static string ShippedPath(string file) => Path.Combine(AppContext.BaseDirectory, "workflows", file);

    internal static WorkflowDefinition LoadShipped(string file)
    {
        var result = WorkflowDefinitionReader.ReadFile(ShippedPath(file), Runtime.TestWorkflows.Catalog);
        Assert.True(result.IsValid, string.Join(Environment.NewLine, result.Problems));
        return result.Definition!;
    }

    [Theory]
    [InlineData("annual-campaign.v1.yaml")]
    [InlineData("annual-campaign.v2.yaml")]
    [InlineData("annual-campaign.v3.yaml")]
    [InlineData("annual-campaign.v4.yaml")]
    [InlineData("unit-extension.v1.yaml")]
    [InlineData("unit-assessment.v1.yaml")]
    public void Shipped_definitions_load_without_problems(string file)
    {
        var definition = LoadShipped(file);
        // The file's name carries the version it declares.
        Assert.Equal(int.Parse(file.Split('.')[^2][1..], System.Globalization.CultureInfo.InvariantCulture), definition.Version);
        Assert.Single(definition.Stages, s => s.IsFinal);
    }

    [Fact]
    public void The_annual_campaign_has_the_stages_of_the_yearly_cycle_in_order()
    {
        var definition = LoadShipped("annual-campaign.v1.yaml");
        Assert.Equal(
            ["set-up", "index-publication", "self-assessment", "council-verification", "preliminary-results",
             "dispute-window", "dispute-resolution", "final-results", "publication-and-awards", "archived"],
            definition.Stages.Select(s => s.Key));
        var selfAssessment = definition.Stage("self-assessment");
        Assert.Equal(["-P7D", "-P3D", "-P1D"], selfAssessment.Timers.Where(t => t.Activity is not null).Select(t => t.At.Offset!.ToString()));
        Assert.Equal("council-chair", definition.Stage("council-verification").Gate!.Role);
        Assert.Equal("early-close-enabled", selfAssessment.Transitions.Single().Guard);
    }

    public static TheoryData<string> BrokenFiles()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "BrokenDefinitions"), "*.yaml").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BrokenFiles))]
    public void A_broken_definition_is_rejected_with_the_expected_message(string file)
    {
        var yaml = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "BrokenDefinitions", file));
        const string prefix = "# expect: ";
        var firstLine = yaml.Split('\n')[0];
        Assert.StartsWith(prefix, firstLine, StringComparison.Ordinal);
        var expected = firstLine[prefix.Length..].Trim();

        var result = WorkflowDefinitionReader.Read(yaml, file, Runtime.TestWorkflows.Catalog);

        Assert.False(result.IsValid);
        Assert.Null(result.Definition);
        Assert.All(result.Problems, p => Assert.Equal(file, p.File));
        var rendered = result.Problems.Select(p => $"line {p.Line} {p.Field}: {p.Message}").ToList();
        Assert.True(
            rendered.Any(r => r.StartsWith(expected, StringComparison.Ordinal)),
            $"expected a problem starting with \"{expected}\", got:{Environment.NewLine}{string.Join(Environment.NewLine, rendered)}");
    }

    [Theory]
    [InlineData("-P7D", "2026-06-30T17:00:00", "2026-06-23T17:00:00")]
    [InlineData("P1M", "2026-01-31T09:00:00", "2026-02-28T09:00:00")]
    [InlineData("-PT12H", "2026-06-30T17:00:00", "2026-06-30T05:00:00")]
    [InlineData("P1W2DT1H30M", "2026-06-01T00:00:00", "2026-06-10T01:30:00")]
    public void Offsets_apply_on_the_calendar(string offset, string local, string expected)
    {
        Assert.True(IsoOffset.TryParse(offset, out var parsed));
        var result = parsed!.ApplyTo(DateTime.Parse(local, System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(DateTime.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), result);
        Assert.Equal(offset.Replace("P1W2D", "P1W2D", StringComparison.Ordinal), parsed.ToString());
    }

    [Theory]
    [InlineData("7D")]
    [InlineData("P")]
    [InlineData("PT")]
    [InlineData("-P7")]
    [InlineData("P1.5D")]
    public void Malformed_offsets_are_refused(string offset) => Assert.False(IsoOffset.TryParse(offset, out _));

    [Fact]
    public void A_reminder_time_resolves_in_the_campaign_time_zone()
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Ho_Chi_Minh");
        Assert.True(IsoOffset.TryParse("-P7D", out var offset));
        var at = new CampaignDateRef("selfAssessment.closesAt", offset, new TimeOnly(8, 0));
        // Closes 30 June 2026 17:00 local = 10:00 UTC; the reminder is 23 June 08:00 local = 01:00 UTC.
        var due = at.Resolve(new DateTime(2026, 6, 30, 10, 0, 0, DateTimeKind.Utc), zone);
        Assert.Equal(new DateTime(2026, 6, 23, 1, 0, 0, DateTimeKind.Utc), due);
    }
}
