using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Identity;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace Dtx.Campaign.Server.Hosting;

/// <summary>
/// Prepares the database before requests are served: migrations on the embedded default (production
/// applies them with the <c>migrate</c> command), the roles and the first administrator.
/// </summary>
internal sealed class StartupTasks(
    IServiceScopeFactory scopes, IOptions<DatabaseOptions> database, IOptions<BootstrapOptions> bootstrap,
    IServer server, IHostApplicationLifetime lifetime, IOptions<Identity.SecurityOptions> security) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<CampaignDbContext>();
        if (database.Value.ShouldMigrateOnStart)
            await DatabaseSetup.MigrateAsync(db, database.Value.Provider, cancellationToken);
        else
            // Program checks this before the host starts; here for hosts started otherwise (the test host).
            await StartupChecks.EnsureMigratedAsync(db, database.Value.Provider, cancellationToken);
        var created = await scope.ServiceProvider.GetRequiredService<AdminBootstrap>().EnsureAsync(bootstrap.Value, cancellationToken);
        lifetime.ApplicationStarted.Register(() => PrintWelcome(created));
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void PrintWelcome(AdminBootstrap.Created? created)
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? "http://localhost:5080";
        Console.WriteLine();
        Console.WriteLine($"Dtx.Campaign is running: {address}  (API: {address}/openapi/v1.json, health: {address}/healthz)");
        if (created?.GeneratedPassword is { } password)
        {
            Console.WriteLine($"First administrator created. Log in as {created.Email} with password: {password}");
            Console.WriteLine("This password is shown only once; change it after logging in, or set Bootstrap:AdminPassword.");
        }
        else if (created is not null)
        {
            Console.WriteLine($"First administrator created: {created.Email} (password from Bootstrap:AdminPassword).");
        }
        if (!security.Value.RequireTwoFactor)
            Console.WriteLine($"WARNING: {TwoFactorRule.Setting} is false: administrators and council chairs may sign in without two-factor authentication. Never in production.");
        Console.WriteLine();
    }
}
