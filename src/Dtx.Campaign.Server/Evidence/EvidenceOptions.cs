using System.ComponentModel.DataAnnotations;

namespace Dtx.Campaign.Server.Evidence;

/// <summary>Limits on uploaded evidence, bound from the <c>Evidence</c> section.</summary>
public sealed class EvidenceOptions
{
    public const string Section = "Evidence";

    /// <summary>Largest accepted file, in bytes (default 20 MB).</summary>
    [Range(1024, 1024L * 1024 * 1024)]
    public long MaxFileBytes { get; set; } = 20 * 1024 * 1024;
}
