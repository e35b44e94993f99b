using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using MimeKit;

namespace Dtx.Campaign.Server.Tests.Infrastructure;

/// <summary>
/// A real SMTP server for tests: Debian's aiosmtpd (installed by ./test.sh) storing what it receives,
/// byte for byte, in a maildir, read back with MimeKit. Missing aiosmtpd fails the tests: no fallback.
/// </summary>
public sealed class SmtpTestServer : IAsyncDisposable
{
    private const string Python = "/usr/bin/python3";
    private readonly string folder = Path.Combine(Path.GetTempPath(), "dtx-tests", "smtp-" + Guid.NewGuid().ToString("N"));
    private Process? process;

    public int Port { get; private set; }

    public async Task StartAsync()
    {
        Directory.CreateDirectory(folder);
        if (Port == 0)
            Port = FreePort();
        var start = new ProcessStartInfo(Python, ["-m", "aiosmtpd", "-n", "-l", $"127.0.0.1:{Port}", "-c", "raw_maildir.RawMaildir", Path.Combine(folder, "maildir")])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        // Our handler (raw_maildir.py, next to the tests): the messages as received, not parsed and rewritten by Python.
        start.Environment["PYTHONPATH"] = Path.Combine(AppContext.BaseDirectory, "Infrastructure");
        process = Process.Start(start) ?? throw new InvalidOperationException("aiosmtpd did not start");
        for (var i = 0; i < 100; i++)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"aiosmtpd exited: {await process.StandardError.ReadToEndAsync()} (install python3-aiosmtpd; ./test.sh does)");
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(100);
            }
        }
        throw new TimeoutException($"aiosmtpd did not listen on port {Port}");
    }

    /// <summary>Stops the server (to inject a delivery failure); <see cref="StartAsync"/> brings it back on the same port.</summary>
    public async Task StopAsync()
    {
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>What arrived, in order of arrival (the handler names the files so; a directory lists them in no particular order).</summary>
    public IReadOnlyList<MimeMessage> Messages()
    {
        var inbox = new DirectoryInfo(Path.Combine(folder, "maildir", "new"));
        return inbox.Exists
            ? inbox.EnumerateFiles().OrderBy(f => f.Name, StringComparer.Ordinal).Select(f => MimeMessage.Load(f.FullName)).ToList()
            : [];
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        process?.Dispose();
        try { Directory.Delete(folder, recursive: true); } catch (IOException) { }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
