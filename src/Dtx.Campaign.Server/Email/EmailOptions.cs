using System.ComponentModel.DataAnnotations;

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
    /// <summary>Public address of the server, for links in messages.</summary>
    public string PublicBaseUrl { get; set; } = "http://localhost:5080";
}
