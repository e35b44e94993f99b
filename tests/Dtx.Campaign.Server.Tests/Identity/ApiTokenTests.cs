using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Dtx.Campaign.Server.Tests.Infrastructure;

namespace Dtx.Campaign.Server.Tests.Identity;

public abstract class ApiTokenTests(CampaignApp app)
{
    private HttpClient Bearer(string token)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private static async Task<(Guid Id, string Token)> CreateAsync(HttpClient owner, object request)
    {
        var response = await owner.PostAsJsonAsync("/api/tokens", request);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("id").GetGuid(), body.GetProperty("token").GetString()!);
    }

    [Fact]
    public async Task Tokens_work_within_their_scope_until_revoked_or_expired()
    {
        var admin = await app.LoginAsAdminAsync();
        await app.ImportHanoiUnitsAsync(admin);
        var set = await TestIndexSets.UploadAsync(admin, TestIndexSets.Small($"tk-{Guid.NewGuid():N}"[..16], "commune"));
        var campaign = await TestCampaigns.CreateAsync(admin, new() { ["commune"] = set });
        var units = await TestCampaigns.UnitsAsync(admin, campaign);
        var (own, other) = (units["P-BA-DINH"], units["P-CAU-GIAY"]);

        // Read-only: reads, never writes.
        var (readId, read) = await CreateAsync(admin, new { name = "báo cáo / reporting", scope = "read-only", expiresInDays = 30 });
        Assert.StartsWith("dtx_", read, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await Bearer(read).GetAsync($"/api/campaigns/{campaign}/progress")).StatusCode);
        var write = await Bearer(read).PostAsync($"/api/campaigns/{campaign}/launch", null);
        Assert.Equal(HttpStatusCode.Forbidden, write.StatusCode);
        // Said like every refusal: its code, in Vietnamese by default.
        var refused = System.Text.Json.JsonDocument.Parse(await write.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("access.token-read-only", refused.GetProperty("code").GetString());
        Assert.Equal("token API này chỉ được đọc (GET), không được thay đổi dữ liệu", refused.GetProperty("detail").GetString());

        // Admin: what its owner may do, but not make more tokens or manage two-factor (a session only).
        var (_, adminToken) = await CreateAsync(admin, new { name = "đồng bộ / sync", scope = "admin", expiresInDays = 1 });
        Assert.Equal(HttpStatusCode.OK, (await Bearer(adminToken).GetAsync("/api/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Bearer(adminToken).PostAsJsonAsync("/api/tokens", new { name = "x", scope = "admin" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Bearer(adminToken).GetAsync("/api/auth/two-factor")).StatusCode);

        // The list shows them, never their text.
        var list = await admin.GetStringAsync("/api/tokens");
        Assert.Contains(readId.ToString(), list, StringComparison.Ordinal);
        Assert.DoesNotContain(read, list, StringComparison.Ordinal);

        // Unit: the officer's own unit only.
        await app.CreateUserAsync("daumoi.p-ba-dinh@demo.hanoi.invalid", "Officer-Password-1");
        (await admin.PostAsJsonAsync($"/api/units/{own}/members", new { email = "daumoi.p-ba-dinh@demo.hanoi.invalid", role = "focal-officer" })).EnsureSuccessStatusCode();
        var officer = await app.LoginAsync("daumoi.p-ba-dinh@demo.hanoi.invalid", "Officer-Password-1");
        Assert.Equal(HttpStatusCode.Forbidden, (await officer.PostAsJsonAsync("/api/tokens", new { name = "x", scope = "unit", unitId = other })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await officer.PostAsJsonAsync("/api/tokens", new { name = "x", scope = "admin" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await officer.PostAsJsonAsync("/api/tokens", new { name = "x", scope = "unit", unitId = own, expiresInDays = 400 })).StatusCode);
        var (_, unitToken) = await CreateAsync(officer, new { name = "phần mềm phường / ward software", scope = "unit", unitId = own });
        var machine = Bearer(unitToken);
        Assert.Equal(HttpStatusCode.OK, (await machine.GetAsync($"/api/campaigns/{campaign}/units/{own}/self-assessment")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await machine.GetAsync($"/api/campaigns/{campaign}/units/{other}/self-assessment")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await machine.GetAsync("/api/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await machine.GetAsync("/api/units")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await machine.GetAsync($"/api/campaigns/{campaign}")).StatusCode);
        // Not the officer's own token list: someone else's token id is not found.
        Assert.Equal(HttpStatusCode.NotFound, (await officer.DeleteAsync($"/api/tokens/{readId}")).StatusCode);

        // Wrong, revoked and expired tokens are refused like no token at all.
        Assert.Equal(HttpStatusCode.Unauthorized, (await Bearer(read[..^3] + "abc").GetAsync("/api/units")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Bearer("not-a-token").GetAsync("/api/units")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync($"/api/tokens/{readId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Bearer(read).GetAsync("/api/units")).StatusCode);
        app.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Unauthorized, (await Bearer(adminToken).GetAsync("/api/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await machine.GetAsync($"/api/campaigns/{campaign}/units/{own}/self-assessment")).StatusCode);

        admin = await app.LoginAsAdminAsync();
        var audit = await admin.GetFromJsonAsync<JsonElement[]>("/api/audit?action=api-token.&limit=1000");
        Assert.Contains(audit!, e => e.GetProperty("action").GetString() == "api-token.revoked" && e.GetProperty("entityId").GetString() == readId.ToString());
        Assert.Equal(3, audit!.Count(e => e.GetProperty("action").GetString() == "api-token.created"));
        Assert.DoesNotContain(audit!, e => e.GetRawText().Contains(adminToken, StringComparison.Ordinal));
    }
}

public sealed class ApiTokenTests_Postgres(PostgresApp app) : ApiTokenTests(app), IClassFixture<PostgresApp>;

public sealed class ApiTokenTests_Sqlite(SqliteApp app) : ApiTokenTests(app), IClassFixture<SqliteApp>;

public sealed class ApiTokenLimitTests(TokenLimitedApp app) : IClassFixture<TokenLimitedApp>
{
    [Fact]
    public async Task Requests_with_a_token_are_rate_limited_and_sessions_are_not()
    {
        var admin = await app.LoginAsAdminAsync();
        var created = await admin.PostAsJsonAsync("/api/tokens", new { name = "busy client", scope = "read-only" });
        var token = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString();
        var machine = app.CreateClient();
        machine.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 7; i++)
            statuses.Add((await machine.GetAsync("/api/units")).StatusCode);
        Assert.Equal(5, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(2, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync("/api/units")).StatusCode);
    }
}
