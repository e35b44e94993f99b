using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Dtx.Campaign.Documents;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Email;
using Dtx.Campaign.Server.Hosting;
using Dtx.Campaign.Workflows.Storage;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Benchmarks;

/// <summary>
/// Scenario 3: reminder e-mails rendered from the notice templates and delivered to a local SMTP server
/// (Debian's aiosmtpd), the way the outbox does it, against a raw MailKit loop sending the same messages
/// pre-rendered over one connection.
/// </summary>
internal static class RemindersBenchmark
{
    public static async Task RunAsync(string[] args)
    {
        var count = Bench.Option(args, "messages", 2000);
        var withPdf = args.Contains("--with-pdf");
        // With --signed the authority has a signing certificate, as a deployment that signs its notices does: each PDF is signed.
        var signed = args.Contains("--signed");
        var port = FreeSmtpPort();
        using var smtp = Process.Start(new ProcessStartInfo("/usr/bin/python3", $"-m aiosmtpd -n -l 127.0.0.1:{port} -c aiosmtpd.handlers.Sink")
            { RedirectStandardError = true, RedirectStandardOutput = true }) ?? throw new InvalidOperationException("aiosmtpd did not start (apt-get install python3-aiosmtpd)");
        try
        {
            await WaitForPortAsync(port);
            var environment = new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { ContentRootPath = AppContext.BaseDirectory };
            var templates = TemplateSet.FromDirectory(ShippedFiles.Folder(environment, "templates"));
            var renderer = new TemplateRenderer(templates);
            var options = new EmailOptions { SmtpHost = "127.0.0.1", SmtpPort = port, Security = SmtpSecurity.None };
            var composer = new EmailComposer(options, templates);

            // Ours: render each unit's copy, compose, and send through the server's transport (as OutboxDelivery does).
            Console.WriteLine($"measuring ours: {count} messages (process {Environment.ProcessId})");
            var transport = new SmtpMailTransport(options);
            var oursCpu = CpuMeter.Start(smtp);
            var ours = await Bench.TimeAsync(async () =>
            {
                for (var i = 0; i < count; i++)
                {
                    var (notice, payload) = Reminder(renderer, i);
                    var attachment = withPdf ? new EmailComposer.Attachment("nhac-han.pdf", NoticePdfWriter.Write(notice, renderer.RenderNotice(notice))) : null;
                    await transport.SendAsync(composer.Compose($"bench/{i}", payload, attachment), CancellationToken.None);
                }
                await transport.DisposeAsync();
            });
            var oursCpuPerMessage = (oursCpu.PerRequest(count).Process, oursCpu.PeerPerRequest(count));

            // Raw: the same messages, rendered beforehand, sent in one loop on one connection.
            // With --with-pdf the raw loop sends each message with its PDF too, so that both sides carry the same bytes.
            var messages = Enumerable.Range(0, count).Select(i =>
            {
                var (notice, payload) = Reminder(renderer, i);
                var attachment = withPdf ? new EmailComposer.Attachment("nhac-han.pdf", NoticePdfWriter.Write(notice, renderer.RenderNotice(notice))) : null;
                return composer.Compose($"raw/{i}", payload, attachment);
            }).ToList();
            var (raw, rawCpuPerMessage) = await RawLoopAsync(messages, smtp, port);
            // What a reminder round renders per unit inside its transaction: since the bodies are rendered as they are sent
            // (with their PDF), only the subject; before, the whole letter (subject, HTML and text).
            var notices = Enumerable.Range(0, count).Select(UnitReminder).ToList();
            var subjects = await Bench.TimeAsync(() => { foreach (var n in notices) renderer.RenderNoticeSubject(n); return Task.CompletedTask; });
            var letters = await Bench.TimeAsync(() => { foreach (var n in notices) renderer.RenderNotice(n); return Task.CompletedTask; });

            // The product's path: the rendered reminders stored in the outbox, as a reminder round leaves them, sent by the
            // server's own OutboxDelivery (lease, compose, send, save each outcome) on PostgreSQL. PDFs are drawn from the
            // issued document, which this scenario does not issue: measured without them.
            var (delivery, deliveryCpu) = withPdf ? (null, default) : await OutboxAsync(renderer, smtp, port, count);
            var issued = withPdf ? await IssuedAsync(smtp, port, count, signed) : default;
            Bench.Print($"reminder fan-out: {count} e-mails{(withPdf ? signed ? " with their signed PDF" : " with their PDF" : "")} to a local SMTP server",
                ("ours: render + compose + send, one loop", $"{count / (ours / 1000):0} messages/s ({Bench.Ms(ours)})"),
                ("ours: the outbox's delivery (compose + send + save)", delivery is { } d ? $"{count / (d / 1000):0} messages/s ({Bench.Ms(d)})" : "— (with --with-pdf: the issued reminder's delivery below)"),
                ("raw MailKit loop (pre-rendered" + (withPdf ? ", same PDFs)" : ")"), $"{count / (raw / 1000):0} messages/s ({Bench.Ms(raw)})"),
                ("ours (one loop) / raw rate", Bench.Ratio(raw, ours)),
                ("outbox delivery / raw rate", delivery is { } d2 ? Bench.Ratio(raw, d2) : "—"),
                ("ours: an issued reminder's delivery (letter + PDF drawn at sending, compose, send, save)", withPdf ? $"{count / (issued.Ours / 1000):0} messages/s ({Bench.Ms(issued.Ours)})" : "— (with --with-pdf)"),
                ("raw MailKit loop (the same messages composed beforehand)", withPdf ? $"{count / (issued.Raw / 1000):0} messages/s ({Bench.Ms(issued.Raw)})" : "—"),
                ("issued reminder's delivery / raw rate", withPdf ? Bench.Ratio(issued.Raw, issued.Ours) : "—"),
                ("goal", "≥ 0.80 of raw " + ((withPdf ? issued.Raw / issued.Ours : raw / (delivery ?? ours)) >= 0.8 ? "(met)" : "(NOT met)")),
                // On one machine the SMTP server's CPU is part of every message's cost: what is left for ours bounds its rate.
                ("CPU per message, this process / SMTP server", $"one loop {Bench.CpuMs(oursCpuPerMessage.Item1)} / {Bench.CpuMs(oursCpuPerMessage.Item2)}; raw {Bench.CpuMs(rawCpuPerMessage.Item1)} / {Bench.CpuMs(rawCpuPerMessage.Item2)}"),
                ("CPU per message in the outbox's delivery", delivery is null ? "—" : $"this process {Bench.CpuMs(deliveryCpu.Process)}, PostgreSQL {Bench.CpuMs(deliveryCpu.Postgres)}, SMTP server {Bench.CpuMs(deliveryCpu.Smtp)}"),
                ("CPU per message, an issued reminder's delivery", withPdf ? $"this process {Bench.CpuMs(issued.Cpu.Process)}, PostgreSQL {Bench.CpuMs(issued.Cpu.Postgres)}, SMTP server {Bench.CpuMs(issued.Cpu.Smtp)}; raw {Bench.CpuMs(issued.RawCpu.Process)} / {Bench.CpuMs(issued.RawCpu.Smtp)}" : "—"),
                ("a round's rendering in its transaction", $"{Bench.Ms(subjects)} for {count} subjects (now); {Bench.Ms(letters)} for {count} whole letters (before)"));
        }
        finally
        {
            smtp.Kill();
        }
    }

