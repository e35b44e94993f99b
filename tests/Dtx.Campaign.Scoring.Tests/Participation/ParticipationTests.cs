using Dtx.Campaign.Scoring.IndexSets;
using Dtx.Campaign.Scoring.Participation;
using Dtx.Campaign.Scoring.Refusals;
using Model = Dtx.Campaign.Scoring.Participation.Participation;

namespace Dtx.Campaign.Scoring.Tests.Participation;

/// <summary>The rules of one unit in one campaign, without a database or a clock: the instants are given.</summary>
public sealed class ParticipationTests
{
    private static readonly DateTimeOffset Opens = new(2025, 11, 1, 1, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Closes = new(2025, 11, 30, 10, 0, 0, TimeSpan.Zero);

    private static Model Unit(ParticipationStatus status = ParticipationStatus.InProgress, int graceDays = 0, DateTimeOffset? extended = null,
        DateTimeOffset? clarificationDue = null, bool running = true, bool headApproval = false) =>
        new("SNV", status, new ParticipationTerms(running, running ? "launched" : "draft", Opens, Closes, graceDays, headApproval), extended, clarificationDue,
            status == ParticipationStatus.Submitted ? Closes.AddDays(-1) : null, at => new LocalTime(at.ToString("dd/MM/yyyy HH:mm"), "UTC"));

    private static string CodeOf(Action action) => Assert.Throws<Refusal>(action).Code;

    [Fact]
    public void The_deadline_is_the_campaigns_then_the_extensions_then_the_clarifications()
    {
        Assert.Equal(Closes, Unit().Deadline);
        Assert.Equal(Closes.AddDays(5), Unit(extended: Closes.AddDays(5)).Deadline);
        Assert.Equal(Closes.AddDays(9), Unit(ParticipationStatus.ReturnedForClarification, extended: Closes.AddDays(5), clarificationDue: Closes.AddDays(9)).Deadline);
        // A clarification due time counts only while the unit answers it.
        Assert.Equal(Closes, Unit(ParticipationStatus.Submitted, clarificationDue: Closes.AddDays(9)).Deadline);
    }

    [Fact]
    public void The_grace_period_follows_the_units_own_deadline_but_not_a_clarification()
    {
        Assert.Equal(Closes.AddDays(3), Unit(graceDays: 3).EditableUntil);
        Assert.Equal(Closes.AddDays(8), Unit(graceDays: 3, extended: Closes.AddDays(5)).EditableUntil);
        Assert.Equal(Closes.AddDays(9), Unit(ParticipationStatus.ReturnedForClarification, graceDays: 3, clarificationDue: Closes.AddDays(9)).EditableUntil);
        Assert.True(Model.DueToClose(Closes, null, 3, Closes.AddDays(3)));
        Assert.False(Model.DueToClose(Closes, Closes.AddDays(1), 3, Closes.AddDays(3)));
    }

    [Fact]
    public void Editing_is_refused_outside_the_window_with_the_reason()
    {
        Assert.Equal("self-assessment.campaign-not-running", CodeOf(() => Unit(running: false).EnsureEditable(Opens.AddDays(1))));
        Assert.Equal("self-assessment.not-open", CodeOf(() => Unit().EnsureEditable(Opens.AddMinutes(-1))));
        Assert.Equal("self-assessment.locked", CodeOf(() => Unit(ParticipationStatus.Submitted).EnsureEditable(Opens.AddDays(1))));
        Assert.Equal("self-assessment.closed-not-submitted", CodeOf(() => Unit(ParticipationStatus.NotSubmitted).EnsureEditable(Opens.AddDays(1))));
        Assert.Equal("self-assessment.deadline-passed", CodeOf(() => Unit().EnsureEditable(Closes)));
        Assert.Equal("self-assessment.grace-passed", CodeOf(() => Unit(graceDays: 2).EnsureEditable(Closes.AddDays(2))));
        Assert.True(Unit().Editable(Opens));
        Assert.True(Unit(graceDays: 2).Editable(Closes.AddDays(1)));
        Assert.True(Unit(ParticipationStatus.ReturnedForClarification, clarificationDue: Closes.AddDays(9)).Editable(Closes.AddDays(8)));
        Assert.False(Unit(ParticipationStatus.ReturnedForClarification, graceDays: 5, clarificationDue: Closes.AddDays(9)).Editable(Closes.AddDays(9)));
    }

    [Fact]
    public void A_submission_is_taken_back_within_minutes_before_the_deadline_by_who_may_submit_it_while_self_assessment_lasts()
    {
        var submittedAt = Closes.AddDays(-1);
        var unit = Unit(ParticipationStatus.Submitted);
        Assert.Equal(submittedAt + Model.WithdrawalWindow, unit.WithdrawableUntil);
        unit.EnsureWithdrawable(submittedAt.AddMinutes(14), byApprover: false, selfAssessmentLasts: true);
        Assert.Equal("self-assessment.withdraw-too-late", CodeOf(() => unit.EnsureWithdrawable(submittedAt + Model.WithdrawalWindow, false, true)));
        // The last submission closed self-assessment early: what is in stays in.
        Assert.Equal("self-assessment.withdraw-stage-closed", CodeOf(() => unit.EnsureWithdrawable(submittedAt.AddMinutes(1), false, false)));
        Assert.Equal("self-assessment.withdraw-not-submitted", CodeOf(() => Unit().EnsureWithdrawable(submittedAt, false, true)));
        Assert.Equal("self-assessment.campaign-not-running", CodeOf(() => Unit(ParticipationStatus.Submitted, running: false).EnsureWithdrawable(submittedAt.AddMinutes(1), false, true)));

        // With head approval only the head (or an administrator) takes back what the head submitted.
        var approved = Unit(ParticipationStatus.Submitted, headApproval: true);
        Assert.Equal("self-assessment.head-withdraws", CodeOf(() => approved.EnsureWithdrawable(submittedAt.AddMinutes(1), false, true)));
        approved.EnsureWithdrawable(submittedAt.AddMinutes(1), true, true);

        // A reply to the council is never taken back; the window never runs past the deadline; a late submission has none.
        Assert.Null(Unit(ParticipationStatus.Submitted, clarificationDue: Closes.AddDays(9)).WithdrawableUntil);
        Assert.Equal("self-assessment.withdraw-clarification",
            CodeOf(() => Unit(ParticipationStatus.Submitted, clarificationDue: Closes.AddDays(9)).EnsureWithdrawable(submittedAt.AddMinutes(1), false, true)));
        Assert.Equal(Closes, (unit with { SubmittedAt = Closes.AddMinutes(-5) }).WithdrawableUntil);
        Assert.Null((Unit(ParticipationStatus.Submitted, graceDays: 2) with { SubmittedAt = Closes.AddHours(1) }).WithdrawableUntil);
        Assert.Equal("self-assessment.withdraw-too-late",
            CodeOf(() => (Unit(ParticipationStatus.Submitted, graceDays: 2) with { SubmittedAt = Closes.AddHours(1) }).EnsureWithdrawable(Closes.AddHours(1), false, true)));
    }

    [Fact]
    public void With_head_approval_the_officer_prepares_and_only_the_head_submits_in_time()
    {
        var inside = Opens.AddDays(2);
        // Without head approval nothing changes: anyone of the unit submits; there is no head step.
        Unit().EnsureSubmittable(inside, byApprover: false);
        Assert.Equal("self-assessment.no-head-approval", CodeOf(() => Unit().EnsurePreparable(inside)));

        Unit(headApproval: true).EnsurePreparable(inside);
        var officerAlone = Assert.Throws<Refusal>(() => Unit(headApproval: true).EnsureSubmittable(inside, byApprover: false));
        Assert.Equal(("self-assessment.head-submits", RefusalKind.Forbidden), (officerAlone.Code, officerAlone.Kind));
        // The head submits from the prepared form, or straight from an unfinished one.
        Unit(ParticipationStatus.AwaitingApproval, headApproval: true).EnsureSubmittable(inside, byApprover: true);
        Unit(headApproval: true).EnsureSubmittable(inside, byApprover: true);
        // A reply to the council goes back directly, by whoever answers it.
        Unit(ParticipationStatus.ReturnedForClarification, clarificationDue: Closes.AddDays(9), headApproval: true).EnsureSubmittable(Closes.AddDays(1), byApprover: false);
        Assert.Equal("self-assessment.clarification-submits-directly",
            CodeOf(() => Unit(ParticipationStatus.ReturnedForClarification, clarificationDue: Closes.AddDays(9), headApproval: true).EnsurePreparable(Closes.AddDays(1))));

        // While it waits, nobody edits it and it cannot be prepared twice; the head may send it back.
        Assert.Equal("self-assessment.awaiting-approval", CodeOf(() => Unit(ParticipationStatus.AwaitingApproval, headApproval: true).EnsureEditable(inside)));
        Assert.Equal("self-assessment.awaiting-approval", CodeOf(() => Unit(ParticipationStatus.AwaitingApproval, headApproval: true).EnsurePreparable(inside)));
        Unit(ParticipationStatus.AwaitingApproval, headApproval: true).EnsureCanSendBack(inside);
        Assert.Equal("self-assessment.not-awaiting-approval", CodeOf(() => Unit(headApproval: true).EnsureCanSendBack(inside)));

        // The deadline binds the head's approval as it binds a submission: late inside the grace period, refused after it.
        Assert.True(Unit(ParticipationStatus.AwaitingApproval, graceDays: 2, headApproval: true).SubmissionIsLate(Closes.AddHours(1)));
        Unit(ParticipationStatus.AwaitingApproval, graceDays: 2, headApproval: true).EnsureSubmittable(Closes.AddHours(1), byApprover: true);
        Assert.Equal("self-assessment.grace-passed",
            CodeOf(() => Unit(ParticipationStatus.AwaitingApproval, graceDays: 2, headApproval: true).EnsureSubmittable(Closes.AddDays(2), byApprover: true)));
        Assert.Equal("self-assessment.deadline-passed", CodeOf(() => Unit(ParticipationStatus.AwaitingApproval, headApproval: true).EnsureCanSendBack(Closes)));

        // Waiting for the head is still "not submitted": reminded, and closed when its grace period ends.
        Assert.True(Model.Unsubmitted(ParticipationStatus.AwaitingApproval));
        Assert.False(Model.Unsubmitted(ParticipationStatus.Submitted));
        Assert.False(Model.Unsubmitted(ParticipationStatus.ReturnedForClarification));
    }

    [Fact]
    public void A_refusal_names_the_deadline_in_both_languages()
    {
        var refusal = Assert.Throws<Refusal>(() => Unit(graceDays: 2).EnsureEditable(Closes.AddDays(3)));
        Assert.Equal("hạn nộp là 30/11/2025 10:00 (UTC) và thời gian nộp muộn đã kết thúc lúc 02/12/2025 10:00 (UTC); không nhận thay đổi sau hạn", refusal.Texts("vi").Single());
        Assert.Equal("the deadline was 30/11/2025 10:00 (UTC) and the grace period for late submissions ended 02/12/2025 10:00 (UTC); late changes are not accepted", refusal.Texts("en").Single());
    }

    [Fact]
    public void A_first_submission_after_the_deadline_is_late_a_resubmission_is_not()
    {
        Assert.True(Unit(graceDays: 2).SubmissionIsLate(Closes));
        Assert.False(Unit(graceDays: 2).SubmissionIsLate(Closes.AddMinutes(-1)));
        Assert.False(Unit(ParticipationStatus.ReturnedForClarification, clarificationDue: Closes.AddDays(9)).SubmissionIsLate(Closes.AddDays(9)));
    }

    [Fact]
    public void The_council_returns_only_a_submitted_self_assessment_and_the_unit_answers_only_when_returned()
    {
        Assert.Equal("verification.only-submitted-returned", CodeOf(() => Unit().EnsureReturnable()));
        Unit(ParticipationStatus.Submitted).EnsureReturnable();
        Assert.Equal("self-assessment.not-returned", CodeOf(() => Unit(ParticipationStatus.Submitted).EnsureReturned()));
        Unit(ParticipationStatus.ReturnedForClarification).EnsureReturned();
        // The refusal names the status in the reader's words.
        Assert.Contains("chờ thủ trưởng duyệt", Assert.Throws<Refusal>(() => Unit(ParticipationStatus.AwaitingApproval).EnsureReturnable()).Texts("vi").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_withdrawal_an_extension_and_the_first_answer_move_the_status_where_the_work_stands()
    {
        Assert.Equal(ParticipationStatus.AwaitingApproval, Model.Withdrawn(headApproval: true, wasPrepared: true));
        Assert.Equal(ParticipationStatus.InProgress, Model.Withdrawn(headApproval: true, wasPrepared: false));
        Assert.Equal(ParticipationStatus.InProgress, Model.Withdrawn(headApproval: false, wasPrepared: true));

        Assert.Equal(ParticipationStatus.InProgress, Model.Extended(ParticipationStatus.NotSubmitted, anyAnswer: true));
        Assert.Equal(ParticipationStatus.NotStarted, Model.Extended(ParticipationStatus.NotSubmitted, anyAnswer: false));
        Assert.Equal(ParticipationStatus.AwaitingApproval, Model.Extended(ParticipationStatus.AwaitingApproval, anyAnswer: true));

        Assert.Equal(ParticipationStatus.InProgress, Model.AfterAnswers(ParticipationStatus.NotStarted, anyAnswer: true));
        Assert.Equal(ParticipationStatus.NotStarted, Model.AfterAnswers(ParticipationStatus.NotStarted, anyAnswer: false));
        Assert.Equal(ParticipationStatus.ReturnedForClarification, Model.AfterAnswers(ParticipationStatus.ReturnedForClarification, anyAnswer: true));
    }

    [Fact]
    public void A_returned_unit_answers_the_council_until_its_due_time_only()
    {
        var due = new DateTimeOffset(2025, 12, 1, 10, 0, 0, TimeSpan.Zero);
        Assert.True(Model.AwaitsClarification(returned: true, due, due.AddTicks(-1)));
        Assert.False(Model.AwaitsClarification(returned: true, due, due));
        Assert.False(Model.AwaitsClarification(returned: false, due, due.AddDays(-1)));
        Assert.False(Model.AwaitsClarification(returned: true, dueAt: null, due));
    }

    [Fact]
    public void A_bonus_claim_counts_only_with_evidence()
    {
        Assert.True(Model.BonusCounts(3, hasEvidence: true));
        Assert.False(Model.BonusCounts(3, hasEvidence: false));
        Assert.False(Model.BonusCounts(0, hasEvidence: true));
        // Claimed without evidence holds the submission back; no claim needs none.
        Assert.True(Model.BonusLacksEvidence(3, hasEvidence: false));
        Assert.False(Model.BonusLacksEvidence(3, hasEvidence: true));
        Assert.False(Model.BonusLacksEvidence(0, hasEvidence: false));
        Assert.Equal("bonus:approved-model", Model.BonusEvidenceCode("approved-model"));
        Assert.True(Model.IsBonusEvidence("bonus:approved-model"));
        Assert.False(Model.IsBonusEvidence("1.1"));
    }

    [Fact]
    public void An_answer_needs_evidence_only_when_its_indicator_asks_for_it_and_the_answer_claims_points()
    {
        IndicatorNode Leaf(ScoringMethod method, bool evidence) =>
            new() { Code = "1.1", Name = new LocalizedText("Chỉ số", "Indicator"), MaxPoints = 10, Method = method, EvidenceRequired = evidence };
        var yesNo = Leaf(new YesNoMethod(), evidence: true);
        Assert.True(Model.AnswerLacksEvidence(yesNo, new IndicatorInput(Yes: true)));
        Assert.False(Model.AnswerLacksEvidence(yesNo, new IndicatorInput(Yes: true, HasEvidence: true)));
        // A "No" or a zero declares nothing: officers must not invent evidence for what they lack.
        Assert.False(Model.AnswerLacksEvidence(yesNo, new IndicatorInput(Yes: false)));
        Assert.False(Model.AnswerLacksEvidence(Leaf(new CountMethod(2, null), evidence: true), new IndicatorInput(Number: 0)));
        Assert.True(Model.AnswerLacksEvidence(Leaf(new CountMethod(2, null), evidence: true), new IndicatorInput(Number: 3)));
        Assert.False(Model.AnswerLacksEvidence(Leaf(new RatioMethod(), evidence: false), new IndicatorInput(Number: 80)));

        Assert.True(Model.Answered(new IndicatorInput(Yes: false)));
        Assert.True(Model.Answered(new IndicatorInput(Number: 0)));
        Assert.False(Model.Answered(new IndicatorInput(Denominator: 40)));
        Assert.False(Model.Answered(new IndicatorInput()));
    }
}
