using Dtx.Campaign.Workflows.Scheduling;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Dtx.Campaign.Server.Telemetry;

/// <summary>
/// OpenTelemetry traces, metrics and logs, exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set
/// (the standard OTEL_* variables tune it: protocol, headers, export intervals). Without an endpoint nothing
/// is collected, so a single machine pays nothing for it.
/// </summary>
internal static class TelemetrySetup
{
    public const string EndpointKey = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static WebApplicationBuilder AddCampaignTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<CampaignTelemetry>();
        if (string.IsNullOrWhiteSpace(builder.Configuration[EndpointKey]))
            return builder;
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(
                serviceName: builder.Configuration["OTEL_SERVICE_NAME"] ?? "dtx-campaign",
                serviceInstanceId: Environment.MachineName + ":" + Environment.ProcessId))
            .WithTracing(tracing => tracing
                .AddSource(CampaignTelemetry.Name, TimerTelemetry.Name, "Npgsql")
                // Health probes every few seconds would drown the traces that matter.
                .AddAspNetCoreInstrumentation(o => o.Filter = context => !context.Request.Path.StartsWithSegments("/healthz")))
            .WithMetrics(metrics => metrics
                .AddMeter(CampaignTelemetry.Name, TimerTelemetry.Name, "Npgsql", "System.Runtime")
                .AddAspNetCoreInstrumentation())
            .WithLogging()
            .UseOtlpExporter();
        return builder;
    }
}
