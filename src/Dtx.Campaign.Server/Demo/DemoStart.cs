using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Hosting;
using Dtx.Campaign.Server.Identity;
using Dtx.Campaign.Server.Samples;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Quartz;

namespace Dtx.Campaign.Server.Demo;

/// <summary>
/// Fills an empty database with the demo before the server starts: the sample index sets and units, the demo
/// accounts, and two campaigns played through on a <see cref="DemoClock"/>. It runs on its own services (the
/// server's, with the demo clock and without the scheduler running) so that the real server never sees the
/// moved clock; the timers it leaves are stored for the server's Quartz to fire.
/// </summary>
internal static class DemoStart
{
    /// <summary>Whether to build the demo; refused outside Development, where published passwords must never open accounts.</summary>
    public static bool IsEnabled(IConfiguration configuration, IHostEnvironment environment)
    {
        if (!configuration.GetValue<bool>($"{DemoOptions.Section}:{nameof(DemoOptions.Enabled)}"))
            return false;
        if (!environment.IsDevelopment())
            throw new StartupRefusedException($"Demo:Enabled is set in the {environment.EnvironmentName} environment; the demo runs only in Development (its accounts have published passwords).");
        return true;
    }

    public static async Task RunAsync(string[] args, TextWriter output, CancellationToken ct = default)
    {
        var realNow = TimeProvider.System.GetUtcNow();
        // The demo's story starts a little over a year ago.
        var clock = new DemoClock(realNow.AddYears(-1).AddDays(-40));
        var builder = ServerHost.CreateBuilder(args);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Scheduling:Enabled"] = "false" });
        builder.AddCampaignServer();
        builder.Services.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock));
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        await using var app = builder.Build();
        var services = app.Services;
        var options = services.GetRequiredService<IOptions<DemoOptions>>().Value;
        if (string.IsNullOrEmpty(options.Password) || string.IsNullOrEmpty(options.AdminEmail) || string.IsNullOrEmpty(options.AdminPassword))
            throw new StartupRefusedException("Demo:Enabled needs Demo:Password, Demo:AdminEmail and Demo:AdminPassword (appsettings.Development.json sets them).");
        var bootstrap = new BootstrapOptions { AdminEmail = options.AdminEmail, AdminPassword = options.AdminPassword };
        await DemoDatabase.ClaimAsync(services, ct);

        using var actor = Audit.HttpAuditActor.Use(DemoPeople.AdminActor);
        bool seeded;
        await using (var scope = services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<CampaignDbContext>();
            await DatabaseSetup.MigrateAsync(db, DatabaseProvider.Sqlite, ct);
            await scope.ServiceProvider.GetRequiredService<AdminBootstrap>().EnsureAsync(bootstrap, ct);
            seeded = await db.Campaigns.AnyAsync(ct);
        }
        if (!seeded)
        {
            output.WriteLine("Demo: building the demo data (about 30 seconds on an idle 2-core machine, only on an empty database)…");
            await using (var scope = services.CreateAsyncScope())
                foreach (var line in await scope.ServiceProvider.GetRequiredService<DemoSeeder>().SeedAsync(ct))
                    output.WriteLine("Demo: " + line);
        }
        var accounts = await DemoPeople.EnsureAsync(services, options.Password, clock, ct);
        if (!seeded)
            await new DemoCampaigns(services, clock, output).RunAsync(realNow, ct);
        // The scheduler of these services wrote the timers; shut it so the server's own takes over the store.
        await (await services.GetRequiredService<ISchedulerFactory>().GetScheduler(ct)).Shutdown(waitForJobsToComplete: false, ct);

        output.WriteLine();
        output.WriteLine("Demo accounts (Development only; two-factor is off):");
        output.WriteLine($"  {bootstrap.AdminEmail,-40} {"administrator",-40} password {bootstrap.AdminPassword}");
        foreach (var (email, role) in accounts)
            output.WriteLine($"  {email,-40} {role,-40} password {options.Password}");
    }
}
