namespace Dtx.Campaign.Server.Evidence;

/// <summary>
/// The kinds of evidence file accepted. A file is accepted only when its name's extension and its
/// first bytes agree, so a renamed executable is not stored as a PDF. Served back with the type here,
/// never with one the uploader claimed.
/// </summary>
internal sealed record EvidenceFileType(string Extension, string ContentType, byte[] Magic)
{
    private static readonly byte[] Zip = "PK\u0003\u0004"u8.ToArray();

    public static readonly IReadOnlyList<EvidenceFileType> Accepted =
    [
        new(".pdf", "application/pdf", "%PDF-"u8.ToArray()),
        new(".png", "image/png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]),
        new(".jpg", "image/jpeg", [0xFF, 0xD8, 0xFF]),
        new(".jpeg", "image/jpeg", [0xFF, 0xD8, 0xFF]),
        new(".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", Zip),
        new(".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Zip),
        new(".pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation", Zip),
    ];

    public static string AcceptedList => string.Join(", ", Accepted.Select(t => t.Extension));

    /// <summary>The accepted type for a file name and its first bytes, or a reason for refusing it.</summary>
    public static (EvidenceFileType? Type, string? Refusal) Detect(string fileName, ReadOnlySpan<byte> head)
    {
        var extension = Path.GetExtension(fileName).ToLowerInvariant();
        var type = Accepted.FirstOrDefault(t => t.Extension == extension);
        if (type is null)
            return (null, $"files of type '{(extension.Length == 0 ? "(none)" : extension)}' are not accepted (accepted: {AcceptedList})");
        if (!head.StartsWith(type.Magic))
            return (null, $"the content of '{fileName}' is not a {extension} file");
        return (type, null);
    }
}
