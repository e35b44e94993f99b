using System.Net;
using System.Net.Http.Json;
using Dtx.Campaign.Server.Tests.Infrastructure;

namespace Dtx.Campaign.Server.Tests.Identity;

public abstract class UnitAccessTests(CampaignApp app)
{
    [Fact]
    public async Task A_focal_officer_works_on_their_own_unit_only_and_cannot_administer()
    {
        var admin = await app.LoginAsAdminAsync();
        await app.ImportHanoiUnitsAsync(admin);
        var set = await TestIndexSets.UploadAsync(admin, TestIndexSets.Small($"ua-{Guid.NewGuid():N}"[..16], "commune"));
        var campaign = await TestCampaigns.CreateAsync(admin, new() { ["commune"] = set });
        var units = await TestCampaigns.UnitsAsync(admin, campaign);
        var (own, other) = (units["P-BA-DINH"], units["P-CAU-GIAY"]);

        await app.CreateUserAsync("daumoi.badinh@demo.hanoi.invalid", "Officer-Password-1");
        var grant = await admin.PostAsJsonAsync($"/api/units/{own}/members", new { email = "daumoi.badinh@demo.hanoi.invalid", role = "focal-officer" });
        Assert.Equal(HttpStatusCode.OK, grant.StatusCode);
        var unknown = await admin.PostAsJsonAsync($"/api/units/{own}/members", new { email = "nobody@demo.hanoi.invalid", role = "head" });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);

        app.Clock.SetUtcNow(new DateTimeOffset(2025, 11, 3, 2, 0, 0, TimeSpan.Zero));
        var officer = await app.LoginAsync("daumoi.badinh@demo.hanoi.invalid", "Officer-Password-1");
        var mine = $"/api/campaigns/{campaign}/units/{own}/self-assessment";
        var theirs = $"/api/campaigns/{campaign}/units/{other}/self-assessment";

        Assert.Equal(HttpStatusCode.OK, (await officer.GetAsync(mine)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await officer.PutAsJsonAsync($"{mine}/answers/1.3", new { number = 2, version = 0 })).StatusCode);

        // Another unit's data, by guessing its id: refused before anything is read.
        Assert.Equal(HttpStatusCode.Forbidden, (await officer.GetAsync(theirs)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await officer.PutAsJsonAsync($"{theirs}/answers/1.3", new { number = 4, version = 0 })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await officer.GetAsync($"{theirs}/evidence/{Guid.NewGuid()}/content")).StatusCode);

        // Administration is not theirs.
        Assert.Equal(HttpStatusCode.Forbidden, (await officer.PostAsync($"/api/campaigns/{campaign}/launch", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await officer.GetAsync($"/api/campaigns/{campaign}/progress")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await officer.GetAsync("/api/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateClient().GetAsync(mine)).StatusCode);
    }
}

public sealed class UnitAccessTests_Postgres(PostgresApp app) : UnitAccessTests(app), IClassFixture<PostgresApp>;

public sealed class UnitAccessTests_Sqlite(SqliteApp app) : UnitAccessTests(app), IClassFixture<SqliteApp>;
