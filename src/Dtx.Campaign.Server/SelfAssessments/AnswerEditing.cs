using Dtx.Campaign.Scoring.IndexSets;
using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Scoring.Scoring;
using Dtx.Campaign.Server.Audit;

namespace Dtx.Campaign.Server.SelfAssessments;

/// <summary>
/// A unit's answer changes applied to what it has entered, without storage: the checks of each value, the version rule, the
/// score of each answer, the unit's totals and the audit events. The use case reads, calls this, and writes what it returns.
/// </summary>
internal static class AnswerEditing
{
    public sealed record CheckedChange(string Code, AnswerInput Input, IndicatorNode Node, IndicatorInput Value);

    /// <summary>The saved answers' views, the answers to add (the changed ones are changed in place) and what the trail records.</summary>
    public sealed record Outcome(IReadOnlyList<AnswerView> Saved, IReadOnlyList<Answer> Added, IReadOnlyList<AuditEvent> Events);

    /// <summary>An answer refused before anything is read or written: an indicator not in the unit's set, a value its method cannot take.</summary>
    public static CheckedChange Check(AssessmentScope scope, AnswerChange change)
    {
        var (code, input) = change;
        var node = AssessmentWork.EnsureIndicator(scope, code);
        var value = new IndicatorInput(input.Yes, input.Numerator, input.Denominator, input.Number);
        var problems = ScoringEngine.ValidateInput(node, value);
        if (problems.Count > 0)
            throw Refusal.Invalid([.. problems.Select(p => p with { Field = $"answers.{code}" })]);
        if (input.Explanation?.Length > 4000)
            throw Refusal.Invalid($"answers.{code}.explanation", "field.too-long", ("max", 4000));
        return new CheckedChange(code, input, node, value);
    }

    /// <summary>
    /// Applies the changes to the unit's entries (a new answer joins <see cref="AssessmentWork.Entries.Answers"/>) and recounts
    /// its totals. The same content again (a retry, an autosave after a save) is accepted as it stands; a change of a version
    /// other than the stored one is refused with the stored answer, so that a client can show it and apply its change again.
    /// </summary>
    public static Outcome Apply(AssessmentScope scope, AssessmentWork.Entries entries, IReadOnlyList<AnswerChange> changes, string? user, DateTimeOffset now)
    {
        var checkedChanges = changes.Select(change => Check(scope, change)).ToList();
        scope.EnsureEditable(now);
        List<AnswerView> saved = [];
        List<Answer> added = [];
        List<AuditEvent> events = [];
        foreach (var (code, input, node, value) in checkedChanges)
        {
            var answer = entries.Answers.FirstOrDefault(a => a.IndicatorCode == code);
            if (answer is not null && answer.Yes == input.Yes && answer.Numerator == input.Numerator && answer.Denominator == input.Denominator
                && answer.Number == input.Number && answer.Explanation == input.Explanation)
            {
                saved.Add(AssessmentWork.ToView(answer));
                continue;
            }
            if ((answer?.Version ?? 0) != input.Version)
            {
                var current = answer is null ? new AnswerView(code, null, null, null, null, null, 0, null, 0, default, null) : AssessmentWork.ToView(answer);
                throw new Refusal(RefusalKind.Conflict, [Reason.Of("self-assessment.version-conflict", ("code", code), ("by", current.UpdatedBy), ("at", current.UpdatedAt.ToString("u")))],
                    new Dictionary<string, object?> { ["reason"] = "version-conflict", ["current"] = current });
            }

            var before = answer is null ? null : AssessmentWork.ToView(answer);
            if (answer is null)
            {
                answer = new Answer { Id = Guid.CreateVersion7(), ParticipantId = scope.Participant.Id, IndicatorCode = code };
                added.Add(answer);
                entries.Answers.Add(answer);
            }
            answer.Yes = input.Yes;
            answer.Numerator = input.Numerator;
            answer.Denominator = input.Denominator;
            answer.Number = input.Number;
            answer.Explanation = input.Explanation;
            answer.Version++;
            answer.UpdatedAt = now;
            answer.UpdatedBy = user;
            (answer.SelfScore, answer.ShortfallReason) = ScoringEngine.ScoreLeaf(node, value with { HasEvidence = entries.WithEvidence.Contains(code) });
            saved.Add(AssessmentWork.ToView(answer));
            events.Add(new AuditEvent("self-assessment.answer-saved", "answer", answer.Id.ToString(), before, saved[^1],
                Detail: code, CampaignId: scope.Campaign.Id, UnitId: scope.Unit.Id));
        }
        if (events.Count > 0)
            AssessmentWork.ApplyTotals(scope, entries);
        return new Outcome(saved, added, events);
    }
}