    private static async Task<(double? Elapsed, (double Process, double Postgres, double Smtp) Cpu)> OutboxAsync(TemplateRenderer renderer, Process smtp, int port, int count)
    {
        await using var database = await Bench.Database.CreateAsync();
        await using var app = await StartMailingServerAsync(database, port);
        async Task QueueAsync(int first, int messages)
        {
            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<CampaignDbContext>();
            var now = DateTime.UtcNow;
            for (var i = first; i < first + messages; i++)
                db.Add(new OutboxMessage
                {
                    Id = Guid.NewGuid(), CreatedAt = now.AddTicks(i), Kind = "email", Status = OutboxStatus.Pending, NextAttemptAt = now,
                    IdempotencyKey = $"bench-outbox/{i}", PayloadJson = Reminder(renderer, i).Payload,
                });
            await db.SaveChangesAsync();
        }
        Task<OutboxDelivery.Report> DeliverAsync(int messages) => DeliverDueAsync(app, messages);
        // Warmed up as the deadline rush is: a server's delivery has run many rounds before a big one, and the first rounds
        // of a new process measured mostly the JIT (a third of the CPU in libclrjit, 2026-12-07). Rounds of 500 go on until
        // one compiles next to nothing.
        var warmUp = 0;
        for (var round = 0; round < 8; round++)
        {
            await QueueAsync(count + warmUp, 500);
            var compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
            await DeliverAsync(500);
            warmUp += 500;
            await Bench.JitSettledAsync();
            if (System.Runtime.JitInfo.GetCompiledMethodCount() - compiled < 25)
                break;
        }
        Console.WriteLine($"outbox delivery warmed up: {warmUp} messages");
        await QueueAsync(0, count);
        Console.WriteLine($"measuring the outbox's delivery: {count} messages (process {Environment.ProcessId})");
        return await MeasuredDeliveryAsync(app, smtp, count);
    }

