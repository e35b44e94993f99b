namespace Dtx.Campaign.Server.SelfAssessments;

/// <summary>
/// A unit's self-assessment as its people and the council read it: applicable indicators with answers and evidence,
/// the live self-score, the deadline and what is still missing. The changes are the use cases beside it:
/// <see cref="AnswerDesk"/>, <see cref="EvidenceDesk"/>, <see cref="HeadApproval"/> and <see cref="Submission"/>.
/// </summary>
internal sealed class SelfAssessment(AssessmentWork work)
{
    public async Task<SelfAssessmentView?> GetAsync(Guid campaignId, Guid unitId, CancellationToken ct)
    {
        var scope = await work.ScopeAsync(campaignId, unitId, ct);
        return scope is null ? null : await work.ViewAsync(scope, ct);
    }
}
