using Dtx.Campaign.Workflows.Tests.Runtime;

namespace Dtx.Campaign.Workflows.Tests;

/// <summary>
/// <c>dotnet Dtx.Campaign.Workflows.Tests.dll node CONNECTION INSTANCE-ID</c> runs a server node
/// (clustered Quartz + runtime, slow steps) until it is killed: the crash test's victim.
/// </summary>
public static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args is not ["node", var connectionString, var instanceId])
        {
            await Console.Error.WriteLineAsync("usage: node CONNECTION INSTANCE-ID");
            return 2;
        }

        await TestNode.StartAsync(connectionString, "dtx-crash", instanceId, start: true, slowStep: TimeSpan.FromMilliseconds(250));
        Console.WriteLine("ready");
        await Task.Delay(Timeout.Infinite);
        return 0;
    }
}
