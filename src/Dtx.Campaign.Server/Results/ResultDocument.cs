using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dtx.Campaign.Server.Results;

/// <summary>A campaign's results of one kind (preliminary, final), stored as the canonical JSON that was computed and its SHA-256.</summary>
public sealed class ResultSet
{
    public Guid Id { get; set; }
    public Guid CampaignId { get; set; }
    public required string Kind { get; set; }
    public required string Document { get; set; }
    public required string Checksum { get; set; }
    public DateTimeOffset ComputedAt { get; set; }
    public string? ComputedBy { get; set; }
    public DateTimeOffset? PublishedAt { get; set; }
}

public static class ResultKinds
{
    public const string Preliminary = "preliminary";
    public const string Final = "final";

    public static bool IsKnown(string kind) => kind is Preliminary or Final;
}

public sealed record ResultDocument(Guid CampaignId, int Year, string CampaignName, string Kind, IReadOnlyList<CategoryResult> Categories);

public sealed record CategoryResult(string Category, string IndexSetKey, int IndexSetVersion, decimal MaxPoints, CategoryAggregate Aggregate,
    IReadOnlyList<UnitResult> Units);

/// <summary>
/// Per category: the seeds' "average DTI value 68% (136.69/200)", the median and how many units fell in
/// each rating band — over the <see cref="Assessed"/> units (those that did not submit or were excluded are left out).
/// </summary>
public sealed record CategoryAggregate(int Units, int Assessed, decimal AverageTotal, decimal AverageMax, decimal AveragePercentage, decimal MedianPercentage,
    IReadOnlyList<BandCount> Bands);

public sealed record BandCount(string Key, string NameVi, string NameEn, int Count);

public sealed record UnitResult(Guid UnitId, string UnitCode, string UnitName, string Status, string? ExclusionReason, int? Rank, decimal Total, decimal Bonus,
    decimal ApplicableMax, decimal Percentage, string? Band, IReadOnlyList<GroupResult> Groups, IReadOnlyList<IndicatorResult> Indicators,
    IReadOnlyList<BonusResult> BonusItems, YearOverYear? Previous, IReadOnlyList<GroupDelta> Strengths, IReadOnlyList<GroupDelta> Weaknesses);

public sealed record GroupResult(string Code, string NameVi, string NameEn, decimal Points, decimal Max, decimal Percentage);

/// <summary>An indicator's points as the unit gave them, as the council verified them and after a dispute; the note says what did not score and why.</summary>
public sealed record IndicatorResult(string Code, decimal Max, decimal SelfPoints, decimal? VerifiedPoints, decimal? DisputePoints, decimal Points,
    string? Reason, string? Note);

public sealed record BonusResult(string RuleKey, int Claimed, int Accepted, decimal Points);

/// <summary>Change against the unit's final result of the previous campaign: percentage points, ranks (positive = climbed) and per group by group code.</summary>
public sealed record YearOverYear(int Year, decimal Percentage, int? Rank, decimal PercentageChange, int? RankChange, IReadOnlyList<GroupDelta> Groups)
{
    /// <summary>
    /// Set when the unit did not exist last year and is compared with its predecessors' results combined
    /// (docs/lineage.md); left out of the document otherwise, so documents stored before lineage keep their bytes.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CombinedPredecessors? CombinedFrom { get; init; }
}

/// <summary>Last year's figure of a merged, split or renamed unit: its predecessors' results combined by <see cref="Rule"/>, with the marker to show beside it.</summary>
public sealed record CombinedPredecessors(string Rule, IReadOnlyList<PredecessorFigure> Units, string NoteVi, string NoteEn);

public sealed record PredecessorFigure(string UnitCode, string UnitName, decimal Percentage, decimal Share, long? Population);

/// <summary>A group's percentage against a reference (the category's average, or last year), in percentage points.</summary>
public sealed record GroupDelta(string Code, decimal Change);

