using Dtx.Campaign.Scoring.Participation;
using Dtx.Campaign.Scoring.Refusals;

namespace Dtx.Campaign.Scoring.Tests.Participation;

/// <summary>The Appraisal Council's rules for one unit, without a database: who may review, what a verdict may say, when it is complete.</summary>
public sealed class CouncilReviewTests
{
    private static Refusal Refused(Action action) => Assert.Throws<Refusal>(action);

    [Fact]
    public void Only_a_submitted_unit_is_verified_unless_the_campaign_counts_unsubmitted_drafts()
    {
        Assert.True(CouncilReview.NeedsVerification(ParticipationStatus.Submitted, countUnsubmittedDrafts: false));
        Assert.True(CouncilReview.NeedsVerification(ParticipationStatus.ReturnedForClarification, false));
        Assert.False(CouncilReview.NeedsVerification(ParticipationStatus.NotSubmitted, false));
        Assert.False(CouncilReview.NeedsVerification(ParticipationStatus.InProgress, false));
        Assert.True(CouncilReview.NeedsVerification(ParticipationStatus.NotSubmitted, true));
        Assert.True(CouncilReview.NeedsVerification(ParticipationStatus.AwaitingApproval, true));
    }

    [Fact]
    public void A_member_never_reviews_their_own_unit_nor_one_with_nothing_to_verify_or_excluded()
    {
        CouncilReview.EnsureReviewable("SNV", "Trần Thị Bình", membersOwnUnit: false, needsVerification: true, ReviewStatus.InProgress, null);
        var own = Refused(() => CouncilReview.EnsureReviewable("SNV", "Trần Thị Bình", true, true, ReviewStatus.Pending, null));
        Assert.Equal(("verification.conflict-of-interest", RefusalKind.Forbidden), (own.Code, own.Kind));
        Assert.Equal("verification.nothing-to-verify", Refused(() => CouncilReview.EnsureReviewable("SNV", "B", false, false, ReviewStatus.Pending, null)).Code);
        var excluded = Refused(() => CouncilReview.EnsureReviewable("SNV", "B", false, true, ReviewStatus.Excluded, "Sáp nhập"));
        Assert.Equal("verification.excluded", excluded.Code);
        Assert.Contains("Sáp nhập", excluded.Reasons[0].Text("vi"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_verdict_accepts_the_units_score_or_gives_points_in_range_and_a_lowered_score_says_why()
    {
        Assert.Equal((15m, null), CouncilReview.Decide("1.2", new VerdictInput(true, null, "  "), 20, 15, bonus: false));
        Assert.Equal((15m, null), CouncilReview.Decide("1.2", new VerdictInput(true, 15, null), 20, 15, false));
        Assert.Equal("verification.points-both", Refused(() => CouncilReview.Decide("1.2", new VerdictInput(true, 10, null), 20, 15, false)).Code);
        Assert.Equal("verification.points-required", Refused(() => CouncilReview.Decide("1.2", new VerdictInput(false, null, null), 20, 15, false)).Code);
        Assert.Equal("verification.points-range", Refused(() => CouncilReview.Decide("1.2", new VerdictInput(false, 21, null), 20, 15, false)).Code);
        Assert.Equal("verification.points-range", Refused(() => CouncilReview.Decide("1.2", new VerdictInput(false, -1, "x"), 20, 15, false)).Code);

        // Lowering needs a note (trimmed); raising or keeping does not.
        var silent = Refused(() => CouncilReview.Decide("1.2", new VerdictInput(false, 10, " "), 20, 15, false));
        Assert.Equal(("verification.note-required", "note"), (silent.Code, silent.Field));
        Assert.Equal((10m, "Biên bản chỉ có 2 cuộc họp"), CouncilReview.Decide("1.2", new VerdictInput(false, 10, " Biên bản chỉ có 2 cuộc họp "), 20, 15, false));
        Assert.Equal((20m, null), CouncilReview.Decide("1.2", new VerdictInput(false, 20, null), 20, 15, false));
        Assert.Equal("field.too-long", Refused(() => CouncilReview.Decide("1.2", new VerdictInput(false, 10, new string('x', CouncilReview.NoteLimit + 1)), 20, 15, false)).Code);

        // A bonus claim counts whole items.
        Assert.Equal("verification.bonus-whole", Refused(() => CouncilReview.Decide("bonus:award", new VerdictInput(false, 1.5m, "một nửa"), 3, 2, bonus: true)).Code);
        Assert.Equal((1m, "chỉ một giải có minh chứng"), CouncilReview.Decide("bonus:award", new VerdictInput(false, 1, "chỉ một giải có minh chứng"), 3, 2, true));
    }

    [Fact]
    public void A_review_is_complete_only_with_a_verdict_on_everything_to_review()
    {
        CouncilReview.EnsureComplete("SNV", ["1.1", "1.2", "bonus:award"], ["bonus:award", "1.2", "1.1", "2.1"]);
        var missing = Refused(() => CouncilReview.EnsureComplete("SNV", ["1.1", "1.2", "bonus:award"], ["1.1"]));
        Assert.Equal(("verification.verdicts-missing", "verdicts"), (missing.Code, missing.Field));
        Assert.Contains("1.2", missing.Reasons[0].Text("vi"), StringComparison.Ordinal);
        Assert.Contains("bonus:award", missing.Reasons[0].Text("en"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_unit_is_verified_with_every_verdict_in_and_not_while_it_answers_the_councils_questions()
    {
        CouncilReview.EnsureVerifiable("SNV", answeringClarification: false, ["1.1"], ["1.1"]);
        var answering = Refused(() => CouncilReview.EnsureVerifiable("SNV", answeringClarification: true, ["1.1"], ["1.1"]));
        Assert.Equal(("verification.answering-clarification", RefusalKind.Conflict), (answering.Code, answering.Kind));
        Assert.Equal("verification.verdicts-missing", Refused(() => CouncilReview.EnsureVerifiable("SNV", false, ["1.1", "1.2"], ["1.1"])).Code);
    }

    [Fact]
    public void Leaving_a_unit_out_needs_a_reason_on_the_record_and_the_first_verdict_starts_the_review()
    {
        Assert.Equal("Sáp nhập vào xã Tân Hòa", CouncilReview.ExclusionReason("  Sáp nhập vào xã Tân Hòa "));
        foreach (var weak in new[] { null, "", "   ", " abcd " })
        {
            var refused = Refused(() => CouncilReview.ExclusionReason(weak));
            Assert.Equal(("verification.exclusion-reason", "reason", RefusalKind.Invalid), (refused.Code, refused.Field, refused.Kind));
        }
        Assert.Equal(ReviewStatus.InProgress, CouncilReview.AfterVerdict(ReviewStatus.Pending));
        Assert.Equal(ReviewStatus.InProgress, CouncilReview.AfterVerdict(ReviewStatus.InProgress));
        Assert.Equal(ReviewStatus.Verified, CouncilReview.AfterVerdict(ReviewStatus.Verified));
    }
}
