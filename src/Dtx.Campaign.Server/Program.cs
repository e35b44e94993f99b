using Dtx.Campaign.Server.Cli;
using Dtx.Campaign.Server.Demo;
using Dtx.Campaign.Server.Hosting;

WebApplication app;
try
{
    if (AdminCli.IsCommand(args))
        return await AdminCli.RunAsync(args);

    var builder = ServerHost.CreateBuilder(args);
    // Development (the README's run command): an empty database gets the demo campaigns before the server starts.
    if (DemoStart.IsEnabled(builder.Configuration, builder.Environment))
        await DemoStart.RunAsync(args, Console.Out);
    builder.AddCampaignServer();
    app = builder.Build();
    await StartupChecks.RunAsync(app.Services);
}
catch (Exception e) when (e is not HostAbortedException)
{
    // Every start-up precondition (settings, database, migrations, the demo's refusal) ends here: one message, exit 1.
    Console.Error.WriteLine("Dtx.Campaign: " + StartupChecks.Describe(e));
    return 1;
}
app.MapCampaignServer();
await app.RunAsync();
return 0;

/// <summary>The server's entry point; public so that tests can start it with WebApplicationFactory.</summary>
public partial class Program;
