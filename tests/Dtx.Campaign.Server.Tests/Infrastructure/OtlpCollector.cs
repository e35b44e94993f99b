using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Dtx.Campaign.Server.Tests.Infrastructure;

/// <summary>
/// Stands in for an OpenTelemetry collector: accepts OTLP over HTTP (protobuf) on a local port and keeps
/// what arrives per signal. Names and string attributes travel as plain UTF-8 inside protobuf, so a test
/// can look for them in the bytes without decoding the messages.
/// </summary>
public sealed class OtlpCollector : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, ConcurrentQueue<byte[]>> received = new();

    public OtlpCollector()
    {
        var builder = WebApplication.CreateSlimBuilder();
        Endpoint = $"http://127.0.0.1:{ServerProcess.FreePort()}";
        builder.WebHost.UseUrls(Endpoint);
        builder.Logging.ClearProviders();
        app = builder.Build();
        app.MapPost("/v1/{signal}", async (string signal, HttpRequest request) =>
        {
            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body);
            received.GetOrAdd(signal, _ => new()).Enqueue(body.ToArray());
            return Microsoft.AspNetCore.Http.Results.Ok();
        });
    }

    public string Endpoint { get; }

    public Task StartAsync() => app.StartAsync();

    /// <summary>Everything received for a signal (traces, metrics, logs) so far, as text.</summary>
    public string Text(string signal) =>
        received.TryGetValue(signal, out var batches) ? string.Join("\n", batches.Select(b => Encoding.UTF8.GetString(b))) : "";

    /// <summary>Asserts that every given text has arrived for the signal, naming those that have not.</summary>
    public void AssertReceived(string signal, params string[] texts)
    {
        var text = Text(signal);
        var missing = texts.Where(t => !text.Contains(t, StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, $"OTLP {signal}: never received {string.Join(", ", missing)}");
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}
