using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Dtx.Campaign.Server.Tests.Hosting;

/// <summary>
/// The served <c>/openapi/v1.json</c> as an integrator gets it: a standard linter (Redocly CLI, installed by
/// ./test.sh from tests/tools) finds no error in it, it declares how to authenticate on every operation, and what it
/// declares is what the server enforces (an operation it calls secured refuses a caller without credentials).
/// </summary>
public sealed class OpenApiDocumentTests(SqliteApp app, ITestOutputHelper output) : IClassFixture<SqliteApp>
{
    // Everything else needs a session or an API token.
    private static readonly string[] Anonymous =
    [
        "get /calendar/{token}.ics",
        "get /api/public/certificates/{serial}",
        "get /api/public/results", "get /api/public/results/{campaignId}", "get /api/public/results/{campaignId}/awards",
        "get /api/public/results/{campaignId}/units/{unitCode}", "get /api/public/results/{campaignId}/export.csv",
        "get /api/public/results/{campaignId}/export.xlsx",
        "post /api/auth/login", "post /api/auth/login/two-factor", "post /api/auth/password-reset", "post /api/auth/set-password",
    ];

    private static IEnumerable<(string Key, string Path, string Method, JsonElement Operation)> Operations(JsonElement document) =>
        document.GetProperty("paths").EnumerateObject().SelectMany(path => path.Value.EnumerateObject()
            .Select(operation => ($"{operation.Name} {path.Name}", path.Name, operation.Name, operation.Value)));

    private static string[] Schemes(JsonElement operation) =>
        operation.GetProperty("security").EnumerateArray().SelectMany(r => r.EnumerateObject().Select(s => s.Name)).Order(StringComparer.Ordinal).ToArray();

    [Fact]
    public async Task The_served_document_passes_the_linter_and_says_how_each_operation_authenticates()
    {
        var json = await app.CreateClient().GetStringAsync("/openapi/v1.json");
        var file = Path.Combine(Path.GetTempPath(), "dtx-tests", $"openapi-{Guid.NewGuid():N}.json");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllTextAsync(file, json);
        var (lint, problems) = await LintAsync(file);
        File.Delete(file);
        var errors = problems.Where(p => p.GetProperty("severity").GetString() == "error")
            .Select(p => $"{p.GetProperty("ruleId").GetString()} at {p.GetProperty("location")[0].GetProperty("pointer").GetString()}: {p.GetProperty("message").GetString()}").ToList();
        var document = JsonDocument.Parse(json).RootElement;
        var operations = Operations(document).ToList();
        output.WriteLine($"openapi lint: {operations.Count} operations, {errors.Count} errors, {problems.Count - errors.Count} warnings " +
            $"({string.Join(", ", problems.Where(p => p.GetProperty("severity").GetString() != "error").Select(p => p.GetProperty("ruleId").GetString()).Distinct())})");
        Assert.True(errors.Count == 0 && lint <= 1, string.Join("\n", errors));

        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        Assert.Equal("cookie", schemes.GetProperty("session").GetProperty("in").GetString());
        Assert.Equal("dtx.auth", schemes.GetProperty("session").GetProperty("name").GetString());
        Assert.Equal("bearer", schemes.GetProperty("token").GetProperty("scheme").GetString());
        Assert.Equal("http://localhost:5080", document.GetProperty("servers")[0].GetProperty("url").GetString());

        Assert.Equal(Anonymous.Order(StringComparer.Ordinal), operations.Where(o => Schemes(o.Operation).Length == 0).Select(o => o.Key).Order(StringComparer.Ordinal));
        var byKey = operations.ToDictionary(o => o.Key, o => o.Operation);
        Assert.Equal(["session", "token"], Schemes(byKey["post /api/campaigns/{id}/launch"]));
        // Tokens are made and two-factor is set up by a person in a session, never with a token.
        Assert.Equal(["session"], Schemes(byKey["post /api/tokens"]));
        Assert.Equal(["session"], Schemes(byKey["post /api/auth/two-factor/enrol"]));
        Assert.All(operations, o => Assert.Equal("#/components/schemas/ProblemDetails",
            o.Operation.GetProperty("responses").GetProperty("4XX").GetProperty("content").GetProperty("application/problem+json").GetProperty("schema").GetProperty("$ref").GetString()));
        Assert.Equal(operations.Count, operations.Select(o => o.Operation.GetProperty("operationId").GetString()).Distinct().Count());
    }

    [Fact]
    public async Task Every_operation_the_document_calls_secured_refuses_a_caller_without_credentials()
    {
        var document = JsonDocument.Parse(await app.CreateClient().GetStringAsync("/openapi/v1.json")).RootElement;
        var stranger = app.CreateClient();
        var checkedCount = 0;
        foreach (var (key, path, method, operation) in Operations(document).Where(o => Schemes(o.Operation).Length > 0))
        {
            // Any value fills a route parameter: the request must be refused before it is looked at.
            var url = System.Text.RegularExpressions.Regex.Replace(path, @"\{[^}]+\}", Guid.NewGuid().ToString());
            using var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), url);
            // A body of the type the operation declares (a wrong type may be refused first, with 415).
            if (operation.TryGetProperty("requestBody", out var body))
                request.Content = body.GetProperty("content").EnumerateObject().First().Name == "multipart/form-data"
                    ? Multipart.File("units.csv", "code")
                    : new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
            var response = await stranger.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{key}: {(int)response.StatusCode}");
            checkedCount++;
        }
        Assert.True(checkedCount > 80, $"{checkedCount} secured operations");
    }

    private static async Task<(int ExitCode, List<JsonElement> Problems)> LintAsync(string file)
    {
        var redocly = Path.Combine(RepositoryFiles.Root, "tests", "tools", "node_modules", ".bin", "redocly");
        if (!File.Exists(redocly))
            throw new FileNotFoundException($"The OpenAPI linter is not installed at {redocly}: run ./test.sh (npm ci --prefix tests/tools).");
        var start = new ProcessStartInfo(redocly, ["lint", file, "--format=json", "--max-problems", "1000"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        // Nothing leaves the machine: no usage reports, no update check.
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        var text = await stdout;
        var begin = text.IndexOf('{', StringComparison.Ordinal);
        if (begin < 0)
            throw new InvalidOperationException($"redocly printed no report (exit {process.ExitCode}): {text}{await stderr}");
        var report = JsonDocument.Parse(text[begin..]).RootElement;
        return (process.ExitCode, report.GetProperty("problems").EnumerateArray().ToList());
    }
}