    /// <summary>
    /// The limit: a raw MailKit loop sending the messages on one connection, the better of two runs, each after the JIT has
    /// settled (one cold run moved between 2 145 and 2 600 messages/s and flattered ours when it was slow, 2026-12-08).
    /// </summary>
    private static async Task<(double Elapsed, (double Process, double Smtp) Cpu)> RawLoopAsync(IReadOnlyList<MimeKit.MimeMessage> messages, Process smtp, int port)
    {
        var (best, cpuPerMessage) = (double.MaxValue, (Process: 0.0, Smtp: 0.0));
        for (var run = 0; run < 2; run++)
        {
            await Bench.JitSettledAsync();
            var cpu = CpuMeter.Start(smtp);
            var elapsed = await Bench.TimeAsync(async () =>
            {
                using var client = new SmtpClient();
                // Nagle off, as the server's transport has it: the baseline must not carry a delay ours avoids.
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
                await socket.ConnectAsync("127.0.0.1", port);
                await client.ConnectAsync(socket, "127.0.0.1", port, SecureSocketOptions.None);
                foreach (var message in messages)
                    await client.SendAsync(message);
                await client.DisconnectAsync(true);
            });
            if (elapsed < best)
                (best, cpuPerMessage) = (elapsed, (cpu.PerRequest(messages.Count).Process, cpu.PeerPerRequest(messages.Count)));
        }
        return (best, cpuPerMessage);
    }

    /// <summary>
    /// The real reminder with its PDF: an administrator's reminder to every unit (RemindNow issues one numbered notice and
    /// queues a copy per focal officer), delivered by OutboxDelivery, which renders each copy's letter and draws its PDF as
    /// it sends. The limit is the raw loop sending the same messages, composed beforehand by the server's own code.
    /// </summary>
    private static async Task<(double Ours, double Raw, (double Process, double Postgres, double Smtp) Cpu, (double Process, double Smtp) RawCpu)> IssuedAsync(
        Process smtp, int port, int count, bool signed)
    {
        await using var database = await Bench.Database.CreateAsync();
        await using var app = await StartMailingServerAsync(database, port, signed ? SigningCertificate() : null);
        // RemindNow takes at most 10 000 units at once; it refuses more with its own message.
        var warmUp = Math.Min(500, count);
        var seeded = await Bench.SeedAsync(app.Services, Bench.RatioSet("bench-remind", "commune", 2, 3), warmUp + count);
        async Task RemindAsync(IEnumerable<(Guid ParticipantId, Guid UnitId)> participants)
        {
            await using var scope = app.Services.CreateAsyncScope();
            var result = await scope.ServiceProvider.GetRequiredService<Dtx.Campaign.Server.Campaigns.RemindNow>()
                .HandleAsync(seeded.CampaignId, new([.. participants.Select(p => p.UnitId)]), "bench", CancellationToken.None);
            if (result.Skipped.Count > 0)
                throw new InvalidOperationException($"the reminder skipped {result.Skipped.Count} units: {result.Skipped.First()}");
        }
        Task<OutboxDelivery.Report> DeliverAsync(int messages) => DeliverDueAsync(app, messages);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            // No notice is issued without its authority's letterhead and signer (no signing certificate: the PDF says it is unsigned).
            var db = scope.ServiceProvider.GetRequiredService<CampaignDbContext>();
            var authority = await db.Authorities.SingleAsync(a => a.Code == "BN");
            db.Add(new Dtx.Campaign.Server.Notices.Letterhead
            {
                AuthorityId = authority.Id, IssuerName = "ỦY BAN NHÂN DÂN TỈNH MẪU", Place = "Mẫu", Symbol = "UBND", SignerCapacity = "TM. ỦY BAN NHÂN DÂN",
                SignerTitle = "CHỦ TỊCH", SignerName = "Nguyễn Văn Mẫu", UpdatedAt = DateTimeOffset.UtcNow, UpdatedBy = "bench",
            });
            await db.SaveChangesAsync();
        }
        // Warmed up with a first reminder to other units; whatever else the seeding queued goes out with it.
        await RemindAsync(seeded.Participants.Take(warmUp));
        if (await DeliverAsync(10 * (warmUp + count)) is { Failed: > 0 } warm)
            throw new InvalidOperationException($"the warm-up's delivery failed {warm.Failed} e-mails");
        await RemindAsync(seeded.Participants.Skip(warmUp));

