using System.Net.Sockets;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Dtx.Campaign.Server.Email;

/// <summary>Hands a message to the world: an SMTP relay, or a pickup folder.</summary>
public interface IMailTransport
{
    Task SendAsync(MimeMessage message, CancellationToken ct);
}

/// <summary>
/// MailKit over SMTP. The connection is kept for the messages of one delivery run and closed with it; a
/// failed send drops it, so the next message (or the retry) starts on a fresh connection.
/// </summary>
internal sealed class SmtpMailTransport(EmailOptions options) : IMailTransport, IAsyncDisposable
{
    private SmtpClient? client;

    public async Task SendAsync(MimeMessage message, CancellationToken ct)
    {
        try
        {
            if (client is not { IsConnected: true })
                client = await ConnectAsync(ct);
            await client.SendAsync(message, ct);
        }
        catch
        {
            client?.Dispose();
            client = null;
            throw;
        }
    }

    private async Task<SmtpClient> ConnectAsync(CancellationToken ct)
    {
        client?.Dispose();
        var fresh = new SmtpClient();
        var security = options.Security switch
        {
            SmtpSecurity.None => SecureSocketOptions.None,
            SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
            _ => SecureSocketOptions.StartTls,
        };
        // Our own socket, with Nagle's algorithm off: SMTP writes the body, then waits for the reply, so Nagle
        // holds the last segment until the server's delayed ACK (about 40 ms) and a relay got ~30 messages/s.
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var connecting = CancellationTokenSource.CreateLinkedTokenSource(ct);
            connecting.CancelAfter(fresh.Timeout);
            await socket.ConnectAsync(options.SmtpHost!, options.SmtpPort, connecting.Token);
            await fresh.ConnectAsync(socket, options.SmtpHost!, options.SmtpPort, security, ct);
        }
        catch
        {
            socket.Dispose();
            fresh.Dispose();
            throw;
        }
        if (!string.IsNullOrEmpty(options.UserName))
            await fresh.AuthenticateAsync(options.UserName, options.Password ?? "", ct);
        return fresh;
    }

    public async ValueTask DisposeAsync()
    {
        if (client is { IsConnected: true })
        {
            try { await client.DisconnectAsync(quit: true); }
            catch (Exception e) when (e is IOException or MailKit.ServiceNotConnectedException or System.Net.Sockets.SocketException) { /* closing anyway */ }
        }
        client?.Dispose();
        client = null;
    }
}

/// <summary>Writes each message as an .eml file, so the default run needs no mail server.</summary>
internal sealed class PickupFolderTransport(string folder) : IMailTransport
{
    public async Task SendAsync(MimeMessage message, CancellationToken ct)
    {
        Directory.CreateDirectory(folder);
        // The Message-Id is stable per outbox message: a retry overwrites instead of duplicating.
        var name = string.Concat((message.MessageId ?? Guid.NewGuid().ToString("N")).Split(Path.GetInvalidFileNameChars())) + ".eml";
        await message.WriteToAsync(Path.Combine(folder, name), ct);
    }
}
