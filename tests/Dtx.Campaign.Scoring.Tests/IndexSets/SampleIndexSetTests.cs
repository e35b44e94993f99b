using System.Text.Json;
using Dtx.Campaign.Scoring.IndexSets;
using Dtx.Campaign.Scoring.Scoring;

namespace Dtx.Campaign.Scoring.Tests.IndexSets;

public sealed class SampleIndexSetTests
{
    internal static string DataFolder { get; } = FindData();

    private static string FindData()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Dtx.Campaign.sln")))
                return Path.Combine(dir.FullName, "data");
        throw new DirectoryNotFoundException("Dtx.Campaign.sln not found above the test binaries.");
    }

    internal static IndexSet Load(string file)
    {
        var result = IndexSetYamlReader.Read(File.ReadAllText(Path.Combine(DataFolder, "index-sets", file)));
        Assert.True(result.Set is not null, string.Join("\n", result.Problems));
        return result.Set!;
    }

    [Theory]
    [InlineData("hanoi-2025-city.yaml", "department", 9, 34, 1000, new[] { 3, 4, 2, 3, 5, 11, 1, 3, 2 })]
    [InlineData("hanoi-2025-commune.yaml", "commune", 8, 47, 1000, new[] { 5, 3, 5, 6, 4, 10, 6, 8 })]
    [InlineData("hanoi-2024-city.yaml", "department", 9, 46, 1000, null)]
    [InlineData("hanoi-2024-district.yaml", "district", 9, 60, 1000, null)]
    [InlineData("dong-thap-2022-department.yaml", "department", 6, 21, 200, null)]
    [InlineData("dong-thap-2022-district.yaml", "district", 8, 35, 400, null)]
    public void Every_sample_reads_validates_and_has_the_published_structure(string file, string level, int groups, int components, int points, int[]? perGroup)
    {
        var set = Load(file);
        Assert.Empty(IndexSetValidator.Validate(set, UnitCategoryCatalog.Default));
        Assert.True(set.IsSample);
        Assert.Equal(level, set.Level);
        Assert.Equal(groups, set.Groups.Count);
        Assert.Equal(components, set.Leaves().Count());
        Assert.Equal(points, set.MaxPoints);
        if (perGroup is not null)
            Assert.Equal(perGroup, set.Groups.Select(g => g.Children.Count));
    }

    [Fact]
    public void Dong_Thap_group_maxima_and_bonus_rules_are_those_of_the_decisions()
    {
        Assert.Equal([20m, 20, 40, 30, 40, 50], Load("dong-thap-2022-department.yaml").Groups.Select(g => g.MaxPoints));
        var district = Load("dong-thap-2022-district.yaml");
        Assert.Equal([60m, 20, 50, 50, 40, 90, 70, 20], district.Groups.Select(g => g.MaxPoints));
        Assert.Equal([("approved-model", 5m), ("community-team-merit", 10m)], district.BonusRules.Select(r => (r.Key, r.PointsPerItem)));
    }

    [Fact]
    public void In_Hanoi_2025_a_department_without_digital_economy_tasks_is_assessed_on_33_of_34_indicators()
    {
        var set = Load("hanoi-2025-city.yaml");
        var plain = new UnitProfile("department", new HashSet<string>());
        var designated = new UnitProfile("department", new HashSet<string> { "digital-economy" });
        Assert.Equal(33, set.Leaves().Count(l => ScoringEngine.AppliesTo(l, plain) && set.Groups.First(g => l.Code.StartsWith(g.Code + ".", StringComparison.Ordinal)) is var g && ScoringEngine.AppliesTo(g, plain)));
        Assert.Equal(950m, ScoringEngine.Score(set, plain, new Dictionary<string, IndicatorInput>()).ApplicableMax);
        Assert.Equal(1000m, ScoringEngine.Score(set, designated, new Dictionary<string, IndicatorInput>()).ApplicableMax);
    }

    [Fact]
    public void The_seeds_average_departments_land_in_the_fairly_good_band_and_districts_in_good()
    {
        Assert.Equal("fairly-good", ScoringEngine.BandOf(Load("dong-thap-2022-department.yaml"), 68.35m)!.Key);
        Assert.Equal("good", ScoringEngine.BandOf(Load("dong-thap-2022-district.yaml"), 78.63m)!.Key);
    }

    [Fact]
    public void An_index_set_survives_the_canonical_JSON_round_trip()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        var set = Load("dong-thap-2022-district.yaml");
        var json = JsonSerializer.Serialize(set, options);
        var back = JsonSerializer.Deserialize<IndexSet>(json, options)!;
        Assert.Equal(json, JsonSerializer.Serialize(back, options));
        Assert.IsType<TiersMethod>(back.AllNodes().First(n => n.Code == "1.2").Method);
    }
}