        List<MimeKit.MimeMessage> composed = [];
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CampaignDbContext>();
            var archive = scope.ServiceProvider.GetRequiredService<Dtx.Campaign.Server.Notices.NoticeArchive>();
            var composer = scope.ServiceProvider.GetRequiredService<EmailComposer>();
            foreach (var m in await db.Set<OutboxMessage>().AsNoTracking().Where(m => m.Kind == "email" && m.Status == OutboxStatus.Pending).ToListAsync())
            {
                var letter = await archive.LetterAsync(m.PayloadJson, withPdf: true, CancellationToken.None)
                    ?? throw new InvalidOperationException($"{m.IdempotencyKey} is not an issued notice's copy");
                composed.Add(composer.Compose(m.IdempotencyKey, m.PayloadJson, letter.Pdf, letter.Rendered));
            }
        }
        if (composed.Count != count)
            throw new InvalidOperationException($"the reminder queued {composed.Count} e-mails, not {count}");
        var (raw, rawCpu) = await RawLoopAsync(composed, smtp, port);

        await Bench.JitSettledAsync();
        Console.WriteLine($"measuring an issued reminder's delivery: {count} messages (process {Environment.ProcessId})");
        var (elapsed, (process, postgres, smtpCpu)) = await MeasuredDeliveryAsync(app, smtp, count);
        return (elapsed, raw, (process, postgres, smtpCpu), rawCpu);
    }

    /// <summary>The server on its own database, sending to the benchmark's SMTP server; deliveries run only when asked.</summary>
    private static async Task<WebApplication> StartMailingServerAsync(Bench.Database database, int port, string? certificate = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Email:SmtpHost"] = "127.0.0.1", ["Email:SmtpPort"] = port.ToString(Bench.Invariant), ["Email:Security"] = "None",
        };
        if (certificate is not null)
            (settings["Signing:Authorities:BN:Certificate"], settings["Signing:Authorities:BN:Password"]) = (certificate, SigningPassword);
        try
        {
            var app = await Bench.StartServerAsync(database, port: null, settings);
            // The signers open their certificates on first use: opened now, so that the file can go.
            app.Services.GetRequiredService<Dtx.Campaign.Server.Signing.AuthoritySigners>();
            return app;
        }
        finally
        {
            if (certificate is not null)
                File.Delete(certificate);
        }
    }

    private const string SigningPassword = "bench";

    /// <summary>A self-signed RSA 2048 certificate for the benchmark's authority, as a PKCS#12 file in the temporary folder.</summary>
    private static string SigningCertificate()
    {
        using var key = System.Security.Cryptography.RSA.Create(2048);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=UBND tỉnh Mẫu, C=VN", key,
            System.Security.Cryptography.HashAlgorithmName.SHA256, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        var path = Path.Combine(Path.GetTempPath(), $"dtx-bench-signer-{Guid.NewGuid():N}.p12");
        File.WriteAllBytes(path, certificate.Export(System.Security.Cryptography.X509Certificates.X509ContentType.Pkcs12, SigningPassword));
        return path;
    }

    private static async Task<OutboxDelivery.Report> DeliverDueAsync(WebApplication app, int messages)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<OutboxDelivery>().DeliverDueAsync(messages, CancellationToken.None);
    }

    /// <summary>One delivery round of <paramref name="count"/> due e-mails, timed, with its CPU per message; it must send them all.</summary>
    private static async Task<(double Elapsed, (double Process, double Postgres, double Smtp) Cpu)> MeasuredDeliveryAsync(WebApplication app, Process smtp, int count)
    {
        OutboxDelivery.Report? report = null;
        var cpu = CpuMeter.Start(smtp);
        var elapsed = await Bench.TimeAsync(async () => report = await DeliverDueAsync(app, count));
        if (report != new OutboxDelivery.Report(count, 0))
            throw new InvalidOperationException($"the outbox delivered {report}, not {count} messages");
        var (process, postgres) = cpu.PerRequest(count);
        var smtpCpu = cpu.PeerPerRequest(count);
        await app.StopAsync();
        return (elapsed, (process, postgres, smtpCpu));
    }

    /// <summary>The i-th unit's reminder: its own code, name and progress.</summary>
    private static DeadlineReminderNotice UnitReminder(int i) =>
        Samples.DeadlineReminder with { Unit = Samples.Unit with { Code = $"U{i:D5}", Name = $"UBND xã Mẫu {i}" }, CompletedIndicators = i % 33 };

    private static (DeadlineReminderNotice Notice, string Payload) Reminder(TemplateRenderer renderer, int i)
    {
        var notice = UnitReminder(i);
        var rendered = renderer.RenderNotice(notice);
        var payload = JsonSerializer.Serialize(new { to = $"u{i}@bench.invalid", name = $"Cán bộ {i}", rendered.Subject, rendered.Text, rendered.Html });
        return (notice, payload);
    }

    private static int FreeSmtpPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task WaitForPortAsync(int port)
    {
        for (var i = 0; i < 50; i++)
        {
            try
            {
                using var probe = new System.Net.Sockets.TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (System.Net.Sockets.SocketException)
            {
                await Task.Delay(100);
            }
        }
        throw new TimeoutException($"the SMTP server did not listen on {port}");
    }
}
