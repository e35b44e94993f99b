using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace Dtx.Campaign.Server.Data;

// Used only by `dotnet ef` to generate each provider's migrations; the connection is never opened.
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteCampaignDbContext>
{
    public SqliteCampaignDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteCampaignDbContext>().UseSqlite("Data Source=design.db").Options);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresCampaignDbContext>
{
    public PostgresCampaignDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresCampaignDbContext>().UseNpgsql("Host=localhost;Database=design").Options);
}
