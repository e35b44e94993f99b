namespace Dtx.Campaign.Scoring.Refusals;

/// <summary>
/// A file refused for a size or shape limit (rather than its content) names the limit in its reason's
/// <c>limit</c> parameter: "size", "depth", "zip-ratio"…, which clients act on (the 413's <c>limit</c>).
/// </summary>
public static class FileLimit
{
    public const string Parameter = "limit";

    /// <summary>The limit a reason says was broken, or null when the reason is about the content.</summary>
    public static string? NameOf(Reason reason) => reason.Args.GetValueOrDefault(Parameter) as string;
}
