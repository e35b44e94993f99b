using System.Net;
using System.Text.Json;
using Dtx.Campaign.Server.Tests.Infrastructure;

namespace Dtx.Campaign.Server.Tests.Hosting;

public abstract class HostingTests(CampaignApp app)
{
    private HttpClient Client() => app.CreateClient();

    [Fact]
    public async Task Health_answers_200_when_the_database_is_reachable()
    {
        var response = await Client().GetAsync("/healthz");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_OpenAPI_document_describes_the_index_set_and_unit_endpoints()
    {
        var json = JsonDocument.Parse(await Client().GetStringAsync("/openapi/v1.json"));
        var paths = json.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        Assert.Contains("/api/index-sets", paths);
        Assert.Contains("/api/index-sets/{id}/publish", paths);
        Assert.Contains("/api/units/import", paths);
    }

    [Fact]
    public async Task A_malformed_body_gets_a_problem_saying_where()
    {
        var admin = await app.LoginAsAdminAsync();
        var response = await admin.PostAsync("/api/campaigns",
            new StringContent("{\"authority\": \"HN\", \"year\": \"two thousand\"}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Contains("$.year", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Api_endpoints_refuse_anonymous_callers_with_401()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await Client().GetAsync("/api/units")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Client().PostAsync("/api/index-sets/validate", Multipart.File("x.yaml", "key: x"))).StatusCode);
    }
}

public sealed class HostingTests_Postgres(PostgresApp app) : HostingTests(app), IClassFixture<PostgresApp>;

public sealed class HostingTests_Sqlite(SqliteApp app) : HostingTests(app), IClassFixture<SqliteApp>;
