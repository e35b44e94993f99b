using Dtx.Campaign.Workflows.Definitions;

namespace Dtx.Campaign.Server.Workflow;

/// <summary>
/// The campaign's words a workflow definition may use: the activities this server registers (with the
/// parameters each accepts), its notice templates, audiences, roles, schedule dates, events and guards.
/// The runtime knows none of them. This file depends on the runtime only, so the runtime's tests link it
/// to check the shipped definitions against the same vocabulary.
/// </summary>
internal static class CampaignVocabulary
{
    private static HashSet<string> Set(params string[] items) => new(items, StringComparer.Ordinal);

    public static WorkflowCatalog Catalog { get; } = new(
        new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal)
        {
            ["send-notice"] = Set("template", "audience"),
            ["send-reminder"] = Set("template", "audience", "round"),
            ["publish-index"] = Set(),
            ["open-self-assessment"] = Set(),
            ["close-self-assessment"] = Set(),
            ["open-disputes"] = Set(),
            ["close-disputes"] = Set(),
            ["compute-results"] = Set("kind"),
            ["publish-results"] = Set("kind"),
            ["generate-certificates"] = Set(),
            ["archive-campaign"] = Set(),
        },
        Set(
            // The notice templates of the Documents service.
            "index-publication", "self-assessment-opening", "deadline-reminder", "deadline-closed",
            "clarification-request", "preliminary-results", "dispute-outcome", "final-results", "award-decision",
            // Informational notices the shipped definitions also send.
            "verification-started", "dispute-window-opened", "disputes-closed", "submission-verified", "campaign-archived",
            // Reminders of the council's and the dispute deadline (v4).
            "verification-closing", "disputes-closing"),
        Set("all-units", "units-not-submitted", "council-members", "council-chair", "campaign-admins", "the-unit", "public"),
        Set("council-chair", "council-secretary", "council-member", "campaign-admin", "unit-focal-officer", "system-admin"),
        Set(
            "indexPublication.at", "selfAssessment.opensAt", "selfAssessment.closesAt", "selfAssessment.graceEndsAt", "verification.endsAt",
            "preliminaryResults.at", "disputes.opensAt", "disputes.closesAt", "finalPublication.at", "selfAssessment.lastCallAt",
            "verification.lastCallAt", "disputes.lastCallAt"),
        // The events the server raises: launch, and the submission that leaves no unit open. A definition may wait
        // for nothing else, since nothing else would ever come.
        Set("campaign-launched", "all-units-submitted"),
        Set("early-close-enabled"));
}
