using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Dtx.Campaign.Server.Demo;

/// <summary>
/// The demo creates accounts with published passwords, so it runs only in a database that is explicitly its own:
/// an embedded SQLite database it created itself, marked in the file's header (<c>PRAGMA application_id</c>, which
/// travels with the file and which nothing else sets). Any other database — one made by <c>migrate</c> or a
/// server without the demo, or any PostgreSQL database — is refused before anything is written to it.
/// </summary>
internal static class DemoDatabase
{
    /// <summary>"DTXD" in the header's application id.</summary>
    public const int Marker = 0x44545844;

    public static async Task ClaimAsync(IServiceProvider services, CancellationToken ct)
    {
        var provider = services.GetRequiredService<IOptions<DatabaseOptions>>().Value.Provider;
        if (provider != DatabaseProvider.Sqlite)
            throw new StartupRefusedException(
                "Demo:Enabled is set but the database is PostgreSQL: the demo (accounts with published passwords) runs only in an SQLite database of its own. " +
                "Production starts without the demo: the published executable, or 'dotnet run --no-launch-profile' (README, On PostgreSQL).");
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CampaignDbContext>();
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            if (await ScalarAsync(connection, "PRAGMA application_id", ct) == Marker)
                return;
            if (await ScalarAsync(connection, "SELECT count(*) FROM sqlite_master", ct) > 0)
                throw new StartupRefusedException(
                    $"Demo:Enabled is set but the database {connection.DataSource} was not created by the demo; the demo creates accounts with " +
                    "published passwords only in a database of its own. Start without the demo ('dotnet run --no-launch-profile', or the " +
                    "published executable), or point the demo at a new file (Storage:DataDirectory or ConnectionStrings:Campaign).");
            await using var mark = connection.CreateCommand();
            mark.CommandText = $"PRAGMA application_id = {Marker}";
            await mark.ExecuteNonQueryAsync(ct);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task<long> ScalarAsync(System.Data.Common.DbConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }
}
