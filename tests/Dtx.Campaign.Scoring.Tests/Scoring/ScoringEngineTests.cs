using Dtx.Campaign.Scoring.IndexSets;
using Dtx.Campaign.Scoring.Scoring;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;

namespace Dtx.Campaign.Scoring.Tests.Scoring;

public sealed class ScoringEngineTests
{
    private static readonly UnitProfile Department = new("department", new HashSet<string>());
    private static readonly UnitProfile DigitalEconomyDepartment = new("department", new HashSet<string> { "digital-economy" });

    private static IndicatorNode Leaf(string code, decimal max, ScoringMethod method, bool evidence = false, string? flag = null) => new()
    {
        Code = code, Name = new LocalizedText(code, code), MaxPoints = max, Method = method, EvidenceRequired = evidence,
        AppliesTo = flag is null ? null : new Applicability(flag),
    };

    private static IndicatorNode Group(string code, params IndicatorNode[] children) => new()
    {
        Code = code, Name = new LocalizedText(code, code), MaxPoints = children.Sum(c => c.MaxPoints), Children = children,
    };

    private static IndexSet Set(params IndicatorNode[] groups) => new()
    {
        Key = "t", Version = 1, Name = new LocalizedText("t", "t"), LegalReference = "", Level = "department", EffectiveYear = 2025,
        Groups = groups,
        BonusRules = [new BonusRule("model", new LocalizedText("Mô hình", "Model"), 5, null), new BonusRule("merit", new LocalizedText("Bằng khen", "Merit"), 10, 20)],
        RatingBands =
        [
            new RatingBand("weak", new LocalizedText("Yếu", "Weak"), 0, 50),
            new RatingBand("average", new LocalizedText("Trung bình", "Average"), 50, 65),
            new RatingBand("fair", new LocalizedText("Khá", "Fairly good"), 65, 80),
            new RatingBand("good", new LocalizedText("Tốt", "Good"), 80, 100),
        ],
    };

    /// <summary>The shape of a Dong Thap set: every method, and a digital-economy group for flagged units only.</summary>
    private static readonly IndexSet Sample = Set(
        Group("1",
            Leaf("1.1", 10, new TiersMethod([new Tier(1, 5), new Tier(2, 10)])),
            Leaf("1.2", 10, new YesNoMethod(), evidence: true)),
        Group("2",
            Leaf("2.1", 20, new RatioMethod()),
            Leaf("2.2", 20, new RatioMethod(0.8m)),
            Leaf("2.3", 20, new TiersMethod([new Tier(1, 5), new Tier(2, 10), new Tier(3, 15), new Tier(4, 20)]))),
        Group("3",
            Leaf("3.1", 10, new CountMethod(2, null)),
            Leaf("3.2", 10, new CouncilJudgementMethod())),
        Group("4", Leaf("4.1", 100, new RatioMethod(), flag: "digital-economy")));

    [Fact]
    public void A_full_answer_scores_every_method_as_its_rule_says()
    {
        var inputs = new Dictionary<string, IndicatorInput>
        {
            ["1.1"] = new(Number: 1),                              // tier 1 → 5
            ["1.2"] = new(Yes: true, HasEvidence: false),         // yes without required evidence → 0
            ["2.1"] = new(Numerator: 45, Denominator: 60),        // 0.75 × 20 = 15
            ["2.2"] = new(Number: 60),                            // 0.6 / 0.8 × 20 = 15
            ["2.3"] = new(Number: 3),                             // 15
            ["3.1"] = new(Number: 7),                             // 14 capped at 10
            ["3.2"] = new(Number: 6.5m),                          // 6.5
        };
        var score = ScoringEngine.Score(Sample, Department, inputs);

        Assert.Equal(5, score.Find("1.1")!.Points);
        Assert.Equal(ShortfallReason.NoEvidence, score.Find("1.2")!.Reason);
        Assert.Equal(15, score.Find("2.1")!.Points);
        Assert.Equal(15, score.Find("2.2")!.Points);
        Assert.Equal(15, score.Find("2.3")!.Points);
        Assert.Equal(10, score.Find("3.1")!.Points);
        Assert.Equal(6.5m, score.Find("3.2")!.Points);
        Assert.Equal(66.5m, score.Total);
        // Group 4 does not apply to an unflagged department: left out of the maximum.
        Assert.Equal(100m, score.ApplicableMax);
        Assert.False(score.Find("4")!.Applicable);
        Assert.Equal(66.5m, score.Percentage);
        Assert.Equal("fair", score.Band!.Key);
    }

