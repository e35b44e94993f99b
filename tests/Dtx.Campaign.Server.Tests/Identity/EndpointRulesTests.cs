using System.Net;
using System.Text.RegularExpressions;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Dtx.Campaign.Server.Tests.Identity;

/// <summary>
/// Every endpoint, read from the endpoint data source so a new one cannot be forgotten: it must say
/// who may call it, and an anonymous call must be refused unless it is deliberately public.
/// </summary>
public sealed partial class EndpointRulesTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    /// <summary>The deliberately public endpoints: those the authorization rules mark public (each line says why there).</summary>
    private static readonly HashSet<string> Public =
        [.. AuthorizationRules.Rules.Where(r => r.Value == AuthorizationRules.Public).Select(r => r.Key)];

    private IReadOnlyList<RouteEndpoint> Endpoints() =>
        app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();

    private static string Name(RouteEndpoint e) =>
        $"{e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.FirstOrDefault() ?? "GET"} /{e.RoutePattern.RawText?.TrimStart('/')}";

    [Fact]
    public void Every_endpoint_declares_who_may_call_it()
    {
        _ = app.Server;
        var endpoints = Endpoints();
        Assert.True(endpoints.Count > 30, $"only {endpoints.Count} endpoints found");
        var unruled = endpoints.Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null && e.Metadata.GetOrderedMetadata<IAuthorizeData>().Count == 0)
            .Select(Name).Where(n => !Public.Contains(n)).ToList();
        Assert.True(unruled.Count == 0, "endpoints without an authorization rule: " + string.Join(", ", unruled));
        var anonymous = endpoints.Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is not null).Select(Name).ToList();
        Assert.All(anonymous, n => Assert.Contains(n, Public));
    }

    [Fact]
    public async Task Every_endpoint_refuses_an_anonymous_caller_unless_it_is_public()
    {
        _ = app.Server;
        var client = app.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var answered = new List<string>();
        foreach (var endpoint in Endpoints())
        {
            var name = Name(endpoint);
            if (Public.Contains(name))
                continue;
            var method = name.Split(' ')[0];
            var path = RouteParameter().Replace(endpoint.RoutePattern.RawText!, m => m.Value.Contains(":guid", StringComparison.Ordinal) ? Guid.NewGuid().ToString() : "x");
            using var request = new HttpRequestMessage(new HttpMethod(method), "/" + path.TrimStart('/'));
            if (method is "POST" or "PUT")
                request.Content = endpoint.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IAcceptsMetadata>()?.ContentTypes.Contains("multipart/form-data") == true
                    ? Multipart.File("x.csv", "a,b")
                    : new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
            var response = await client.SendAsync(request);
            // A web page refuses by sending the caller to the login page; the API answers 401.
            var toLogin = !path.TrimStart('/').StartsWith("api/", StringComparison.Ordinal) && response.StatusCode == HttpStatusCode.Redirect
                && response.Headers.Location?.ToString().Contains("/account/login?", StringComparison.Ordinal) == true;
            if (response.StatusCode != HttpStatusCode.Unauthorized && !toLogin)
                answered.Add($"{name} → {(int)response.StatusCode}");
        }
        Assert.True(answered.Count == 0, "answered an anonymous caller: " + string.Join(", ", answered));
    }

    [GeneratedRegex(@"\{[^}]+\}")]
    private static partial Regex RouteParameter();
}
