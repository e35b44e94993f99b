namespace Dtx.Campaign.Server.Imports;

/// <summary>
/// One thing wrong with an imported file, located precisely enough for a person to fix it:
/// the file, the line (YAML) or row (CSV/Excel, 1-based including the header), and the field.
/// </summary>
public sealed record FileProblem(string File, int? Line, string Field, string Message)
{
    public override string ToString() =>
        Line is { } line ? $"{File}:{line} {Field}: {Message}" : $"{File} {Field}: {Message}";
}

/// <summary>Thrown by an import when the file is refused; nothing has been stored.</summary>
public sealed class ImportRejectedException(string file, IReadOnlyList<FileProblem> problems, string? limit = null)
    : Exception($"{file}: {problems.Count} problem(s); nothing was imported. First: {problems[0]}")
{
    public string File { get; } = file;
    public IReadOnlyList<FileProblem> Problems { get; } = problems;

    /// <summary>The size or shape limit the file breaks (see <see cref="ImportLimits"/>), when that is the reason.</summary>
    public string? Limit { get; } = limit;
}
