using Dtx.Campaign.Scoring.IndexSets;
using Dtx.Campaign.Scoring.Refusals;

namespace Dtx.Campaign.Server.Imports;

/// <summary>
/// One thing wrong with an imported file, located precisely enough for a person to fix it:
/// the file, the line (YAML) or row (CSV/Excel, 1-based including the header), and the field.
/// What is wrong is a <see cref="Scoring.Refusals.Reason"/> of the refusal catalogue: a stable code for clients,
/// and words in the reader's language.
/// </summary>
public sealed record FileProblem(string File, int? Line, string Field, Reason Reason)
{
    public string Code => Reason.Code;

    /// <summary>What is wrong, in "vi" or "en", without its place.</summary>
    public string Text(string language) => Reason.Text(language);

    /// <summary>Where and what, as one reason whose text reads "units.csv, dòng 4, head_email: …" or "units.csv:4 head_email: …".</summary>
    public Reason Located => Line is { } line
        ? Reason.Of("file.problem-at-line", ("file", File), ("line", line), ("field", Field), ("problem", Reason))
        : Reason.Of("file.problem-in-file", ("file", File), ("field", Field), ("problem", Reason));

    /// <summary>Where and what, in "vi" or "en".</summary>
    public string Describe(string language) => Located.Text(language);

    /// <summary>The size or shape limit broken, when that is the problem.</summary>
    public string? Limit => FileLimit.NameOf(Reason);

    /// <summary>In English, for logs and the console.</summary>
    public override string ToString() => Describe("en");

    public static FileProblem Of(string file, IndexSetProblem problem) => new(file, problem.Line, problem.Field, problem.Reason);
}

/// <summary>Thrown by an import when the file is refused; nothing has been stored.</summary>
public sealed class ImportRejectedException(string file, IReadOnlyList<FileProblem> problems)
    : Exception($"{file}: {problems.Count} problem(s); nothing was imported. First: {InFileOrder(problems)[0]}")
{
    public string File { get; } = file;

    /// <summary>In the order a clerk reads the file: by file, then line (problems of a whole file first); checks find them in another.</summary>
    public IReadOnlyList<FileProblem> Problems { get; } = InFileOrder(problems);

    private static List<FileProblem> InFileOrder(IReadOnlyList<FileProblem> problems) =>
        [.. problems.OrderBy(p => p.File, StringComparer.Ordinal).ThenBy(p => p.Line ?? 0)];

    /// <summary>The size or shape limit the file breaks (see <see cref="ImportLimits"/>), when that is the reason.</summary>
    public string? Limit { get; } = problems.Select(p => p.Limit).FirstOrDefault(l => l is not null);
}
