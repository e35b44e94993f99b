using Dtx.Campaign.Server.Tests.Infrastructure;

namespace Dtx.Campaign.Ui.Tests.Infrastructure;

/// <summary>
/// The real server on a real port (Kestrel, a free port), so that a browser can reach it, sending its
/// e-mail to a real SMTP server whose messages the tests read (invitation links, notices).
/// </summary>
public sealed class PostgresBrowserApp : CampaignApp
{
    public PostgresBrowserApp() : base(new PostgresTestDatabase())
    {
        Smtp = new SmtpTestServer();
        UseKestrel(0);
    }
}

public sealed class SqliteBrowserApp : CampaignApp
{
    public SqliteBrowserApp() : base(new SqliteTestDatabase())
    {
        Smtp = new SmtpTestServer();
        UseKestrel(0);
    }
}
