using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Dtx.Campaign.Server.Identity;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Dtx.Campaign.Server.Tests.Identity;

/// <summary>
/// Every endpoint (read from the endpoint data source) × every caller, on a launched campaign: an allowed
/// caller gets past authorization (its answer may still be 400/404/409 for the made-up input), a refused one
/// gets 401, 403 or 404 and never data, and nobody gets a server error. The rules are in <see cref="AuthorizationRules"/>.
/// </summary>
public abstract partial class AuthorizationMatrixTests(CampaignApp app)
{
    private const string Password = "Matrix-Password-1";

    private sealed record World(Guid Campaign, Guid IndexSet, Guid OwnUnit, Dictionary<Caller, HttpClient> Clients, HttpClient ReadOnlyToken, HttpClient UnitToken);

    private static IReadOnlyList<RouteEndpoint> Endpoints(CampaignApp app) =>
        app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

    public static string Name(RouteEndpoint e) =>
        $"{e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.FirstOrDefault() ?? "GET"} /{e.RoutePattern.RawText?.TrimStart('/')}";

    [Fact]
    public void Every_endpoint_has_exactly_one_rule_and_every_rule_an_endpoint()
    {
        _ = app.Server;
        var names = Endpoints(app).Select(Name).ToList();
        var missing = names.Where(n => !AuthorizationRules.Rules.ContainsKey(n)).ToList();
        Assert.True(missing.Count == 0, "endpoints without a rule (add one line each to AuthorizationRules.Rules): " + string.Join(", ", missing));
        var stale = AuthorizationRules.Rules.Keys.Where(k => !names.Contains(k)).ToList();
        Assert.True(stale.Count == 0, "rules for endpoints that no longer exist (remove them): " + string.Join(", ", stale));
        // Public in the table exactly when public in the code (AllowAnonymous, or no rule at all: health, OpenAPI).
        var mismatched = Endpoints(app).Where(e => (AuthorizationRules.Rules[Name(e)] == AuthorizationRules.Public)
                != (e.Metadata.GetMetadata<IAllowAnonymous>() is not null || e.Metadata.GetOrderedMetadata<IAuthorizeData>().Count == 0))
            .Select(Name).ToList();
        Assert.True(mismatched.Count == 0, "public in the table but not AllowAnonymous in the code, or the reverse: " + string.Join(", ", mismatched));
    }

    [Fact]
    public async Task Every_endpoint_answers_each_caller_as_its_rule_says()
    {
        var world = await BuildAsync();
        var failures = new List<string>();
        var slowest = new List<(TimeSpan Took, string Call)>();
        // Signing out last: it ends the session the other calls use.
        foreach (var endpoint in Endpoints(app).OrderBy(e => Name(e) == "POST /api/auth/logout").ThenBy(Name, StringComparer.Ordinal))
        {
            var name = Name(endpoint);
            if (!AuthorizationRules.Rules.TryGetValue(name, out var allowed))
                continue; // reported by the test above
            foreach (var (caller, client) in world.Clients)
            {
                using var request = Request(endpoint, world);
                int status;
                var started = System.Diagnostics.Stopwatch.StartNew();
                try
                {
                    status = Status(await client.SendAsync(request));
                }
                catch (Exception e) when (e is TaskCanceledException or HttpRequestException)
                {
                    failures.Add($"{name} as {caller}: no answer after {started.Elapsed.TotalSeconds:0} s ({e.GetType().Name})");
                    continue;
                }

                slowest.Add((started.Elapsed, $"{name} as {caller}"));
                var may = allowed.HasFlag(caller);
                if (status >= 500)
                    failures.Add($"{name} as {caller}: server error {status}");
                else if (allowed == AuthorizationRules.Public)
                    continue;
                else if (may && status is 401 or 403)
                    failures.Add($"{name} as {caller}: refused ({status}) but the rule allows it");
                else if (!may && status is not (401 or 403 or 404) && !(status == 400 && AuthorizationRules.ValidatesBeforeRefusing.Contains(name)))
                    failures.Add($"{name} as {caller}: answered {status} but the rule refuses it");
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} answers differ from AuthorizationRules:\n" + string.Join("\n", failures)
            + "\nslowest answers: " + string.Join("; ", slowest.OrderByDescending(s => s.Took).Take(5).Select(s => $"{s.Call} {s.Took.TotalSeconds:0.0} s")));
    }

