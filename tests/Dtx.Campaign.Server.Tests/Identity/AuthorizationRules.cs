namespace Dtx.Campaign.Server.Tests.Identity;

/// <summary>The callers the authorization matrix signs in as.</summary>
[Flags]
public enum Caller
{
    Anonymous = 1,
    SystemAdmin = 2,
    CampaignAdmin = 4,
    Observer = 8,
    /// <summary>Focal officer of the unit named in the route.</summary>
    OfficerOwn = 16,
    /// <summary>Focal officer of another unit of the same campaign: guessing the route's unit id.</summary>
    OfficerOther = 32,
    /// <summary>Head of the unit named in the route.</summary>
    HeadOwn = 64,
}

/// <summary>
/// Who may call each endpoint: one line per endpoint, "METHOD /route pattern" exactly as routed.
/// A new endpoint fails <see cref="AuthorizationMatrixTests"/> until it has a line here.
/// Council roles (member, secretary, chair) are per campaign; their callers join <see cref="Caller"/> when the
/// council's permissions land, and each line then says whether they may call it.
/// </summary>
public static class AuthorizationRules
{
    /// <summary>Declared public (<c>AllowAnonymous</c>): anyone, signed in or not.</summary>
    public const Caller Public = (Caller)127;
    public const Caller Admins = Caller.SystemAdmin | Caller.CampaignAdmin;
    /// <summary>Anyone signed in; what they then see is the endpoint's own business (their own tokens, their campaigns).</summary>
    public const Caller Signed = Admins | Caller.Observer | Caller.OfficerOwn | Caller.OfficerOther | Caller.HeadOwn;
    /// <summary>The unit's own people and administrators.</summary>
    public const Caller Unit = Admins | Caller.OfficerOwn | Caller.HeadOwn;
    /// <summary>Inside views before publication: administrators, observers (and the council).</summary>
    public const Caller Readers = Admins | Caller.Observer;
    /// <summary>Only the council (or its chair) acts; none of the callers above. Council callers are to come.</summary>
    public const Caller CouncilOnly = 0;

    /// <summary>
    /// Endpoints that check their input before their caller, so a refused caller with a bad body gets 400
    /// (never data). Each line is a defect to fix in its feature; the matrix accepts 400 for these only.
    /// </summary>
    public static readonly IReadOnlySet<string> ValidatesBeforeRefusing = new HashSet<string>(StringComparer.Ordinal)
    {
    };

