using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Dtx.Campaign.Server.Email;

/// <summary>Hands a message to the world: an SMTP relay, or a pickup folder.</summary>
public interface IMailTransport
{
    Task SendAsync(MimeMessage message, CancellationToken ct);
}

/// <summary>MailKit over SMTP; one connection per batch would be faster, one per message is simplest to recover.</summary>
internal sealed class SmtpMailTransport(EmailOptions options) : IMailTransport
{
    public async Task SendAsync(MimeMessage message, CancellationToken ct)
    {
        using var client = new SmtpClient();
        var security = options.Security switch
        {
            SmtpSecurity.None => SecureSocketOptions.None,
            SmtpSecurity.SslOnConnect => SecureSocketOptions.SslOnConnect,
            _ => SecureSocketOptions.StartTls,
        };
        await client.ConnectAsync(options.SmtpHost!, options.SmtpPort, security, ct);
        if (!string.IsNullOrEmpty(options.UserName))
            await client.AuthenticateAsync(options.UserName, options.Password ?? "", ct);
        await client.SendAsync(message, ct);
        await client.DisconnectAsync(quit: true, ct);
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
