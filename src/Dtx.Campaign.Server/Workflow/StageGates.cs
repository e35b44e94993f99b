using Dtx.Campaign.Server.Awards;
using Dtx.Campaign.Server.Campaigns;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Disputes;
using Dtx.Campaign.Server.Verification;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Workflow;

/// <summary>What the chair's approval of a stage requires, checked before the approval is applied and shown before it is asked.</summary>
public sealed record GateCheck(string Stage, bool Ready, string Summary, IReadOnlyList<string> Blocking);

internal sealed class StageGates(CampaignDbContext db, TimeProvider clock)
{
    public async Task<GateCheck> CheckAsync(Campaigns.Campaign campaign, string stage, CancellationToken ct)
    {
        switch (stage)
        {
            case "council-verification":
            {
                var participants = await (from p in db.Participants.AsNoTracking()
                                          join u in db.Units.AsNoTracking() on p.UnitId equals u.Id
                                          where p.CampaignId == campaign.Id
                                          select new { p, u.Code }).ToListAsync(ct);
                var now = clock.GetUtcNow();
                var open = participants.Where(x => x.p.Verification is not (VerificationStatus.Verified or VerificationStatus.Excluded)
                        && CouncilVerification.NeedsVerification(x.p, campaign))
                    .Select(x => x.p.AwaitsClarification(now)
                        ? $"{x.Code}: answering a clarification request" : $"{x.Code}: {(x.p.Verification == VerificationStatus.InProgress ? "verification in progress" : "not verified")}")
                    .Order(StringComparer.Ordinal).ToList();
                var done = participants.Count - open.Count;
                return new GateCheck(stage, open.Count == 0, $"{done}/{participants.Count} đơn vị đã thẩm định / units verified", open);
            }
            case "dispute-resolution":
            {
                var open = await (from d in db.Set<Dispute>().AsNoTracking()
                                  join p in db.Participants.AsNoTracking() on d.ParticipantId equals p.Id
                                  join u in db.Units.AsNoTracking() on p.UnitId equals u.Id
                                  where d.CampaignId == campaign.Id && d.Status == DisputeStatus.Open
                                  select u.Code + " " + d.IndicatorCode).ToListAsync(ct);
                var total = await db.Set<Dispute>().CountAsync(d => d.CampaignId == campaign.Id, ct);
                return new GateCheck(stage, open.Count == 0, $"{total - open.Count}/{total} kiến nghị đã giải quyết / disputes resolved",
                    open.Select(o => $"{o}: open dispute").Order(StringComparer.Ordinal).ToList());
            }
            case "publication-and-awards":
            {
                var quotas = await db.Set<AwardQuota>().AnyAsync(q => q.CampaignId == campaign.Id, ct);
                var awards = await db.Set<Award>().CountAsync(a => a.CampaignId == campaign.Id, ct);
                var ready = !quotas || awards > 0;
                return new GateCheck(stage, ready, ready ? $"{awards} khen thưởng đã xác nhận / awards confirmed" : "Chưa xác nhận khen thưởng / awards not confirmed",
                    ready ? [] : ["the chair has not confirmed the emulation awards"]);
            }
            default:
                return new GateCheck(stage, true, "", []);
        }
    }
}
