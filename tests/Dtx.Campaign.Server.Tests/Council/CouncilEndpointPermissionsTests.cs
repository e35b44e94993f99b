using System.Reflection;
using Dtx.Campaign.Server.Council;
using Dtx.Campaign.Server.Tests.Identity;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Dtx.Campaign.Server.Tests.Council;

/// <summary>
/// Every endpoint that binds a council seat declares its council permission where it is mapped, and each is the one
/// the use case used to check by hand (read from the endpoint data source, so a new council endpoint cannot forget it).
/// </summary>
public sealed class CouncilEndpointPermissionsTests(SqliteApp app) : IClassFixture<SqliteApp>
{
    private const string Campaign = "/api/campaigns/{campaignId:guid}";

    /// <summary>The seat's bearers with no council permission, and why.</summary>
    private static readonly HashSet<string> Unguarded = new(StringComparer.Ordinal)
    {
        // The awarded unit's people download their own certificate too: the endpoint tells them from strangers (404).
        $"GET {Campaign}/certificates/{{serial}}.pdf",
    };

    private static readonly Dictionary<string, CouncilPermission> Expected = new(StringComparer.Ordinal)
    {
        [$"GET {Campaign}/results/{{kind}}/"] = CouncilPermission.SeeResults,
        [$"GET {Campaign}/results/{{kind}}/export.csv"] = CouncilPermission.SeeResults,
        [$"GET {Campaign}/results/{{kind}}/export.xlsx"] = CouncilPermission.SeeResults,
        [$"GET {Campaign}/awards/"] = CouncilPermission.SeeAwards,
        [$"GET {Campaign}/awards/proposal"] = CouncilPermission.SeeAwards,
        [$"PUT {Campaign}/awards/quotas"] = CouncilPermission.SetAwardQuotas,
        [$"POST {Campaign}/awards/confirmation"] = CouncilPermission.ConfirmAwards,
        [$"GET {Campaign}/certificates/"] = CouncilPermission.SeeCertificates,
        [$"GET {Campaign}/certificates/all.pdf"] = CouncilPermission.SeeCertificates,
        [$"POST {Campaign}/certificates/{{serial}}/revocation"] = CouncilPermission.RevokeCertificate,
        [$"GET {Campaign}/disputes/"] = CouncilPermission.MemberOrAdministrator,
        [$"POST {Campaign}/disputes/{{disputeId:guid}}/resolution"] = CouncilPermission.Member,
        [$"GET {Campaign}/verification/"] = CouncilPermission.MemberOrAdministrator,
        [$"POST {Campaign}/verification/assignments"] = CouncilPermission.Assign,
        [$"GET {Campaign}/verification/fields"] = CouncilPermission.MemberOrAdministrator,
        [$"POST {Campaign}/verification/fields"] = CouncilPermission.Assign,
        [$"POST {Campaign}/verification/fields/from-index-sets"] = CouncilPermission.Assign,
        [$"GET {Campaign}/verification/fields/{{groupCode}}"] = CouncilPermission.Member,
        [$"GET {Campaign}/verification/units/{{unitId:guid}}"] = CouncilPermission.MemberOrAdministrator,
        [$"PUT {Campaign}/verification/units/{{unitId:guid}}/indicators/{{code}}"] = CouncilPermission.Member,
        [$"POST {Campaign}/verification/units/{{unitId:guid}}/accept-self-scores"] = CouncilPermission.Member,
        [$"POST {Campaign}/verification/groups/{{groupCode}}/accept-self-scores"] = CouncilPermission.Member,
        [$"POST {Campaign}/verification/units/{{unitId:guid}}/complete"] = CouncilPermission.Member,
        [$"POST {Campaign}/verification/units/{{unitId:guid}}/exclude"] = CouncilPermission.ExcludeUnit,
        [$"POST {Campaign}/verification/units/{{unitId:guid}}/clarification"] = CouncilPermission.Member,
        [$"GET {Campaign}/verification/units/{{unitId:guid}}/evidence/{{evidenceId:guid}}/content"] = CouncilPermission.MemberOrAdministrator,
    };

    [Fact]
    public void Every_endpoint_with_a_council_seat_declares_its_permission()
    {
        _ = app.Server;
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<MethodInfo>()?.GetParameters().Any(p => p.ParameterType == typeof(CouncilSeat)) == true)
            .ToDictionary(AuthorizationMatrixTests.Name, e => e.Metadata.GetOrderedMetadata<CouncilPermission>());
        Assert.True(endpoints.Count >= Expected.Count, $"only {endpoints.Count} endpoints bind a council seat");

        var failures = new List<string>();
        foreach (var (name, declared) in endpoints)
        {
            if (Unguarded.Contains(name))
            {
                if (declared.Count != 0)
                    failures.Add($"{name}: declares {string.Join(", ", declared)} but is listed as unguarded");
            }
            else if (!Expected.TryGetValue(name, out var expected))
                failures.Add($"{name}: binds a council seat but has no line here (declare its permission with RequireCouncil and add it)");
            else if (declared.Count != 1 || declared[0] != expected)
                failures.Add($"{name}: declares [{string.Join(", ", declared)}], expected {expected}");
        }
        failures.AddRange(Expected.Keys.Except(endpoints.Keys).Select(n => $"{n}: no such endpoint binds a council seat (remove its line)"));
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
