using System.Globalization;
using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Awards;
using Dtx.Campaign.Server.Campaigns;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Disputes;
using Dtx.Campaign.Server.Verification;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Workflow;

/// <summary>What the chair's approval of a stage requires, checked before the approval is applied and shown before it is asked.</summary>
public sealed record GateCheck(string Stage, bool Ready, string Summary, IReadOnlyList<string> Blocking);

/// <summary>The gates of the stages the chair approves. The summary and each blocking item are written in the reader's language (the request's).</summary>
internal sealed class StageGates(CampaignDbContext db, TimeProvider clock)
{
    public async Task<GateCheck> CheckAsync(Campaigns.Campaign campaign, string stage, CancellationToken ct)
    {
        var language = Refusal.LanguageOf(CultureInfo.CurrentUICulture);
        string Say(string code, params (string, object?)[] args) => Reason.Of(code, args).Text(language);
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
                        && ReviewWork.NeedsVerification(x.p, campaign))
                    .OrderBy(x => x.Code, StringComparer.Ordinal)
                    .Select(x => Say(x.p.AwaitsClarification(now) ? "gate.answering-clarification"
                        : x.p.Verification == VerificationStatus.InProgress ? "gate.verification-in-progress" : "gate.not-verified", ("unit", x.Code)))
                    .ToList();
                var done = participants.Count - open.Count;
                return new GateCheck(stage, open.Count == 0, Say("gate.units-verified", ("done", done), ("total", participants.Count)), open);
            }
            case "dispute-resolution":
            {
                var open = await (from d in db.Set<Dispute>().AsNoTracking()
                                  join p in db.Participants.AsNoTracking() on d.ParticipantId equals p.Id
                                  join u in db.Units.AsNoTracking() on p.UnitId equals u.Id
                                  where d.CampaignId == campaign.Id && d.Status == DisputeStatus.Open
                                  select new { u.Code, d.IndicatorCode }).ToListAsync(ct);
                var total = await db.Set<Dispute>().CountAsync(d => d.CampaignId == campaign.Id, ct);
                return new GateCheck(stage, open.Count == 0, Say("gate.disputes-resolved", ("done", total - open.Count), ("total", total)),
                    open.OrderBy(o => o.Code, StringComparer.Ordinal).ThenBy(o => o.IndicatorCode, StringComparer.Ordinal)
                        .Select(o => Say("gate.open-dispute", ("unit", o.Code), ("indicator", o.IndicatorCode))).ToList());
            }
            case "publication-and-awards":
            {
                var quotas = await db.Set<AwardQuota>().AnyAsync(q => q.CampaignId == campaign.Id, ct);
                var awards = await db.Set<Award>().CountAsync(a => a.CampaignId == campaign.Id, ct);
                var ready = !quotas || awards > 0;
                return new GateCheck(stage, ready, ready ? Say("gate.awards-confirmed", ("count", awards)) : Say("gate.awards-not-confirmed"),
                    ready ? [] : [Say("gate.awards-not-confirmed")]);
            }
            default:
                return new GateCheck(stage, true, "", []);
        }
    }
}
