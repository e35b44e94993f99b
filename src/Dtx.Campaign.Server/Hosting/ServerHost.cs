namespace Dtx.Campaign.Server.Hosting;

/// <summary>
/// The server's host builder. Its content root (appsettings.json, wwwroot, the default data directory) is the
/// executable's folder, not the directory it was started from, unless one is configured (<c>--contentRoot</c>,
/// <c>ASPNETCORE_CONTENTROOT</c>/<c>DOTNET_CONTENTROOT</c>; the test host sets it).
/// </summary>
internal static class ServerHost
{
    public static WebApplicationBuilder CreateBuilder(string[] args)
    {
        var configured = new ConfigurationBuilder()
            .AddEnvironmentVariables("DOTNET_").AddEnvironmentVariables("ASPNETCORE_").AddCommandLine(args).Build()[HostDefaults.ContentRootKey];
        return WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = string.IsNullOrEmpty(configured) ? AppContext.BaseDirectory : null,
        });
    }
}
