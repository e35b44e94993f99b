using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Dtx.Campaign.Server.Email;
using Dtx.Campaign.Server.Telemetry;
using Dtx.Campaign.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Dtx.Campaign.Server.Tests.Telemetry;

/// <summary>
/// Observability as an operator sees it: with OTEL_EXPORTER_OTLP_ENDPOINT set, the server exports request
/// traces and metrics, e-mail delivery spans and figures (sent, failed, backlog) and its logs over OTLP;
/// the figures themselves are exact, read from the app's own meter.
/// </summary>
public sealed class TelemetryTests(TelemetryApp app) : IClassFixture<TelemetryApp>
{
    [Fact]
    public async Task Email_delivery_and_requests_are_exported_over_otlp_with_exact_figures()
    {
        var meter = app.Services.GetRequiredService<CampaignTelemetry>().Meter;
        var totals = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == meter)
                l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument is ObservableGauge<long>)
                totals[instrument.Name] = value;
            else
                totals.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value);
        });
        listener.Start();

        var admin = await app.LoginAsAdminAsync();
        await app.ImportHanoiUnitsAsync(admin);
        var city = await TestIndexSets.UploadAsync(admin, TestIndexSets.Small($"ot-city-{Guid.NewGuid():N}"[..20], "department"));
        var commune = await TestIndexSets.UploadAsync(admin, TestIndexSets.Small($"ot-com-{Guid.NewGuid():N}"[..20], "commune"));
        await TestCampaigns.CreateAsync(admin, new() { ["department"] = city, ["commune"] = commune });
        // Publication and opening notices to the 143 units: 286 e-mails wait.
        app.Clock.SetUtcNow(new DateTimeOffset(2025, 11, 2, 1, 0, 0, TimeSpan.Zero));
        await app.FireDueTimersAsync();

        Assert.Equal(new OutboxDelivery.Report(10, 0), await DeliverAsync(10));
        listener.RecordObservableInstruments();
        Assert.Equal(10, totals.GetValueOrDefault("dtx.email.sent"));
        Assert.Equal(276, totals.GetValueOrDefault("dtx.outbox.backlog"));

        await app.Smtp!.StopAsync();
        Assert.Equal(new OutboxDelivery.Report(0, 1), await DeliverAsync(1));
        listener.RecordObservableInstruments();
        Assert.Equal(1, totals.GetValueOrDefault("dtx.email.failed"));
        Assert.Equal(276, totals.GetValueOrDefault("dtx.outbox.backlog")); // failed once, still waiting for its retry
        await app.Smtp.StartAsync();

        app.Flush();
        app.Collector.AssertReceived("metrics", "dtx.email.sent", "dtx.email.failed", "dtx.outbox.backlog", "http.server.request.duration");
        app.Collector.AssertReceived("traces", "email.deliver", "dtx.outbox.message_id", "/api/campaigns");
        app.Collector.AssertReceived("logs", "failed (attempt");
    }

    private async Task<OutboxDelivery.Report> DeliverAsync(int max)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<OutboxDelivery>().DeliverDueAsync(max, CancellationToken.None);
    }
}
