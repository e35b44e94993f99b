using Dtx.Campaign.Server.Campaigns;

namespace Dtx.Campaign.Server.Tests.Campaigns;

/// <summary>
/// Where a unit stands changes only through the participant's steps, each renewing its concurrency stamp (a page holding the
/// earlier state is then refused); saving totals changes no status and keeps the stamp. No database needed.
/// </summary>
public sealed class ParticipantStepsTests
{
    private static readonly DateTimeOffset At = new(2025, 11, 20, 3, 0, 0, TimeSpan.Zero);

    private static Participant New(ParticipantStatus status = ParticipantStatus.InProgress) =>
        new() { Id = Guid.NewGuid(), Category = "commune", Status = status };

    [Fact]
    public void Every_step_renews_the_stamp_and_moves_the_status_where_the_rules_say()
    {
        var p = New(ParticipantStatus.NotStarted);
        var stamp = p.ConcurrencyStamp;
        p.RecordTotals(applicable: 40, answered: 3, total: 12.5m, percentage: 12.5m);
        Assert.Equal((ParticipantStatus.InProgress, 3, stamp), (p.Status, p.AnsweredCount, p.ConcurrencyStamp));

        Step(p, x => x.Prepare(At, "officer@ubnd.gov.vn"), ParticipantStatus.AwaitingApproval);
        Step(p, x => x.SendBack("Bổ sung minh chứng 2.1", At, "head@ubnd.gov.vn"), ParticipantStatus.InProgress);
        Assert.Equal("Bổ sung minh chứng 2.1", p.SentBackNote);
        Step(p, x => x.Prepare(At, "officer@ubnd.gov.vn"), ParticipantStatus.AwaitingApproval);
        Assert.Null(p.SentBackNote);
        Step(p, x => x.Submit(At, "head@ubnd.gov.vn", late: true), ParticipantStatus.Submitted);
        Step(p, x => x.Withdraw(headApproval: true), ParticipantStatus.AwaitingApproval);
        Assert.Equal((null, null, true), (p.SubmittedAt, p.SubmittedBy, p.SubmittedLate));
        Step(p, x => x.Submit(At, "head@ubnd.gov.vn", late: false), ParticipantStatus.Submitted);
        Assert.True(p.SubmittedLate); // a resubmission keeps the mark
        Step(p, x => x.ReturnForClarification(At.AddDays(3)), ParticipantStatus.ReturnedForClarification);
        Assert.Equal(At.AddDays(3), p.ClarificationDueAt);

        Step(p, x => x.VerdictsGiven(), ParticipantStatus.ReturnedForClarification);
        Assert.Equal(VerificationStatus.InProgress, p.Verification);
        Step(p, x => x.Verify(At), ParticipantStatus.ReturnedForClarification);
        Assert.Equal((VerificationStatus.Verified, At), (p.Verification, p.VerifiedAt));
        Step(p, x => x.VerdictsGiven(), ParticipantStatus.ReturnedForClarification);
        Assert.Equal(VerificationStatus.Verified, p.Verification);
        Step(p, x => x.Exclude("Sáp nhập vào xã Tân Hòa"), ParticipantStatus.ReturnedForClarification);
        Assert.Equal((VerificationStatus.Excluded, "Sáp nhập vào xã Tân Hòa"), (p.Verification, p.ExclusionReason));
    }

    [Fact]
    public void Closing_when_due_and_an_extension_reopen_where_the_work_stood()
    {
        var untouched = New(ParticipantStatus.NotStarted);
        Step(untouched, x => x.CloseAsNotSubmitted(), ParticipantStatus.NotSubmitted);
        Step(untouched, x => x.Extend(At.AddDays(7), "Sáp nhập đơn vị"), ParticipantStatus.NotStarted);
        Assert.Equal((At.AddDays(7), "Sáp nhập đơn vị"), (untouched.ExtendedUntil, untouched.ExtensionReason));

        var started = New();
        started.RecordTotals(40, 5, 10, 10);
        Step(started, x => x.CloseAsNotSubmitted(), ParticipantStatus.NotSubmitted);
        Step(started, x => x.Extend(At.AddDays(7), "Sáp nhập đơn vị"), ParticipantStatus.InProgress);
    }

    private static void Step(Participant p, Action<Participant> step, ParticipantStatus expected)
    {
        var before = p.ConcurrencyStamp;
        step(p);
        Assert.Equal(expected, p.Status);
        Assert.NotEqual(before, p.ConcurrencyStamp);
    }
}