    [Fact]
    public async Task API_tokens_never_reach_beyond_their_scope()
    {
        var world = await BuildAsync();
        var failures = new List<string>();
        foreach (var endpoint in Endpoints(app).OrderBy(Name, StringComparer.Ordinal))
        {
            var name = Name(endpoint);
            if (!AuthorizationRules.Rules.TryGetValue(name, out var allowed) || allowed == AuthorizationRules.Public)
                continue;
            var sessionOnly = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy == Policies.Interactive);
            var reading = name.StartsWith("GET ", StringComparison.Ordinal);
            // A system administrator's read-only token: what they may read, nothing else.
            await Check("read-only token", world.ReadOnlyToken, reading && !sessionOnly && allowed.HasFlag(Caller.SystemAdmin));
            // The own unit's focal officer's unit token: that unit's endpoints, nothing else.
            await Check("unit token", world.UnitToken, endpoint.RoutePattern.Parameters.Any(p => p.Name == "unitId") && !sessionOnly && allowed.HasFlag(Caller.OfficerOwn));

            async Task Check(string caller, HttpClient client, bool may)
            {
                using var request = Request(endpoint, world);
                var status = Status(await client.SendAsync(request));
                if (status >= 500)
                    failures.Add($"{name} with a {caller}: server error {status}");
                else if (may && status is 401 or 403)
                    failures.Add($"{name} with a {caller}: refused ({status}) though within its scope");
                else if (!may && status is not (401 or 403 or 404) && !(status == 400 && AuthorizationRules.ValidatesBeforeRefusing.Contains(name)))
                    failures.Add($"{name} with a {caller}: answered {status} though beyond its scope");
            }
        }
        Assert.True(failures.Count == 0, $"{failures.Count} answers to tokens beyond their scope:\n" + string.Join("\n", failures));
    }

    /// <summary>
    /// The answer's status, where a web page that sent the caller on to the login page counts as 401 (the
    /// "access denied" page answers 403 itself).
    /// </summary>
    private static int Status(HttpResponseMessage response)
    {
        var landed = response.RequestMessage?.RequestUri?.AbsolutePath ?? "";
        return landed.Equals("/account/login", StringComparison.OrdinalIgnoreCase) && response.RequestMessage!.RequestUri!.Query.Contains("ReturnUrl", StringComparison.OrdinalIgnoreCase)
            ? 401
            : (int)response.StatusCode;
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<CampaignApp, Task<World>> Worlds = [];

    private Task<World> BuildAsync() => Worlds.GetValue(app, _ => BuildWorldAsync());

    private async Task<World> BuildWorldAsync()
    {
        var admin = await app.LoginAsAdminAsync();
        await app.ImportHanoiUnitsAsync(admin);
        var set = await TestIndexSets.UploadAsync(admin, TestIndexSets.Small($"mx-{Guid.NewGuid():N}"[..16], "commune"));
        var campaign = await TestCampaigns.CreateAsync(admin, new() { ["commune"] = set });
        var units = await TestCampaigns.UnitsAsync(admin, campaign);
        var (own, other) = (units["P-BA-DINH"], units["P-CAU-GIAY"]);

        async Task<HttpClient> Person(string email, string[] roles, Guid? unit = null, string role = "focal-officer")
        {
            await app.CreateUserAsync(email, Password, roles);
            if (unit is not null)
                (await admin.PostAsJsonAsync($"/api/units/{unit}/members", new { email, role })).EnsureSuccessStatusCode();
            return await app.LoginAsync(email, Password);
        }
        var clients = new Dictionary<Caller, HttpClient>
        {
            [Caller.Anonymous] = app.CreateClient(),
            [Caller.SystemAdmin] = await Person("mx.system@test.local", [Roles.SystemAdmin]),
            [Caller.CampaignAdmin] = await Person("mx.campaign@test.local", [Roles.CampaignAdmin]),
            [Caller.Observer] = await Person("mx.observer@test.local", [Roles.Observer]),
            [Caller.OfficerOwn] = await Person("mx.officer.own@test.local", [], own),
            [Caller.OfficerOther] = await Person("mx.officer.other@test.local", [], other),
            [Caller.HeadOwn] = await Person("mx.head.own@test.local", [], own, "head"),
        };
        async Task<HttpClient> Token(HttpClient owner, object request)
        {
            var created = await owner.PostAsJsonAsync("/api/tokens", request);
            created.EnsureSuccessStatusCode();
            var client = app.CreateClient();
            client.DefaultRequestHeaders.Authorization = new("Bearer", (await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("token").GetString());
            return client;
        }
        return new World(campaign, set, own, clients,
            await Token(clients[Caller.SystemAdmin], new { name = "matrix", scope = "read-only" }),
            await Token(clients[Caller.OfficerOwn], new { name = "matrix", scope = "unit", unitId = own }));
    }

    /// <summary>The endpoint's route with real ids where they matter (the campaign, the own unit) and made-up values elsewhere.</summary>
    private static HttpRequestMessage Request(RouteEndpoint endpoint, World world)
    {
        var pattern = endpoint.RoutePattern.RawText!;
        var path = Parameter().Replace(pattern, m => m.Groups["name"].Value switch
        {
            "campaignId" => world.Campaign.ToString(),
            "unitId" => world.OwnUnit.ToString(),
            "id" when pattern.StartsWith("/api/campaigns", StringComparison.Ordinal) => world.Campaign.ToString(),
            "id" when pattern.StartsWith("/api/units", StringComparison.Ordinal) => world.OwnUnit.ToString(),
            "id" when pattern.StartsWith("/api/index-sets", StringComparison.Ordinal) => world.IndexSet.ToString(),
            "code" when pattern.Contains("authorities", StringComparison.Ordinal) => "HN",
            "code" => "1.1",
            "kind" => "preliminary",
            "unitCode" => "P-BA-DINH",
            "stage" => "self-assessment",
            "format" => "pdf",
            "name" => "notices/x",
            "documentName" => "v1",
            var other when m.Value.Contains(":guid", StringComparison.Ordinal) => Guid.NewGuid().ToString(),
            _ => "x",
        });
        var method = Name(endpoint).Split(' ')[0];
        var request = new HttpRequestMessage(new HttpMethod(method), "/" + path.TrimStart('/'));
        if (method is "POST" or "PUT")
            request.Content = endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes.Contains("multipart/form-data") == true
                ? Multipart.File("x.csv", "a,b")
                : new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        return request;
    }

    [GeneratedRegex(@"\{\**(?<name>[A-Za-z]+)[^}]*\}")]
    private static partial Regex Parameter();
}

public sealed class AuthorizationMatrixTests_Postgres(PostgresApp app) : AuthorizationMatrixTests(app), IClassFixture<PostgresApp>;

public sealed class AuthorizationMatrixTests_Sqlite(SqliteApp app) : AuthorizationMatrixTests(app), IClassFixture<SqliteApp>;