    [Fact]
    public void Points_set_by_the_council_replace_the_answers_score_clamped_to_the_maximum_and_say_why()
    {
        var inputs = new Dictionary<string, IndicatorInput> { ["2.1"] = new(Number: 100), ["2.2"] = new(Number: 80), ["3.1"] = new(Number: 5) };
        var judged = new Dictionary<string, decimal> { ["2.1"] = 12.5m, ["2.2"] = 20m, ["3.1"] = 99m, ["4.1"] = 50m };
        var score = ScoringEngine.Score(Sample, Department, inputs, judged: judged);

        Assert.Equal((12.5m, ShortfallReason.CouncilAdjusted), (score.Find("2.1")!.Points, score.Find("2.1")!.Reason));
        Assert.Equal((20m, (string?)null), (score.Find("2.2")!.Points, score.Find("2.2")!.Reason));   // the same as the answer's score
        Assert.Equal(10m, score.Find("3.1")!.Points);                                                  // never above the maximum
        Assert.Equal(0m, score.Find("4.1")!.Points);                                                   // a leaf that does not apply stays out
        Assert.Equal(12.5m + 20m + 10m, score.Total);
    }

    [Fact]
    public void A_flagged_unit_is_scored_on_the_group_that_applies_to_it()
    {
        var score = ScoringEngine.Score(Sample, DigitalEconomyDepartment, new Dictionary<string, IndicatorInput> { ["4.1"] = new(Number: 50) });
        Assert.Equal(200m, score.ApplicableMax);
        Assert.Equal(50m, score.Total);
        Assert.Equal(25m, score.Percentage);
    }

    [Theory]
    [InlineData(136.69, 200, 68.35, "fair")]  // Dong Thap departments 2023 average
    [InlineData(314.5, 400, 78.63, "fair")]   // Dong Thap districts 2023 average
    [InlineData(320, 400, 80.00, "good")]
    public void The_seeds_figures_are_reproduced(decimal total, decimal max, decimal percentage, string band)
    {
        var set = Set(Group("1", Leaf("1.1", max, new CouncilJudgementMethod())));
        var score = ScoringEngine.Score(set, Department, new Dictionary<string, IndicatorInput> { ["1.1"] = new(Number: total) });
        Assert.Equal(total, score.Total);
        Assert.Equal(percentage, score.Percentage);
        Assert.Equal(band, score.Band!.Key);
    }

    [Fact]
    public void Bonus_points_follow_each_rule_and_its_cap_and_count_towards_the_percentage()
    {
        var set = Set(Group("1", Leaf("1.1", 100, new CouncilJudgementMethod())));
        var score = ScoringEngine.Score(set, Department, new Dictionary<string, IndicatorInput> { ["1.1"] = new(Number: 70) },
            [new BonusClaim("model", 2), new BonusClaim("merit", 3)]);
        Assert.Equal(30m, score.Bonus);          // 2 × 5 + min(3 × 10, 20)
        Assert.Equal(100m, score.Percentage);    // (70 + 30) / 100, never above 100
    }

    [Fact]
    public void Ties_share_a_rank_and_the_next_rank_is_skipped()
    {
        var ranked = Ranking.Rank(
        [
            new RankingEntry("a", 80, []), new RankingEntry("b", 75.5m, []), new RankingEntry("c", 75.5m, []), new RankingEntry("d", 60, []),
        ]);
        Assert.Equal(["a:1", "b:2", "c:2", "d:4"], ranked.Select(r => $"{r.Entry.UnitId}:{r.Rank}"));
    }

