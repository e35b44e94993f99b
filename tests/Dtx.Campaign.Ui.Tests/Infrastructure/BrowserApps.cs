using Dtx.Campaign.Server.Tests.Infrastructure;

namespace Dtx.Campaign.Ui.Tests.Infrastructure;

/// <summary>The real server on a real port (Kestrel, a free port), so that a browser can reach it.</summary>
public sealed class PostgresBrowserApp : CampaignApp
{
    public PostgresBrowserApp() : base(new PostgresTestDatabase()) => UseKestrel(0);
}

public sealed class SqliteBrowserApp : CampaignApp
{
    public SqliteBrowserApp() : base(new SqliteTestDatabase()) => UseKestrel(0);
}
