using Dtx.Campaign.Server.Tests.Infrastructure;
using Dtx.Campaign.Server.Workflow;
using Dtx.Campaign.Workflows.Definitions;

namespace Dtx.Campaign.Server.Tests.Workflow;

/// <summary>Timers in words, in the campaign's zone, in Vietnamese and English (pure: no clock, no database).</summary>
public sealed class TimerWordsTests
{
    private static readonly TimeZoneInfo Hanoi = TimeZoneInfo.FindSystemTimeZoneById("Asia/Ho_Chi_Minh");

    private static WorkflowDefinition Read(string file) =>
        WorkflowDefinitionReader.ReadFile(Path.Combine(RepositoryFiles.Root, "workflows", file), CampaignVocabulary.Catalog).Definition!;

    private static DateTime Utc(int month, int day, int hour) =>
        new DateTimeOffset(2026, month, day, hour, 0, 0, TimeSpan.FromHours(7)).UtcDateTime;

    private static readonly Dictionary<string, DateTime> Dates = new()
    {
        ["selfAssessment.opensAt"] = Utc(12, 1, 8),
        ["selfAssessment.closesAt"] = Utc(12, 10, 17),
        ["selfAssessment.graceEndsAt"] = Utc(12, 15, 17),
        ["disputes.opensAt"] = Utc(12, 20, 8),
    };

    private static TimerDefinition Timer(WorkflowDefinition definition, string stage, Func<TimerDefinition, bool> which) =>
        definition.Stages.Single(s => s.Key == stage).Timers.First(which);

    [Fact]
    public void A_daily_reminder_round_says_when_from_and_until_in_local_time()
    {
        var definition = Read("annual-campaign.v3.yaml");
        var round = Timer(definition, "self-assessment", t => t.Repeats && t.Until == "selfAssessment.graceEndsAt");

        Assert.Equal("Nhắc hạn hằng ngày lúc 08:00 từ 01/12/2026 đến hết thời gian ân hạn 15/12/2026 17:00",
            TimerWords.Describe(definition, round, null, Dates, Hanoi, "vi"));
        Assert.Equal("Deadline reminder daily at 08:00 from 01/12/2026 until the end of the grace period 15/12/2026 17:00",
            TimerWords.Describe(definition, round, null, Dates, Hanoi, "en"));
        // A pending round names its next firing too.
        Assert.EndsWith("(lần tới: 05/12/2026 08:00)", TimerWords.Describe(definition, round, Utc(12, 5, 8), Dates, Hanoi, "vi"));
    }

    [Fact]
    public void A_one_off_reminder_names_its_moment_and_the_date_it_is_counted_from()
    {
        var definition = Read("annual-campaign.v1.yaml");
        var reminder = Timer(definition, "self-assessment", t => t.At.Offset?.Days == 3);

        Assert.Equal("Nhắc hạn lúc 07/12/2026 08:00 (3 ngày trước hạn nộp tự đánh giá)", TimerWords.Describe(definition, reminder, null, Dates, Hanoi, "vi"));
        Assert.Equal("Deadline reminder at 07/12/2026 08:00 (3 days before the self-assessment deadline)", TimerWords.Describe(definition, reminder, null, Dates, Hanoi, "en"));
    }

    [Fact]
    public void A_stage_timer_names_the_stage_it_moves_to_in_the_readers_language()
    {
        var definition = Read("annual-campaign.v3.yaml");
        var stage = definition.Stages.First(s => s.Timers.Any(t => t.TransitionTo == "dispute-window"));
        var timer = stage.Timers.First(t => t.TransitionTo == "dispute-window");
        var target = definition.Stages.Single(s => s.Key == "dispute-window").Name;

        var vi = TimerWords.Describe(definition, timer, null, Dates, Hanoi, "vi");
        Assert.Equal($"Chuyển sang giai đoạn “{target.Vi}” lúc 20/12/2026 08:00 (ngày mở kiến nghị)", vi);
        Assert.DoesNotContain("disputes.opensAt", vi);
        Assert.Equal($"Move to the stage “{target.En}” at 20/12/2026 08:00 (the opening of disputes)", TimerWords.Describe(definition, timer, null, Dates, Hanoi, "en"));
    }

    [Fact]
    public void Every_event_a_definition_may_wait_for_has_words_in_both_languages()
    {
        Assert.All(CampaignVocabulary.Catalog.Events, e => Assert.NotEqual(e, TimerWords.Event(e, "vi")));
        Assert.All(CampaignVocabulary.Catalog.Events, e => Assert.NotEqual(e, TimerWords.Event(e, "en")));
        Assert.Equal("đợt đánh giá được khởi động", TimerWords.Event("campaign-launched", "vi"));
    }

    [Theory]
    [InlineData("transition"), InlineData("finished"), InlineData("moved"), InlineData("published"), InlineData("opened"), InlineData("closed")]
    [InlineData("computed"), InlineData("archived"), InlineData("none"), InlineData("waiting"), InlineData("queued"), InlineData("timer-fired")]
    public void A_journal_outcome_reads_as_words_never_as_its_key(string outcome)
    {
        var entry = new Dtx.Campaign.Workflows.Storage.JournalEntry { Outcome = outcome, Stage = "set-up", Actor = "timer" };
        Assert.NotEqual(outcome, JournalWords.Describe(entry, "Asia/Ho_Chi_Minh", "vi"));
        Assert.NotEqual(outcome, JournalWords.Describe(entry, "Asia/Ho_Chi_Minh", "en"));
    }
}