    [Fact]
    public void A_tie_break_group_orders_equal_percentages()
    {
        var ranked = Ranking.Rank([new RankingEntry("b", 75.5m, [40]), new RankingEntry("c", 75.5m, [45]), new RankingEntry("a", 75.5m, [40])]);
        Assert.Equal(["c:1", "a:2", "b:2"], ranked.Select(r => $"{r.Entry.UnitId}:{r.Rank}"));
    }

    [Theory]
    [InlineData("2.1", 5.0, 4.0, null, "the numerator (5) cannot exceed the denominator (4)")]
    [InlineData("2.1", 1.0, 0.0, null, "the denominator must be greater than 0")]
    [InlineData("2.1", null, null, 101.0, "a percentage cannot exceed 100")]
    [InlineData("3.1", null, null, 2.5, "a count must be a whole number")]
    [InlineData("3.2", null, null, 11.0, "exceed the indicator's maximum (10)")]
    [InlineData("2.3", null, null, -1.0, "must not be negative")]
    public void Inputs_that_do_not_fit_the_method_are_explained(string code, double? numerator, double? denominator, double? number, string expected)
    {
        var node = Sample.AllNodes().Single(n => n.Code == code);
        var problems = ScoringEngine.ValidateInput(node, new IndicatorInput(Numerator: (decimal?)numerator, Denominator: (decimal?)denominator, Number: (decimal?)number));
        Assert.Contains(problems, p => p.Text("en").Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void A_field_the_method_does_not_use_is_refused()
    {
        var node = Sample.AllNodes().Single(n => n.Code == "1.2");
        Assert.Contains("'number' is not used by the yes-no method of indicator 1.2", ScoringEngine.ValidateInput(node, new IndicatorInput(Number: 3)).Select(p => p.Text("en")));
    }

    // ---- Properties over arbitrary answers ------------------------------------------------------

    private static Arbitrary<Dictionary<string, IndicatorInput>> Answers()
    {
        var value = Gen.Choose(-5, 150).Select(i => (decimal?)i);
        var maybe = Gen.OneOf(value, Gen.Constant((decimal?)null));
        var input =
            from numerator in maybe
            from denominator in maybe
            from number in maybe
            from yes in Gen.Elements<bool?>(true, false, null)
            from evidence in Gen.Elements(true, false)
            select new IndicatorInput(yes, numerator, denominator, number, evidence);
        var codes = Sample.Leaves().Select(l => l.Code).ToArray();
        return Gen.ListOf(Gen.Zip(Gen.Elements(codes), input))
            .Select(pairs => pairs.GroupBy(p => p.Item1).ToDictionary(g => g.Key, g => g.First().Item2))
            .ToArbitrary();
    }

    [Property]
    public Property Points_never_exceed_a_nodes_maximum_and_totals_are_the_sums_of_children() =>
        Prop.ForAll(Answers(), inputs =>
        {
            var score = ScoringEngine.Score(Sample, DigitalEconomyDepartment, inputs);
            return score.AllNodes().All(n => n.Points >= 0 && n.Points <= n.MaxPoints)
                && score.AllNodes().Where(n => n.Children.Count > 0).All(n => n.Points == n.Children.Sum(c => c.Points))
                && score.Total == score.Groups.Sum(g => g.Points)
                && score.Percentage is >= 0 and <= 100;
        });

    [Property]
    public Property A_value_for_an_indicator_that_does_not_apply_changes_nothing() =>
        Prop.ForAll(Answers(), Gen.Choose(0, 1000).ToArbitrary(), (inputs, value) =>
        {
            var without = new Dictionary<string, IndicatorInput>(inputs);
            without.Remove("4.1");
            var with = new Dictionary<string, IndicatorInput>(without) { ["4.1"] = new(Number: value) };
            var a = ScoringEngine.Score(Sample, Department, without);
            var b = ScoringEngine.Score(Sample, Department, with);
            return a.Total == b.Total && a.Percentage == b.Percentage && a.ApplicableMax == b.ApplicableMax;
        });
}