/// <summary>
/// The one way result documents become bytes: fixed property order, camelCase, no indentation, and
/// decimals without trailing zeros (a value read back from SQLite or PostgreSQL prints the same), so
/// that recomputing gives byte-identical output and the same checksum.
/// </summary>
public static class CanonicalJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new NormalizedDecimalConverter(), new UnitsInParallelConverter() },
    };

    public static byte[] Bytes(ResultDocument document) => JsonSerializer.SerializeToUtf8Bytes(document, Options);

    /// <summary>
    /// The document's bytes and, in document order, each unit's bytes within them: the units are printed once, so a
    /// unit's row holds exactly the document's text for that unit. They are printed first, on all cores, and the document
    /// is then written once into a buffer of about its size: grown by doubling to 42 MB (5 000 units), the buffer left
    /// ~130 MB of large-object garbage per print, and a recompute's third run in a row paid for it in a full collection.
    /// </summary>
    public static (byte[] Document, IReadOnlyList<byte[]> Units) Print(ResultDocument document)
    {
        var units = document.Categories.SelectMany(c => c.Units).AsParallel().AsOrdered().Select(unit => JsonSerializer.SerializeToUtf8Bytes(unit, Options)).ToList();
        // The rest of the document (names, aggregates, bands per category) is small beside its units.
        var buffer = new ArrayBufferWriter<byte>(units.Sum(u => u.Length) + 1024 * (document.Categories.Count + 64));
        printedUnits = new Queue<byte[]>(units);
        try
        {
            using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = Options.Encoder, SkipValidation = true }))
                JsonSerializer.Serialize(writer, document, Options);
            if (printedUnits.Count != 0)
                throw new InvalidOperationException($"{printedUnits.Count} printed units were not written into the document");
            return (buffer.WrittenSpan.ToArray(), units);
        }
        finally
        {
            printedUnits = null;
        }
    }

    public static UnitResult ReadUnit(string json) =>
        JsonSerializer.Deserialize<UnitResult>(json, Options) ?? throw new InvalidDataException("empty unit result");

    // Set only around Print's serialization, which runs on the calling thread: the units it printed beforehand, in order.
    [ThreadStatic]
    private static Queue<byte[]>? printedUnits;

    public static string Checksum(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public static ResultDocument Read(string json) =>
        JsonSerializer.Deserialize<ResultDocument>(json, Options) ?? throw new InvalidDataException("empty result document");

    /// <summary>
    /// Writes a category's units as the same bytes the serializer would: under <see cref="Print"/> the units it printed
    /// beforehand, otherwise printed here on all cores at once (they are independent, and a national document has thousands).
    /// </summary>
    private sealed class UnitsInParallelConverter : JsonConverter<IReadOnlyList<UnitResult>>
    {
        public override IReadOnlyList<UnitResult>? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            JsonSerializer.Deserialize<List<UnitResult>>(ref reader, options);

        public override void Write(Utf8JsonWriter writer, IReadOnlyList<UnitResult> value, JsonSerializerOptions options)
        {
            var printed = printedUnits is { } queue
                ? Enumerable.Range(0, value.Count).Select(_ => queue.Dequeue()).ToList()
                : value.AsParallel().AsOrdered().Select(unit => JsonSerializer.SerializeToUtf8Bytes(unit, options)).ToList();
            writer.WriteStartArray();
            foreach (var unit in printed)
                writer.WriteRawValue(unit, skipInputValidation: true);
            writer.WriteEndArray();
        }
    }

    private sealed class NormalizedDecimalConverter : JsonConverter<decimal>
    {
        public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDecimal();

        // The same text as ToString("0.####") after rounding (checked against it on millions of values),
        // formatted straight into UTF-8 and written unvalidated: a national result document holds over a
        // million decimals, and the custom format and a string each were a measurable part of its cost.
        public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options)
        {
            Span<byte> utf8 = stackalloc byte[40];
            if (!Math.Round(value, 4, MidpointRounding.AwayFromZero).TryFormat(utf8, out var length, default, CultureInfo.InvariantCulture))
                throw new InvalidOperationException($"decimal {value} does not fit the buffer");
            if (utf8[..length].Contains((byte)'.'))
            {
                while (utf8[length - 1] == (byte)'0')
                    length--;
                if (utf8[length - 1] == (byte)'.')
                    length--;
            }
            var text = utf8[..length];
            // A negative zero (-0.00001 rounded) prints as 0.
            if (text is [(byte)'-', (byte)'0'])
                text = text[1..];
            writer.WriteRawValue(text, skipInputValidation: true);
        }
    }
}

/// <summary>
/// One unit's entry of a result set, stored beside the document in the same save so that a unit's page reads and
/// hashes a few kilobytes instead of the whole document. The document stays the record: the row holds the document's
/// own bytes for the unit (<see cref="Result"/>) with their SHA-256, and <c>results verify</c> compares the two.
/// </summary>
public sealed class UnitResultRow
{
    public Guid ResultSetId { get; set; }
    public Guid UnitId { get; set; }
    public required string Result { get; set; }
    public required string Checksum { get; set; }
}

internal sealed class UnitResultRowConfiguration : IEntityTypeConfiguration<UnitResultRow>
{
    public void Configure(EntityTypeBuilder<UnitResultRow> builder)
    {
        builder.ToTable("unit_result_rows");
        builder.HasKey(x => new { x.ResultSetId, x.UnitId });
        builder.Property(x => x.Checksum).HasMaxLength(64);
        builder.HasOne<ResultSet>().WithMany().HasForeignKey(x => x.ResultSetId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ResultSetConfiguration : IEntityTypeConfiguration<ResultSet>
{
    public void Configure(EntityTypeBuilder<ResultSet> builder)
    {
        builder.ToTable("result_sets");
        builder.Property(x => x.Kind).HasMaxLength(20);
        builder.Property(x => x.Checksum).HasMaxLength(64);
        builder.HasIndex(x => new { x.CampaignId, x.Kind }).IsUnique();
        builder.HasOne<Campaigns.Campaign>().WithMany().HasForeignKey(x => x.CampaignId).OnDelete(DeleteBehavior.Cascade);
    }
}
