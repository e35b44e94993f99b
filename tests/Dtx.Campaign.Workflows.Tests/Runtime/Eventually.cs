namespace Dtx.Campaign.Workflows.Tests.Runtime;

/// <summary>
/// Waits for something a real Quartz thread does, by asking again until it holds, instead of sleeping a
/// fixed time: a busy machine only makes the wait longer, never the answer wrong.
/// </summary>
internal static class Eventually
{
    public static async Task<T> UntilAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what, TimeSpan? limit = null)
    {
        var deadline = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(90));
        while (true)
        {
            var value = await read();
            if (done(value))
                return value;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"waited {(limit ?? TimeSpan.FromSeconds(90)).TotalSeconds:0} s for {what}");
            await Task.Delay(100);
        }
    }
}
