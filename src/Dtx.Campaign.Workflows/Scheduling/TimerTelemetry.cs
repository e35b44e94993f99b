using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Dtx.Campaign.Workflows.Scheduling;

/// <summary>
/// What the timers report to OpenTelemetry (or any <see cref="MeterListener"/>): how late each firing
/// was against its scheduled time, how many fired, and a span per firing.
/// </summary>
public static class TimerTelemetry
{
    public const string Name = "Dtx.Campaign.Workflows";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    /// <summary>Seconds between a trigger's scheduled time and the moment its job started.</summary>
    public static readonly Histogram<double> Lateness = Meter.CreateHistogram<double>("dtx.timer.lateness", "s",
        "How late a workflow timer fired against its scheduled time",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.5, 1, 2, 5, 10, 30, 60, 300, 3600] });

    /// <summary>Timer firings by outcome (resumed, already-consumed, failed).</summary>
    public static readonly Counter<long> Fired = Meter.CreateCounter<long>("dtx.timer.fired", description: "Workflow timers fired, by outcome");
}
