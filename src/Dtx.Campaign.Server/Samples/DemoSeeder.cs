using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Hosting;
using Dtx.Campaign.Server.IndexSets;
using Dtx.Campaign.Server.Units;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Samples;

/// <summary>
/// Loads the sample index sets (published) and the demo units shipped in <c>data/</c>. Running it twice
/// changes nothing: stored versions are skipped and units are updated in place.
/// </summary>
internal sealed class DemoSeeder(CampaignDbContext db, IndexSetCatalog catalog, UnitImport units, SampleData samples, Audit.AuditTrail audit, TimeProvider clock)
{
    public async Task<IReadOnlyList<string>> SeedAsync(CancellationToken ct)
    {
        var report = new List<string>();
        foreach (var path in samples.IndexSetFiles())
        {
            var name = Path.GetFileName(path);
            await using var content = File.OpenRead(path);
            var stored = await db.IndexSets.AsNoTracking().Select(s => new { s.Key, s.Version, s.SourceFileName }).ToListAsync(ct);
            if (stored.Any(s => s.SourceFileName == name))
            {
                report.Add($"{name}: already stored.");
                continue;
            }
            var record = await catalog.ImportAsync(name, content, "seed-demo", publish: true, ct);
            report.Add($"{name}: {record.Key} v{record.Version} published ({record.IndicatorCount} indicators, {record.MaxPoints:0.##} points).");
        }
        foreach (var path in samples.UnitFiles())
        {
            await using var content = File.OpenRead(path);
            var summary = await units.ImportAsync(Path.GetFileName(path), content, ct);
            report.Add($"{Path.GetFileName(path)}: {summary.Created} units created, {summary.Updated} updated.");
        }
        await DemoLetterheadsAsync(report, ct);
        return report;
    }

    /// <summary>
    /// A letterhead for each authority that has none, so that demo notices carry a signer: an obvious
    /// placeholder name ("Nguyễn Văn A") that administrators replace through <c>PUT /api/authorities/{code}/letterhead</c>.
    /// </summary>
    private async Task DemoLetterheadsAsync(List<string> report, CancellationToken ct)
    {
        var without = await db.Authorities.Where(a => !db.Set<Notices.Letterhead>().Any(l => l.AuthorityId == a.Id)).ToListAsync(ct);
        foreach (var authority in without)
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var letterhead = Notices.Letterhead.Default(authority);
            (letterhead.SignerName, letterhead.UpdatedAt, letterhead.UpdatedBy) = ("Nguyễn Văn A", clock.GetUtcNow(), "seed-demo");
            db.Add(letterhead);
            await db.SaveChangesAsync(ct);
            await audit.RecordAsync(new Audit.AuditEvent("letterhead.saved", "authority", authority.Id.ToString(), null,
                new { letterhead.IssuerName, letterhead.Place, letterhead.Symbol, letterhead.SignerCapacity, letterhead.SignerTitle, letterhead.SignerName }, Detail: authority.Code), ct);
            await transaction.CommitAsync(ct);
            report.Add($"{authority.Code}: demo letterhead {letterhead.IssuerName}, signer {letterhead.SignerName} (replace it with the real one).");
        }
    }
}

/// <summary>Where the shipped data files are: next to the binary (copied at build) or in the repository.</summary>
internal sealed class SampleData(IHostEnvironment environment)
{
    public string Root { get; } = ShippedFiles.Folder(environment, "data");

    public IEnumerable<string> IndexSetFiles() =>
        Directory.EnumerateFiles(Path.Combine(Root, "index-sets"), "*.yaml").Order(StringComparer.Ordinal);

    public IEnumerable<string> UnitFiles() =>
        Directory.EnumerateFiles(Path.Combine(Root, "units"), "*.csv").Order(StringComparer.Ordinal);

    public string UnitCategoriesFile => Path.Combine(Root, "unit-categories.yaml");
}
