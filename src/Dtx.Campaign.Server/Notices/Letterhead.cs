using Dtx.Campaign.Scoring.Refusals;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dtx.Campaign.Server.Notices;

/// <summary>
/// How an organising authority signs its documents (Decree 30/2020): the governing body above it, its own
/// name as printed, the place, the symbol after the number ("15/TB-UBND") and who signs in which capacity.
/// </summary>
public sealed class Letterhead
{
    public Guid AuthorityId { get; set; }
    /// <summary>The governing body printed above the issuer (may be empty for a provincial People's Committee).</summary>
    public string ParentName { get; set; } = "";
    public required string IssuerName { get; set; }
    public required string Place { get; set; }
    public required string Symbol { get; set; }
    public required string SignerCapacity { get; set; }
    public required string SignerTitle { get; set; }
    public required string SignerName { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public string? UpdatedBy { get; set; }

    /// <summary>What an authority without a configured letterhead prints: its own name, place and the People's Committee's usual symbol.</summary>
    public static Letterhead Default(Units.OrganizingAuthority authority) => new()
    {
        AuthorityId = authority.Id, IssuerName = FullIssuerName(authority.NameVi), Place = authority.Place.Length > 0 ? authority.Place : authority.NameVi,
        Symbol = "UBND", SignerCapacity = "TM. ỦY BAN NHÂN DÂN", SignerTitle = "CHỦ TỊCH", SignerName = "(chưa cấu hình người ký)",
    };

    /// <summary>The issuer as printed: in capitals and in full (Decree 30 writes "ỦY BAN NHÂN DÂN", not "UBND").</summary>
    public static string FullIssuerName(string name) =>
        (name.StartsWith("UBND ", StringComparison.OrdinalIgnoreCase) ? "Ủy ban nhân dân " + name[5..] : name).ToUpper(System.Globalization.CultureInfo.GetCultureInfo("vi-VN"));

    /// <summary>What keeps a letterhead from being saved, per field: every document it heads must be signable as printed.</summary>
    public static IReadOnlyList<Reason> Problems(LetterheadInput input)
    {
        var problems = new List<Reason>();
        void Required(string field, string? value, int max)
        {
            if (string.IsNullOrWhiteSpace(value) || value.Trim().Length > max)
                problems.Add(Reason.For(field, "letterhead.required", ("max", max)));
        }
        Required("issuerName", input.IssuerName, 300);
        Required("place", input.Place, 100);
        Required("signerCapacity", input.SignerCapacity, 100);
        Required("signerTitle", input.SignerTitle, 100);
        Required("signerName", input.SignerName, 200);
        if (string.IsNullOrWhiteSpace(input.Symbol) || input.Symbol.Trim().Length > 30 || input.Symbol.Trim().Any(char.IsWhiteSpace) || input.Symbol.Contains('/'))
            problems.Add(Reason.For("symbol", "letterhead.symbol"));
        if (input.ParentName?.Trim().Length > 300)
            problems.Add(Reason.For("parentName", "letterhead.too-long", ("max", 300)));
        // Every field is printed on the documents this letterhead heads: a character the document font lacks would print as a box.
        foreach (var (field, value) in (ReadOnlySpan<(string, string?)>)[("parentName", input.ParentName), ("issuerName", input.IssuerName), ("place", input.Place),
                     ("symbol", input.Symbol), ("signerCapacity", input.SignerCapacity), ("signerTitle", input.SignerTitle), ("signerName", input.SignerName)])
            if (Documents.DrawableText.FirstMissing(value) is { } character)
                problems.Add(Reason.For(field, "letterhead.unprintable", ("character", character)));
        return problems;
    }

    /// <summary>Takes a checked input (<see cref="Problems"/> found nothing).</summary>
    public void Apply(LetterheadInput input)
    {
        (ParentName, IssuerName, Place, Symbol) = (input.ParentName?.Trim() ?? "", input.IssuerName!.Trim(), input.Place!.Trim(), input.Symbol!.Trim());
        (SignerCapacity, SignerTitle, SignerName) = (input.SignerCapacity!.Trim(), input.SignerTitle!.Trim(), input.SignerName!.Trim());
    }

    public Documents.Authority Authority => new(ParentName, IssuerName, Place);

    public Documents.Signer Signer => new(SignerCapacity, SignerTitle, SignerName);
}

internal sealed class LetterheadConfiguration : IEntityTypeConfiguration<Letterhead>
{
    public void Configure(EntityTypeBuilder<Letterhead> builder)
    {
        builder.ToTable("letterheads");
        builder.HasKey(x => x.AuthorityId);
        builder.Property(x => x.ParentName).HasMaxLength(300);
        builder.Property(x => x.IssuerName).HasMaxLength(300);
        builder.Property(x => x.Place).HasMaxLength(100);
        builder.Property(x => x.Symbol).HasMaxLength(30);
        builder.Property(x => x.SignerCapacity).HasMaxLength(100);
        builder.Property(x => x.SignerTitle).HasMaxLength(100);
        builder.Property(x => x.SignerName).HasMaxLength(200);
        builder.HasOne<Units.OrganizingAuthority>().WithOne().HasForeignKey<Letterhead>(x => x.AuthorityId).OnDelete(DeleteBehavior.Cascade);
    }
}
