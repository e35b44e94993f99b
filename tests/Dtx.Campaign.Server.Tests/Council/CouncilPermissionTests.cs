using System.Security.Claims;
using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Campaigns;
using Dtx.Campaign.Server.Council;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;

namespace Dtx.Campaign.Server.Tests.Council;

/// <summary>
/// The council's permissions against seats made in memory, through the framework's authorization service and the one
/// handler: who holds each permission, and the refusal (code, parameters, words) everyone else gets.
/// </summary>
public sealed class CouncilPermissionTests
{
    private static readonly Server.Campaigns.Campaign Campaign = new()
    {
        Id = Guid.CreateVersion7(), Year = 2025, NameVi = "Đánh giá chuyển đổi số 2025", NameEn = "Digital transformation assessment 2025",
        Schedule = new CampaignSchedule(),
    };

    private static CouncilSeat Seated(CouncilRole role, string email) =>
        new(Campaign, new CouncilMember { Id = Guid.CreateVersion7(), CampaignId = Campaign.Id, Role = role, FullName = email, Email = email }, false, false, email);

    /// <summary>One of each: the two system roles beside the council, its four roles, and someone with no business here.</summary>
    private static readonly Dictionary<string, CouncilSeat> Seats = new(StringComparer.Ordinal)
    {
        ["administrator"] = new(Campaign, null, IsAdministrator: true, IsObserver: false, "admin@test.local"),
        ["observer"] = new(Campaign, null, IsAdministrator: false, IsObserver: true, "observer@test.local"),
        ["chair"] = Seated(CouncilRole.Chair, "chair@test.local"),
        ["vice-chair"] = Seated(CouncilRole.ViceChair, "vice@test.local"),
        ["secretary"] = Seated(CouncilRole.Secretary, "secretary@test.local"),
        ["member"] = Seated(CouncilRole.Member, "member@test.local"),
        ["stranger"] = new(Campaign, null, IsAdministrator: false, IsObserver: false, "stranger@test.local"),
    };

    private static readonly string[] Insiders = ["administrator", "observer", "chair", "vice-chair", "secretary", "member"];
    private static readonly string[] OnTheCouncil = ["chair", "vice-chair", "secretary", "member"];
    private static readonly string[] Organisers = ["administrator", "chair", "vice-chair", "secretary"];

    private static IAuthorizationService Service(bool withHandler = true)
    {
        var services = new ServiceCollection().AddLogging().AddAuthorizationCore();
        if (withHandler)
            services.AddSingleton<IAuthorizationHandler, CouncilPermissionHandler>();
        return services.BuildServiceProvider().GetRequiredService<IAuthorizationService>();
    }

    // The seat is the resource; the principal is what authorization is always given (the seat was read from it).
    private static ClaimsPrincipal User(CouncilSeat seat) => new(new ClaimsIdentity([new Claim(ClaimTypes.Email, seat.Actor)], "test"));

    private static async Task<string[]> HoldersAsync(CouncilPermission permission)
    {
        var authorization = Service();
        var holders = new List<string>();
        foreach (var (name, seat) in Seats)
            if ((await authorization.AuthorizeAsync(User(seat), seat, permission)).Succeeded)
                holders.Add(name);
        return [.. holders];
    }

    private static async Task<Refusal> StrangerRefusedAsync(CouncilPermission permission, string seat = "stranger")
    {
        var result = await Service().AuthorizeAsync(User(Seats[seat]), Seats[seat], permission);
        Assert.False(result.Succeeded);
        var reason = Assert.IsType<CouncilRefusal>(Assert.Single(result.Failure!.FailureReasons));
        Assert.IsType<CouncilPermissionHandler>(reason.Handler);
        Assert.Equal(reason.Refusal.Code, reason.Message);
        Assert.Equal(RefusalKind.Forbidden, reason.Refusal.Kind);
        return reason.Refusal;
    }

    [Fact]
    public async Task What_is_not_public_yet_is_for_administrators_observers_and_the_council_each_area_refusing_in_its_words()
    {
        foreach (var (permission, code) in new[]
                 {
                     (CouncilPermission.SeeResults, "results.insiders-only"), (CouncilPermission.SeeAwards, "awards.insiders-only"),
                     (CouncilPermission.SeeCertificates, "certificates.insiders-only"),
                 })
        {
            Assert.Equal(Insiders, await HoldersAsync(permission));
            var refusal = await StrangerRefusedAsync(permission);
            Assert.Equal(code, refusal.Code);
            Assert.Empty(refusal.Reasons[0].Args);
        }
        Assert.Equal("results before publication are for administrators, observers and the council",
            (await StrangerRefusedAsync(CouncilPermission.SeeResults)).Reasons[0].Text("en"));
    }

