namespace Dtx.Campaign.Server.Audit;

/// <summary>The actor of a web request: the signed-in user's name (or <c>anonymous</c>) and the client address.</summary>
internal sealed class HttpAuditActor(IHttpContextAccessor accessor) : IAuditActor
{
    private static readonly AsyncLocal<string?> Ambient = new();

    /// <summary>Names the actor of work outside a request (the command line, a timer) for the current flow.</summary>
    public static IDisposable Use(string name)
    {
        var previous = Ambient.Value;
        Ambient.Value = name;
        return new Restore(() => Ambient.Value = previous);
    }

    public string Name => accessor.HttpContext?.User.Identity is { IsAuthenticated: true, Name: { } name } ? name
        : accessor.HttpContext is not null ? "anonymous"
        : Ambient.Value ?? "system";

    public string? Address => accessor.HttpContext?.Connection.RemoteIpAddress?.ToString();
}

file sealed class Restore(Action restore) : IDisposable
{
    public void Dispose() => restore();
}
