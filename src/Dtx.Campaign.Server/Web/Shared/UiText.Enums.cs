using Dtx.Campaign.Server.Awards;
using Dtx.Campaign.Server.Campaigns;
using Dtx.Campaign.Server.Disputes;
using Dtx.Campaign.Server.Hosting;
using Dtx.Campaign.Server.IndexSets;
using Dtx.Campaign.Server.Verification;

namespace Dtx.Campaign.Server.Web;

/// <summary>
/// The words for the enums the pages show, keyed by each member's API name (<see cref="ApiNames"/>: "status.in-progress"),
/// so that a page passes the enum and never builds a key by hand.
/// </summary>
internal sealed partial class UiText
{
    public string Status(ParticipantStatus status) => Status(ApiNames.Of(status));

    public string Status(CampaignStatus status) => Status(ApiNames.Of(status));

    public string Status(IndexSetStatus status) => Status(ApiNames.Of(status));

    public string Status(DisputeStatus status) => Status("dispute-" + ApiNames.Of(status));

    public string Status(ScoreStage stage) => Status("score-" + ApiNames.Of(stage));

    /// <summary>
    /// A council seat's role. Keyed by the lower-cased name ("council-vicechair", not the API's "vice-chair"): the verification
    /// progress carries the role as that text (<see cref="MemberProgressView"/>), and its page looks the same key up.
    /// </summary>
    public string Status(CouncilRole role) => Status("council-" + role.ToString().ToLowerInvariant());

    public string Award(AwardClass award) => this["award." + ApiNames.Of(award)];
}
