using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Dtx.Campaign.Server.Telemetry;

/// <summary>
/// The server's own instruments, next to what ASP.NET Core, the .NET runtime and Npgsql report:
/// e-mail delivered and failed, the outbox backlog, and a span per delivery attempt. Made through the
/// host's <see cref="IMeterFactory"/>, so two hosts in one process (tests) keep their figures apart.
/// </summary>
internal sealed class CampaignTelemetry
{
    public const string Name = "Dtx.Campaign";

    public static readonly ActivitySource Source = new(Name);

    private long backlog = -1;

    public CampaignTelemetry(IMeterFactory meters)
    {
        Meter = meters.Create(Name);
        EmailsSent = Meter.CreateCounter<long>("dtx.email.sent", description: "E-mails handed to the SMTP server");
        EmailsFailed = Meter.CreateCounter<long>("dtx.email.failed", description: "E-mail delivery attempts that failed; tagged final when not retried");
        OutboxBacklog = Meter.CreateObservableGauge("dtx.outbox.backlog",
            () => Interlocked.Read(ref backlog) is var value and >= 0 ? [new Measurement<long>(value)] : Array.Empty<Measurement<long>>(),
            description: "E-mails waiting in the outbox as of this node's last delivery round");
    }

    public Meter Meter { get; }

    public Counter<long> EmailsSent { get; }

    public Counter<long> EmailsFailed { get; }

    /// <summary>Whether anyone (an exporter, a listener) reads the backlog: counting it costs a query.</summary>
    public bool BacklogObserved => OutboxBacklog.Enabled;

    private ObservableGauge<long> OutboxBacklog { get; }

    public void ReportBacklog(long waiting) => Interlocked.Exchange(ref backlog, waiting);
}
