using Dtx.Campaign.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dtx.Campaign.Server.Notices;

/// <summary>The last number an authority gave in a year in one series: the register's only shared state, locked while a number is taken.</summary>
public sealed class DocumentCounter
{
    public Guid AuthorityId { get; set; }
    public int Year { get; set; }
    /// <summary><see cref="DocumentRegister.Documents"/> (the document register) or <see cref="DocumentRegister.Certificates"/> (serial numbers of Certificates of Merit).</summary>
    public string Series { get; set; } = DocumentRegister.Documents;
    public int Last { get; set; }
}

/// <summary>
/// An official document as issued: its number and symbol, the notice it carries (its model, rendered
/// again with the template versions recorded here gives the same document), whom it concerns and who issued it.
/// </summary>
public sealed class IssuedDocument
{
    public Guid Id { get; set; }
    public Guid AuthorityId { get; set; }
    public int Year { get; set; }
    public int Number { get; set; }
    /// <summary>"TB" (thông báo), "QĐ" (quyết định)…</summary>
    public required string TypeCode { get; set; }
    public required string Symbol { get; set; }
    /// <summary>The notice template, e.g. "index-publication".</summary>
    public required string Template { get; set; }
    /// <summary>Template versions the document was rendered with (name → version; names absent are version 1).</summary>
    public Dictionary<string, int> TemplateVersions { get; set; } = [];
    public required string ModelType { get; set; }
    public required string ModelJson { get; set; }
    public Guid? CampaignId { get; set; }
    /// <summary>The unit the document concerns, when it is addressed to one unit; null for a notice to many.</summary>
    public Guid? UnitId { get; set; }
    public int Recipients { get; set; }
    public DateTimeOffset IssuedAt { get; set; }
    public required string IssuedBy { get; set; }

    public string Display => $"{Number}/{TypeCode}-{Symbol}";
}

/// <summary>
/// Numbers documents per authority and year with no gaps and no duplicates: the counter row is locked and
/// advanced in the caller's transaction, together with the document row, so a rollback gives the number back.
/// </summary>
internal sealed class DocumentRegister(CampaignDbContext db)
{
    public const string Documents = "documents";
    public const string Certificates = "certificates";

    public async Task<int> NextNumberAsync(Guid authorityId, int year, CancellationToken ct, string series = Documents) =>
        await NextNumbersAsync(authorityId, year, 1, ct, series);

    /// <summary>Takes <paramref name="count"/> consecutive numbers at once; returns the first.</summary>
    public async Task<int> NextNumbersAsync(Guid authorityId, int year, int count, CancellationToken ct, string series = Documents)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        if (db.Database.CurrentTransaction is null)
            throw new InvalidOperationException("A document number is taken inside the transaction that stores the document.");
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"INSERT INTO document_counters (\"AuthorityId\", \"Year\", \"Series\", \"Last\") VALUES ({authorityId}, {year}, {series}, 0) ON CONFLICT DO NOTHING", ct);
            // The row lock holds until commit: a concurrent issuer waits here and then reads the advanced number.
            // UPDATE … RETURNING cannot be composed over: read the one row as a list.
            return (await db.Database.SqlQuery<int>(
                $"UPDATE document_counters SET \"Last\" = \"Last\" + {count} WHERE \"AuthorityId\" = {authorityId} AND \"Year\" = {year} AND \"Series\" = {series} RETURNING \"Last\" AS \"Value\"")
                .ToListAsync(ct)).Single() - count + 1;
        }
        // SQLite has one writer at a time: the transaction that reaches here holds the database.
        await db.Database.ExecuteSqlInterpolatedAsync(
            $"INSERT INTO document_counters (AuthorityId, Year, Series, Last) VALUES ({authorityId}, {year}, {series}, 0) ON CONFLICT DO NOTHING", ct);
        await db.Database.ExecuteSqlInterpolatedAsync($"UPDATE document_counters SET Last = Last + {count} WHERE AuthorityId = {authorityId} AND Year = {year} AND Series = {series}", ct);
        return await db.Database.SqlQuery<int>($"SELECT Last AS Value FROM document_counters WHERE AuthorityId = {authorityId} AND Year = {year} AND Series = {series}").SingleAsync(ct) - count + 1;
    }
}

internal sealed class DocumentCounterConfiguration : IEntityTypeConfiguration<DocumentCounter>
{
    public void Configure(EntityTypeBuilder<DocumentCounter> builder)
    {
        builder.ToTable("document_counters");
        builder.HasKey(x => new { x.AuthorityId, x.Year, x.Series });
        builder.Property(x => x.Series).HasMaxLength(20);
    }
}

internal sealed class IssuedDocumentConfiguration : IEntityTypeConfiguration<IssuedDocument>
{
    public void Configure(EntityTypeBuilder<IssuedDocument> builder)
    {
        builder.ToTable("issued_documents");
        builder.HasIndex(x => new { x.AuthorityId, x.Year, x.Number }).IsUnique();
        builder.HasIndex(x => x.CampaignId);
        builder.Property(x => x.TypeCode).HasMaxLength(10);
        builder.Property(x => x.Symbol).HasMaxLength(30);
        builder.Property(x => x.Template).HasMaxLength(60);
        builder.Property(x => x.ModelType).HasMaxLength(60);
        builder.Property(x => x.IssuedBy).HasMaxLength(256);
        builder.Property(x => x.TemplateVersions).HasConversion(
            v => System.Text.Json.JsonSerializer.Serialize(v, (System.Text.Json.JsonSerializerOptions?)null),
            v => System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, int>>(v, (System.Text.Json.JsonSerializerOptions?)null) ?? new Dictionary<string, int>(),
            new Microsoft.EntityFrameworkCore.ChangeTracking.ValueComparer<Dictionary<string, int>>(
                (a, b) => a!.Count == b!.Count && !a.Except(b).Any(), v => v.Count, v => new Dictionary<string, int>(v)));
    }
}