    public static readonly IReadOnlyDictionary<string, Caller> Rules = new Dictionary<string, Caller>(StringComparer.Ordinal)
    {
        // Signing in, links and infrastructure
        ["POST /api/auth/login"] = Public,                    // signing in
        ["POST /api/auth/login/two-factor"] = Public,         // its second step (needs the short-lived cookie of the first)
        ["POST /api/auth/password-reset"] = Public,           // a forgotten password; the same answer for every address
        ["POST /api/auth/set-password"] = Public,             // the one-time link of an invitation or reset; the token is the secret
        ["GET /calendar/{token}.ics"] = Public,               // calendar apps cannot sign in; the token is the secret
        ["GET /healthz"] = Public,                            // load balancers
        ["GET /openapi/{documentName}.json"] = Public,        // the API's description, no data
        ["GET /api/auth/me"] = Signed,
        ["GET /api/inbox/"] = Signed,                          // each their own: scoped by the caller's address
        ["GET /api/inbox/{id:guid}"] = Signed,
        ["POST /api/inbox/read-all"] = Signed,
        ["POST /api/auth/logout"] = Signed,
        ["GET /api/auth/two-factor/"] = Signed,
        ["POST /api/auth/two-factor/enrol"] = Signed,
        ["POST /api/auth/two-factor/confirm"] = Signed,
        ["POST /api/auth/two-factor/recovery-codes"] = Signed,
        ["POST /api/auth/two-factor/disable"] = Signed,
        ["POST /api/tokens/"] = Signed,
        ["GET /api/tokens/"] = Signed,
        ["DELETE /api/tokens/{id:guid}"] = Signed,
        ["POST /api/units/{unitId:guid}/invitations"] = Admins,
        ["GET /api/accounts/"] = Caller.SystemAdmin,
        ["PUT /api/accounts/"] = Caller.SystemAdmin,
        ["POST /api/campaigns/{campaignId:guid}/invitations"] = Admins,
        // Published results are for everyone; each answers 404 until they are published.
        ["GET /api/public/results/"] = Public,
        ["GET /api/public/results/{campaignId:guid}"] = Public,
        ["GET /api/public/results/{campaignId:guid}/units/{unitCode}"] = Public,
        ["GET /api/public/results/{campaignId:guid}/export.csv"] = Public,
        ["GET /api/public/results/{campaignId:guid}/export.xlsx"] = Public,
        ["GET /api/public/results/{campaignId:guid}/awards"] = Public,
        ["GET /api/public/certificates/{serial}"] = Public,   // anyone checks a certificate (rate-limited; a wrong code tells nothing)
        // Index sets, units, members
        ["GET /api/index-sets/"] = Signed,
        ["GET /api/index-sets/{id:guid}"] = Signed,
        ["POST /api/index-sets/"] = Admins,
        ["POST /api/index-sets/validate"] = Admins,
        ["POST /api/index-sets/{id:guid}/publish"] = Admins,
        ["POST /api/index-sets/{id:guid}/versions"] = Admins,
        ["GET /api/units/"] = Signed,
        ["GET /api/units/{id:guid}"] = Signed,
        ["POST /api/units/import"] = Admins,
        ["GET /api/units/{unitId:guid}/members/"] = Admins,
        ["POST /api/units/{unitId:guid}/members/"] = Admins,
        // Campaigns
        ["GET /api/campaigns/"] = Signed,
        ["GET /api/campaigns/{id:guid}"] = Signed,
        ["GET /api/campaigns/{id:guid}/progress"] = Admins,
        ["POST /api/campaigns/"] = Admins,
        ["POST /api/campaigns/{id:guid}/copy"] = Admins,
        ["PUT /api/campaigns/{id:guid}/schedule"] = Admins,
        ["POST /api/campaigns/{id:guid}/launch"] = Admins,
        ["POST /api/campaigns/{id:guid}/units/{unitId:guid}/extension"] = Admins,
        ["POST /api/campaigns/{id:guid}/extensions"] = Admins,                  // several units at once, all or none
        ["POST /api/campaigns/{id:guid}/reminders"] = Admins,
        ["GET /api/campaigns/{campaignId:guid}/targets/"] = Signed,
        ["PUT /api/campaigns/{campaignId:guid}/targets/{code}"] = Admins,
        // Self-assessment: the unit's own people
        ["GET /api/campaigns/{campaignId:guid}/units/{unitId:guid}/self-assessment/"] = Unit,
        ["PUT /api/campaigns/{campaignId:guid}/units/{unitId:guid}/self-assessment/answers/{code}"] = Unit,
        ["POST /api/campaigns/{campaignId:guid}/units/{unitId:guid}/self-assessment/evidence/files"] = Unit,
        ["POST /api/campaigns/{campaignId:guid}/units/{unitId:guid}/self-assessment/evidence/references"] = Unit,
        ["GET /api/campaigns/{campaignId:guid}/units/{unitId:guid}/self-assessment/evidence/{evidenceId:guid}/content"] = Unit,
        ["PUT /api/campaigns/{campaignId:guid}/units/{unitId:guid}/self-assessment/bonus/{ruleKey}"] = Unit,
        ["POST /api/campaigns/{campaignId:guid}/units/{unitId:guid}/self-assessment/prefill"] = Unit,
        ["POST /api/campaigns/{campaignId:guid}/units/{unitId:guid}/self-assessment/clarification"] = Unit,
        ["POST /api/campaigns/{campaignId:guid}/units/{unitId:guid}/self-assessment/submit"] = Unit,
        ["POST /api/campaigns/{campaignId:guid}/units/{unitId:guid}/self-assessment/prepare"] = Unit,
        ["POST /api/campaigns/{campaignId:guid}/units/{unitId:guid}/self-assessment/withdraw"] = Unit,
        ["POST /api/campaigns/{campaignId:guid}/units/{unitId:guid}/self-assessment/send-back"] = Admins | Caller.HeadOwn,   // the unit's head approves
        ["GET /api/campaigns/{campaignId:guid}/units/{unitId:guid}/disputes/"] = Unit,
        ["POST /api/campaigns/{campaignId:guid}/units/{unitId:guid}/disputes/"] = Unit,
        ["GET /api/campaigns/{campaignId:guid}/units/{unitId:guid}/results"] = Unit,
        // The council's work (administrators here; council callers to come)
        ["GET /api/campaigns/{campaignId:guid}/disputes/"] = Admins,
        ["POST /api/campaigns/{campaignId:guid}/disputes/{disputeId:guid}/resolution"] = CouncilOnly,
        ["GET /api/campaigns/{campaignId:guid}/verification/"] = Admins,
        ["POST /api/campaigns/{campaignId:guid}/verification/assignments"] = Admins,
        ["GET /api/campaigns/{campaignId:guid}/verification/units/{unitId:guid}"] = Admins,
        ["PUT /api/campaigns/{campaignId:guid}/verification/units/{unitId:guid}/indicators/{code}"] = CouncilOnly,
        ["POST /api/campaigns/{campaignId:guid}/verification/units/{unitId:guid}/accept-self-scores"] = CouncilOnly,
        ["POST /api/campaigns/{campaignId:guid}/verification/groups/{groupCode}/accept-self-scores"] = CouncilOnly,
        ["GET /api/campaigns/{campaignId:guid}/verification/fields"] = Admins,
        ["POST /api/campaigns/{campaignId:guid}/verification/fields"] = Admins,
        ["POST /api/campaigns/{campaignId:guid}/verification/fields/from-index-sets"] = Admins,
        ["GET /api/campaigns/{campaignId:guid}/verification/fields/{groupCode}"] = CouncilOnly,
        ["POST /api/campaigns/{campaignId:guid}/verification/units/{unitId:guid}/complete"] = CouncilOnly,
        ["POST /api/campaigns/{campaignId:guid}/verification/units/{unitId:guid}/exclude"] = Admins,
        // A member's own review: administrators hold no seat (council.not-member).
        ["POST /api/campaigns/{campaignId:guid}/verification/units/{unitId:guid}/clarification"] = CouncilOnly,
        ["GET /api/campaigns/{campaignId:guid}/verification/units/{unitId:guid}/evidence/{evidenceId:guid}/content"] = Admins,
        ["GET /api/campaigns/{campaignId:guid}/results/{kind}/"] = Readers,
        ["GET /api/campaigns/{campaignId:guid}/results/{kind}/export.csv"] = Readers,
        ["GET /api/campaigns/{campaignId:guid}/results/{kind}/export.xlsx"] = Readers,
        ["POST /api/campaigns/{campaignId:guid}/results/{kind}/recompute"] = Admins,
        ["GET /api/campaigns/{campaignId:guid}/awards/"] = Readers,
        ["PUT /api/campaigns/{campaignId:guid}/awards/quotas"] = Admins,
        ["GET /api/campaigns/{campaignId:guid}/awards/proposal"] = Readers,
        ["POST /api/campaigns/{campaignId:guid}/awards/confirmation"] = CouncilOnly,
        ["GET /api/campaigns/{campaignId:guid}/certificates/"] = Readers,
        ["GET /api/campaigns/{campaignId:guid}/certificates/all.pdf"] = Readers,
        ["GET /api/campaigns/{campaignId:guid}/certificates/{serial}.pdf"] = Readers,
        ["POST /api/campaigns/{campaignId:guid}/certificates/{serial}/revocation"] = CouncilOnly,
        // Workflow
        ["GET /api/campaigns/{id:guid}/workflow/"] = Signed,
        ["GET /api/campaigns/{id:guid}/workflow/graph"] = Signed,
        ["POST /api/campaigns/{id:guid}/workflow/approvals"] = Signed,
        ["GET /api/campaigns/{id:guid}/workflow/gates/{stage}"] = Signed,
        ["GET /api/campaigns/{id:guid}/workflow/approval-records"] = Admins,    // and the campaign's council
        ["GET /api/campaigns/{id:guid}/workflow/approval-records/{stage}/snapshot"] = Admins,
        ["POST /api/campaigns/{id:guid}/workflow/version"] = Admins,
        ["GET /api/workflows"] = Admins,
        // Notices, templates, documents, audit
        ["GET /api/authorities/{code}/letterhead"] = Admins,
        ["PUT /api/authorities/{code}/letterhead"] = Admins,
        ["GET /api/templates"] = Admins,
        ["GET /api/templates/{**name}"] = Admins,
        ["PUT /api/templates/{**name}"] = Admins,
        ["POST /api/template-previews"] = Admins,
        ["GET /api/documents"] = Admins,
        ["GET /api/documents/{id:guid}/{format}"] = Signed,
        ["GET /api/audit/"] = Admins,
        ["GET /api/audit/export.csv"] = Admins,
        ["GET /api/audit/verify"] = Admins,
        // Web pages: a refused caller is sent to the login page (anonymous) or the "access denied" page (403)
        ["GET /"] = Public,                                   // the public home (published results); signed-in people are sent to their work
        ["GET /Index"] = Public,
        ["GET /Account/Login"] = Public,
        ["GET /Account/Logout"] = Public,
        ["GET /Account/Language"] = Public,
        ["GET /Account/Denied"] = Public,
        ["GET /account/two-factor"] = Public,                 // the second step of a sign-in (its short-lived cookie)
        ["GET /account/enrol"] = Public,                      // sends anyone not signed in to the login page
        ["GET /account/forgot-password"] = Public,
        ["GET /account/set-password"] = Public,               // the one-time link; the token is the secret
        ["GET /Admin"] = Admins,
        ["GET /Admin/Index"] = Admins,
        ["GET /Admin/Imports"] = Admins,
        ["GET /Admin/NewCampaign"] = Admins,
        ["GET /Admin/Templates"] = Admins,
        ["GET /Admin/Letterheads"] = Admins,                  // who signs each authority's documents
        ["GET /Admin/Campaign/{id:guid}"] = Admins,
        ["GET /Admin/Workflow/{id:guid}"] = Admins,          // stages, journal, timers, incident with retry/skip
        ["GET /admin/campaign/{id:guid}/mail"] = Admins,      // the campaign's mail log (recipients, delivery, resend)
        ["GET /Unit"] = Signed,                               // "my tasks": each person sees the units they belong to
        ["GET /Unit/Index"] = Signed,
        ["GET /Unit/Assessment/{campaignId:guid}/{unitId:guid}"] = Unit,
        ["GET /unit/results/{campaignId:guid}/{unitId:guid}"] = Unit,
        ["GET /Council"] = Signed,                            // the campaigns whose council the reader sits on (none: an empty list)
        ["GET /Council/Index"] = Signed,
        ["GET /Inbox/{id:guid?}"] = Signed,                   // each their own messages, by their address
        ["GET /Inbox/Index/{id:guid?}"] = Signed,
        ["GET /council/{campaignId:guid}"] = Admins,          // and the campaign's council, by seat (council callers to come)
        ["GET /council/{campaignId:guid}/units/{unitId:guid}"] = Admins,
        ["GET /council/{campaignId:guid}/disputes"] = Admins,
        ["GET /council/{campaignId:guid}/awards"] = Admins,
        ["GET /council/{campaignId:guid}/fields/{groupCode}"] = CouncilOnly, // a member's own field: administrators are not members
        ["GET /Public"] = Public,                             // published results: 404 until the final results are published
        ["GET /Public/Index"] = Public,
        ["GET /Public/Results/{campaignId:guid}"] = Public,
        ["GET /public/results/{campaignId:guid}/units/{unitCode}"] = Public,
        ["GET /Public/Certificates"] = Public,                // the certificate check, rate-limited as its API
    };
}
