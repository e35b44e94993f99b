using Dtx.Campaign.Scoring.IndexSets;
using Dtx.Campaign.Server.Results;

namespace Dtx.Campaign.Server.Tests.Results;

/// <summary>The pure part of the results: year-over-year across index-set versions, medians, excluded units, canonical bytes.</summary>
public sealed class ResultCalculatorTests
{
    private static IndexSet Set(int version, params (string Code, decimal Max)[] groups) => new()
    {
        Key = "dti", Version = version, Name = new LocalizedText("DTI", "DTI"), LegalReference = "", Level = "department", EffectiveYear = 2024 + version,
        Groups = [.. groups.Select(g => new IndicatorNode
        {
            Code = g.Code, Name = new LocalizedText(g.Code, g.Code), MaxPoints = g.Max,
            Children = [new IndicatorNode { Code = $"{g.Code}.1", Name = new LocalizedText(g.Code, g.Code), MaxPoints = g.Max, Method = new RatioMethod() }],
        })],
        RatingBands = [new RatingBand("low", new LocalizedText("Thấp", "Low"), 0, 80), new RatingBand("high", new LocalizedText("Cao", "High"), 80, 100)],
    };

    private static ResultInputs Unit(string code, IndexSet set, string status, params decimal[] percents) => new(
        Guid.Parse($"00000000-0000-0000-0000-{code.GetHashCode(StringComparison.Ordinal) & 0xFFFFFF:D12}"), code, code, "department", new HashSet<string>(), set, status,
        status == ResultCalculator.Excluded ? "dữ liệu không xác minh được" : null,
        set.Groups.Select((g, i) => (g.Children[0].Code, new IndicatorInput(Number: percents[i]))).ToDictionary(x => x.Code, x => x.Item2),
        new Dictionary<string, decimal>(), new Dictionary<string, (decimal, string?)>(), new Dictionary<string, (decimal, string?)>(), new Dictionary<string, int>());

    [Fact]
    public void Year_over_year_compares_the_groups_both_versions_share_and_the_percentage_and_rank()
    {
        var v1 = Set(1, ("A", 50), ("B", 50));
        var v2 = Set(2, ("A", 40), ("B", 40), ("C", 20));   // a new group in the new version
        var last = ResultCalculator.Compute(Guid.NewGuid(), 2025, "2025", ResultKinds.Final,
            [Unit("X", v1, ResultCalculator.Assessed, 60, 60), Unit("Y", v1, ResultCalculator.Assessed, 80, 80)], null);
        var now = ResultCalculator.Compute(Guid.NewGuid(), 2026, "2026", ResultKinds.Final,
            [Unit("X", v2, ResultCalculator.Assessed, 90, 90, 90), Unit("Y", v2, ResultCalculator.Assessed, 70, 70, 70)], last);

        var x = now.Categories[0].Units.Single(u => u.UnitCode == "X");
        Assert.Equal((1, 90m), (x.Rank!.Value, x.Percentage));
        Assert.Equal((2025, 60m, 2, 30m, 1), (x.Previous!.Year, x.Previous.Percentage, x.Previous.Rank, x.Previous.PercentageChange, x.Previous.RankChange));
        Assert.Equal([new GroupDelta("A", 30m), new GroupDelta("B", 30m)], x.Previous.Groups);   // C did not exist last year
        var y = now.Categories[0].Units.Single(u => u.UnitCode == "Y");
        Assert.Equal((-10m, -1), (y.Previous!.PercentageChange, y.Previous.RankChange));
    }

    [Fact]
    public void Excluded_units_are_not_ranked_and_averages_and_the_median_count_only_assessed_units()
    {
        var set = Set(1, ("A", 100));
        var doc = ResultCalculator.Compute(Guid.NewGuid(), 2025, "2025", ResultKinds.Final,
        [
            Unit("P", set, ResultCalculator.Assessed, 90), Unit("Q", set, ResultCalculator.Assessed, 70), Unit("R", set, ResultCalculator.Assessed, 70),
            Unit("S", set, ResultCalculator.Assessed, 40), Unit("T", set, ResultCalculator.Excluded, 100), Unit("U", set, ResultCalculator.NotSubmitted, 0),
        ], null);
        var units = doc.Categories[0].Units;
        Assert.Equal([("P", 1), ("Q", 2), ("R", 2), ("S", 4), ("U", 5), ("T", (int?)null)], units.Select(u => (u.UnitCode, u.Rank)).ToList());
        var aggregate = doc.Categories[0].Aggregate;
        Assert.Equal((6, 4, 67.5m, 70m), (aggregate.Units, aggregate.Assessed, aggregate.AveragePercentage, aggregate.MedianPercentage));
        Assert.Equal([("low", 3), ("high", 1)], aggregate.Bands.Select(b => (b.Key, b.Count)).ToList());
    }

    [Fact]
    public void The_same_inputs_give_the_same_bytes_and_checksum()
    {
        var set = Set(1, ("A", 60), ("B", 40));
        ResultDocument Compute() => ResultCalculator.Compute(Guid.Empty, 2025, "2025", ResultKinds.Final,
            [Unit("P", set, ResultCalculator.Assessed, 33.333m, 66.667m), Unit("Q", set, ResultCalculator.Assessed, 50, 50)], null);
        var first = CanonicalJson.Bytes(Compute());
        Assert.Equal(first, CanonicalJson.Bytes(Compute()));
        Assert.Equal(first, CanonicalJson.Bytes(CanonicalJson.Read(System.Text.Encoding.UTF8.GetString(first))));   // read back, written again: the same
        Assert.Equal(64, CanonicalJson.Checksum(first).Length);
        // Print writes the units it printed beforehand: the same bytes, each unit's found in the document in order.
        var (printed, units) = CanonicalJson.Print(Compute());
        Assert.Equal(first, printed);
        Assert.Equal(2, units.Count);
        var text = System.Text.Encoding.UTF8.GetString(printed);
        var p = text.IndexOf(System.Text.Encoding.UTF8.GetString(units[0]), StringComparison.Ordinal);
        Assert.True(p > 0 && text.IndexOf(System.Text.Encoding.UTF8.GetString(units[1]), p + units[0].Length, StringComparison.Ordinal) == p + units[0].Length + 1);
    }
}