    [Fact]
    public async Task A_members_own_work_needs_a_seat_and_the_councils_lists_a_seat_or_administration()
    {
        Assert.Equal(OnTheCouncil, await HoldersAsync(CouncilPermission.Member));
        Assert.Equal((string[])["administrator", .. OnTheCouncil], await HoldersAsync(CouncilPermission.MemberOrAdministrator));

        // Observers see results, not the council's work; both refusals name the person and the campaign.
        foreach (var (permission, seat) in new[] { (CouncilPermission.Member, "administrator"), (CouncilPermission.Member, "stranger"),
                     (CouncilPermission.MemberOrAdministrator, "observer"), (CouncilPermission.MemberOrAdministrator, "stranger") })
        {
            var refusal = await StrangerRefusedAsync(permission, seat);
            Assert.Equal("council.not-member", refusal.Code);
            Assert.Equal(Seats[seat].Actor, refusal.Reasons[0].Args["actor"]);
            Assert.Equal(2025, refusal.Reasons[0].Args["year"]);
            Assert.Equal(new Words(Campaign.NameVi, Campaign.NameEn), refusal.Reasons[0].Args["campaign"]);
        }
        var stranger = await StrangerRefusedAsync(CouncilPermission.Member);
        Assert.Equal("stranger@test.local is not a member of the Appraisal Council of campaign 2025 (Digital transformation assessment 2025)", stranger.Reasons[0].Text("en"));
        Assert.Equal("stranger@test.local không phải thành viên Hội đồng thẩm định của đợt đánh giá 2025 (Đánh giá chuyển đổi số 2025)", stranger.Reasons[0].Text("vi"));
    }

    [Fact]
    public async Task The_chair_vice_chair_secretary_and_administrators_organise_and_a_refusal_names_the_action()
    {
        foreach (var (permission, action) in new[] { (CouncilPermission.Assign, "action.assign"), (CouncilPermission.ExcludeUnit, "action.exclude-unit") })
        {
            Assert.Equal(Organisers, await HoldersAsync(permission));
            foreach (var seat in new[] { "observer", "member", "stranger" })
            {
                var refusal = await StrangerRefusedAsync(permission, seat);
                Assert.Equal("council.organisers-only", refusal.Code);
                Assert.Equal(new Label(action), refusal.Reasons[0].Args["action"]);
            }
        }
    }

    [Fact]
    public async Task The_councils_decisions_are_the_chairs_alone_and_the_award_quotas_the_administrators()
    {
        foreach (var (permission, action) in new[] { (CouncilPermission.ConfirmAwards, "action.approve-awards"), (CouncilPermission.RevokeCertificate, "action.revoke-certificate") })
        {
            Assert.Equal((string[])["chair"], await HoldersAsync(permission));
            foreach (var seat in new[] { "administrator", "vice-chair", "secretary", "stranger" })
            {
                var refusal = await StrangerRefusedAsync(permission, seat);
                Assert.Equal("council.chair-only", refusal.Code);
                Assert.Equal(new Label(action), refusal.Reasons[0].Args["action"]);
            }
        }

        Assert.Equal((string[])["administrator"], await HoldersAsync(CouncilPermission.SetAwardQuotas));
        foreach (var seat in new[] { "chair", "observer", "stranger" })
            Assert.Equal("awards.admins-set-quotas", (await StrangerRefusedAsync(CouncilPermission.SetAwardQuotas, seat)).Code);
        Assert.Equal("only administrators set the award quotas", (await StrangerRefusedAsync(CouncilPermission.SetAwardQuotas)).Reasons[0].Text("en"));
    }

    [Fact]
    public async Task Endpoints_and_pages_get_the_refusal_to_answer_with_or_nothing_when_granted()
    {
        var chair = Seats["chair"];
        Assert.Null(await Service().CouncilRefusalAsync(User(chair), chair, CouncilPermission.ConfirmAwards));
        var secretary = Seats["secretary"];
        Assert.Equal("council.chair-only", (await Service().CouncilRefusalAsync(User(secretary), secretary, CouncilPermission.ConfirmAwards))?.Code);

        // Without the handler nothing grants or refuses with a reason: a defect to see, not a refusal to word.
        await Assert.ThrowsAsync<InvalidOperationException>(() => Service(withHandler: false).CouncilRefusalAsync(User(chair), chair, CouncilPermission.ConfirmAwards));
    }

    [Fact]
    public void A_use_case_reached_without_a_seat_says_which_permission_was_missing()
    {
        Assert.Equal(CouncilRole.Member, Seats["member"].SeatedMember.Role);
        var missing = Assert.Throws<InvalidOperationException>(() => Seats["administrator"].SeatedMember);
        Assert.Contains("CouncilPermission.Member", missing.Message, StringComparison.Ordinal);
    }
}
