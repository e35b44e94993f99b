using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Dtx.Campaign.Server.Email;

public enum SmtpSecurity
{
    None,
    StartTls,
    SslOnConnect,
}

/// <summary>E-mail delivery, bound from the <c>Email</c> section. Without <see cref="SmtpHost"/>, messages are written as .eml files.</summary>
public sealed class EmailOptions
{
    public const string Section = "Email";

    public string? SmtpHost { get; set; }
    [Range(1, 65535)]
    public int SmtpPort { get; set; } = 25;
    public SmtpSecurity Security { get; set; } = SmtpSecurity.StartTls;
    public string? UserName { get; set; }
    public string? Password { get; set; }
    [Required, EmailAddress]
    public string FromAddress { get; set; } = "no-reply@dtx.local";
    public string FromName { get; set; } = "Hệ thống đánh giá chuyển đổi số";
    /// <summary>Where .eml files go when no SMTP host is set; relative to the data directory.</summary>
    public string PickupDirectory { get; set; } = "mail-pickup";
    /// <summary>Deliver from this process in the background (every node may; rows are claimed).</summary>
    public bool DeliverInBackground { get; set; } = true;
    /// <summary>How often the outbox is checked for due messages.</summary>
    [Range(1, 3600)]
    public int PollSeconds { get; set; } = 5;
    /// <summary>Messages sent per poll at most, to respect the relay's limits.</summary>
    [Range(1, 10000)]
    public int BatchSize { get; set; } = 50;
    /// <summary>
    /// Public address of the server: the one setting for every link in documents and e-mails (certificate QR codes,
    /// portal links, invitations). Production refuses to start while it is left at localhost.
    /// </summary>
    public string PublicBaseUrl { get; set; } = "http://localhost:5080";
}

/// <summary>In Production, <see cref="EmailOptions.PublicBaseUrl"/> must be an absolute http(s) address people can reach.</summary>
internal sealed class PublicBaseUrlValidation(bool production) : IValidateOptions<EmailOptions>
{
    public ValidateOptionsResult Validate(string? name, EmailOptions options)
    {
        if (!Uri.TryCreate(options.PublicBaseUrl, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttps && url.Scheme != Uri.UriSchemeHttp))
            return ValidateOptionsResult.Fail(
                $"Email:PublicBaseUrl '{options.PublicBaseUrl}' không phải địa chỉ http(s) đầy đủ / is not an absolute http(s) address, e.g. https://dtx.hanoi.gov.vn");
        if (production && (url.IsLoopback || url.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase)))
            return ValidateOptionsResult.Fail(
                $"Email:PublicBaseUrl chưa được đặt (đang là '{options.PublicBaseUrl}'): mã QR và liên kết trong văn bản, thư sẽ không mở được. / "
                + $"Email:PublicBaseUrl is unset or points to this machine ('{options.PublicBaseUrl}'): certificate QR codes and links in documents and e-mails would not open. "
                + "Set it to the address people reach the server at, e.g. Email__PublicBaseUrl=https://dtx.hanoi.gov.vn");
        return ValidateOptionsResult.Success;
    }
}
