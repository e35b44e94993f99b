using System.Globalization;
using System.Net.Mail;
using Dtx.Campaign.Documents;
using Dtx.Campaign.Scoring.IndexSets;
using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Audit;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Imports;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Units;

/// <summary>
/// Imports units from a CSV or Excel sheet, one row per unit. Every row is checked before anything is
/// written; one bad row refuses the whole file. Existing units (same authority and code) are updated.
/// </summary>
/// <remarks>
/// Columns: authority, authority_name_vi, authority_name_en, authority_place (needed only for a new
/// authority), code, name_vi, name_en, category, flags (separated by ';'), active (default yes),
/// demo, head_name, head_email, focal_name, focal_email, focal_phone, population; lineage (docs/lineage.md):
/// predecessors (codes of the same authority separated by ';', each optionally with its share, e.g.
/// <c>OLD-A;OLD-B:0.5</c>), lineage_kind (merge, split, rename), effective_on (yyyy-MM-dd). A file without the
/// predecessors column leaves stored lineage alone; with it, each row's predecessors replace the unit's.
/// </remarks>
internal sealed class UnitImport(CampaignDbContext db, UnitCategoryCatalog categories, AuditTrail audit)
{
    public static readonly string[] RequiredColumns = ["authority", "code", "name_vi", "name_en", "category"];

    public sealed record Summary(int Created, int Updated, int AuthoritiesCreated);

    private sealed record ParsedRow(
        int Row, string Authority, string? AuthorityNameVi, string? AuthorityNameEn, string? AuthorityPlace,
        string Code, string NameVi, string NameEn, string Category, List<string> Flags, bool Active, bool Demo,
        UnitContact? Head, UnitContact? Focal, long? Population, IReadOnlyList<(string Code, decimal Share)> Predecessors, string? LineageKind, DateOnly? EffectiveOn);

    public async Task<Summary> ImportAsync(string fileName, Stream content, CancellationToken cancellationToken)
    {
        using var buffer = await ImportLimits.BufferAsync(fileName, content, cancellationToken);
        var (rows, unreadable) = TabularFile.Read(fileName, buffer);
        if (unreadable is not null)
            throw new ImportRejectedException(fileName, [unreadable]);

        var problems = new List<FileProblem>();
        if (rows.Count == 0)
            problems.Add(new FileProblem(fileName, null, "file", Reason.Of("units.no-rows")));
        else
            problems.AddRange(RequiredColumns
                .Where(c => !rows[0].Cells.ContainsKey(c))
                .Select(c => new FileProblem(fileName, 1, c, Reason.Of("units.missing-column", ("column", c), ("required", RequiredColumns)))));
        if (problems.Count > 0)
            throw new ImportRejectedException(fileName, problems);

        var parsed = rows.Select(r => Parse(fileName, r, problems)).OfType<ParsedRow>().ToList();
        foreach (var duplicate in parsed.GroupBy(p => (p.Authority, p.Code)).Where(g => g.Count() > 1))
            foreach (var row in duplicate.Skip(1))
                problems.Add(new FileProblem(fileName, row.Row, "code",
                    Reason.Of("units.duplicate", ("code", row.Code), ("authority", row.Authority), ("first", duplicate.First().Row))));

        var authorityCodes = parsed.Select(p => p.Authority).Distinct().ToList();
        var authorities = await db.Authorities.Where(a => authorityCodes.Contains(a.Code)).ToDictionaryAsync(a => a.Code, cancellationToken);
        // A new authority is described once, on any of its rows.
        var newAuthorities = parsed.Where(p => !authorities.ContainsKey(p.Authority)).GroupBy(p => p.Authority)
            .ToDictionary(g => g.Key, g => g.FirstOrDefault(p => p.AuthorityNameVi is not null && p.AuthorityNameEn is not null));
        foreach (var (code, described) in newAuthorities.Where(a => a.Value is null))
            problems.Add(new FileProblem(fileName, parsed.First(p => p.Authority == code).Row, "authority_name_vi",
                Reason.Of("units.authority-unknown", ("authority", code))));

        if (problems.Count > 0)
            throw new ImportRejectedException(fileName, problems);

        var withLineage = rows[0].Cells.ContainsKey("predecessors");
        var storedLineage = await StoredLineageAsync(authorityCodes, cancellationToken);
        if (withLineage)
            await CheckLineageAsync(fileName, parsed, authorityCodes, storedLineage, problems, cancellationToken);
        if (problems.Count > 0)
            throw new ImportRejectedException(fileName, problems);

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var authoritiesCreated = 0;
        foreach (var row in newAuthorities.Values.OfType<ParsedRow>())
        {
            var authority = new OrganizingAuthority
            {
                Id = Guid.CreateVersion7(),
                Code = row.Authority,
                NameVi = row.AuthorityNameVi!,
                NameEn = row.AuthorityNameEn!,
                Place = row.AuthorityPlace ?? "",
            };
            db.Authorities.Add(authority);
            authorities[authority.Code] = authority;
            authoritiesCreated++;
        }

        var existing = await db.Units.Include(u => u.Contacts)
            .Where(u => authorityCodes.Contains(u.Authority!.Code))
            .ToDictionaryAsync(u => (u.AuthorityId, u.Code), cancellationToken);
        int created = 0, updated = 0;
        var events = new List<AuditEvent>();
        foreach (var row in parsed)
        {
            var authorityId = authorities[row.Authority].Id;
            var isNew = !existing.TryGetValue((authorityId, row.Code), out var unit);
            if (isNew)
            {
                unit = new Unit { Id = Guid.CreateVersion7(), AuthorityId = authorityId, Code = row.Code, NameVi = row.NameVi, NameEn = row.NameEn, Category = row.Category };
                db.Units.Add(unit);
                created++;
            }
            else
            {
                updated++;
            }
            var lineageBefore = isNew ? "" : LineageText(storedLineage.Where(l => l.UnitId == unit!.Id).Select(l => l.Link));
            var before = isNew ? null : Snapshot(unit!, lineageBefore);
            unit!.NameVi = row.NameVi;
            unit.NameEn = row.NameEn;
            unit.Category = row.Category;
            unit.Flags = row.Flags;
            unit.IsActive = row.Active;
            unit.IsDemo = row.Demo;
            unit.Population = row.Population;
            // Contacts get their keys from EF when added: a preset key would be taken for an existing row.
        unit.Contacts.RemoveAll(_ => true);
            if (row.Head is not null) unit.Contacts.Add(row.Head);
            if (row.Focal is not null) unit.Contacts.Add(row.Focal);
            var after = Snapshot(unit, withLineage ? LineageText(LinksOf(row)) : lineageBefore);
            if (before != after)
                events.Add(new AuditEvent(before is null ? "unit.created" : "unit.updated", "unit", unit.Id.ToString(), before, after, fileName, UnitId: unit.Id));
        }
        await db.SaveChangesAsync(cancellationToken);
        if (withLineage)
            await ReplaceLineageAsync(parsed, authorities, cancellationToken);
        await audit.RecordAsync(events, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new Summary(created, updated, authoritiesCreated);
    }

    private ParsedRow? Parse(string file, TabularFile.Row row, List<FileProblem> problems)
    {
        var before = problems.Count;
        void Problem(string field, Reason reason) => problems.Add(new FileProblem(file, row.Number, field, reason));

        string Required(string column)
        {
            var value = row.Get(column);
            if (value.Length == 0) Problem(column, Reason.Of("file.empty-value"));
            return value;
        }

        var authority = Required("authority");
        var code = Required("code");
        var nameVi = Required("name_vi");
        var nameEn = Required("name_en");
        var category = Required("category");
        // Names are printed on notices and Certificates of Merit: a character the document font cannot draw would print
        // as an empty box on a paper a chairman signs, so the file is refused before anything is stored.
        foreach (var column in (string[])["name_vi", "name_en", "authority_name_vi", "authority_name_en", "head_name", "focal_name"])
            if (DrawableText.FirstMissing(row.Get(column)) is { } character)
                Problem(column, Reason.Of("units.unprintable-character", ("character", character)));
        var flags = row.Get("flags").Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(f => f.ToLowerInvariant()).Distinct().ToList();
        if (category.Length > 0)
        {
            var known = categories.FlagsOf(category);
            if (known is null)
                Problem("category", Reason.Of("units.unknown-category", ("category", category), ("known", categories.Keys)));
            else
                foreach (var flag in flags.Where(f => !known.Contains(f)))
                    Problem("flags", known.Count == 0
                        ? Reason.Of("units.category-without-flags", ("flag", flag), ("category", category))
                        : Reason.Of("units.unknown-flag", ("flag", flag), ("category", category), ("defined", known)));
        }

        var active = ParseBool(row.Get("active"), true, "active", Problem);
        var demo = ParseBool(row.Get("demo"), false, "demo", Problem);
        var head = Contact(ContactRole.Head, row.Get("head_name"), row.Get("head_email"), null, "head", Problem);
        var focal = Contact(ContactRole.FocalOfficer, row.Get("focal_name"), row.Get("focal_email"), row.Get("focal_phone"), "focal", Problem);
        long? population = null;
        if (row.Get("population") is { Length: > 0 } people)
        {
            if (long.TryParse(people, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0)
                population = n;
            else
                Problem("population", Reason.Of("units.not-population", ("value", people)));
        }
        var predecessors = new List<(string Code, decimal Share)>();
        foreach (var item in row.Get("predecessors").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = item.Split(':', 2, StringSplitOptions.TrimEntries);
            var share = 1m;
            if (parts.Length == 2 && !decimal.TryParse(parts[1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out share))
                Problem("predecessors", Reason.Of("lineage.share-not-number", ("item", item)));
            else if (predecessors.Any(p => p.Code == parts[0]))
                Problem("predecessors", Reason.Of("lineage.listed-twice", ("code", parts[0])));
            else
                predecessors.Add((parts[0], share));
        }
        var kind = NullIfEmpty(row.Get("lineage_kind").ToLowerInvariant());
        DateOnly? effectiveOn = null;
        if (row.Get("effective_on") is { Length: > 0 } day)
        {
            if (DateOnly.TryParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d))
                effectiveOn = d;
            else
                Problem("effective_on", Reason.Of("units.not-date", ("value", day)));
        }
        if (predecessors.Count > 0)
        {
            if (effectiveOn is null && row.Get("effective_on").Length == 0)
                Problem("effective_on", Reason.Of("lineage.effective-on-missing"));
            kind ??= predecessors.Any(p => p.Share < 1) ? LineageKinds.Split : predecessors.Count == 1 ? LineageKinds.Rename : LineageKinds.Merge;
            if (Lineage.CheckUnit([.. predecessors.Select(p => new Lineage.Link(code, p.Code, kind, p.Share))]) is { } wrong)
                Problem(wrong.Field!, wrong);
        }
        else if (kind is not null || effectiveOn is not null)
        {
            Problem("predecessors", Reason.Of("lineage.predecessors-missing"));
        }

        if (problems.Count > before)
            return null;
        return new ParsedRow(row.Number, authority, NullIfEmpty(row.Get("authority_name_vi")), NullIfEmpty(row.Get("authority_name_en")),
            NullIfEmpty(row.Get("authority_place")), code, nameVi, nameEn, category, flags, active, demo, head, focal, population, predecessors, kind, effectiveOn);
    }

    private sealed record UnitSnapshot(string Code, string NameVi, string NameEn, string Category, string Flags, bool Active, string Contacts,
        long? Population, string Predecessors);

    private static UnitSnapshot Snapshot(Unit u, string lineage) => new(u.Code, u.NameVi, u.NameEn, u.Category, string.Join(';', u.Flags), u.IsActive,
        string.Join("; ", u.Contacts.Select(c => $"{c.Role}: {c.FullName} <{c.Email}> {c.Phone}")), u.Population, lineage);

    private sealed record StoredLink(Guid UnitId, string Authority, Lineage.Link Link);

    private static string LineageText(IEnumerable<Lineage.Link> links) =>
        string.Join("; ", links.OrderBy(l => l.Predecessor, StringComparer.Ordinal)
            .Select(l => $"{l.Predecessor} ({l.Kind}, {Lineage.ShareText(l.Share)})"));

    private static IEnumerable<Lineage.Link> LinksOf(ParsedRow row) =>
        row.Predecessors.Select(p => new Lineage.Link(row.Code, p.Code, row.LineageKind ?? LineageKinds.Merge, p.Share));

    /// <summary>The stored links of the authorities' units, by code.</summary>
    private async Task<List<StoredLink>> StoredLineageAsync(List<string> authorityCodes, CancellationToken ct) =>
        (await (from l in db.Set<UnitPredecessor>().AsNoTracking()
                join u in db.Units.AsNoTracking() on l.UnitId equals u.Id
                join p in db.Units.AsNoTracking() on l.PredecessorId equals p.Id
                where authorityCodes.Contains(u.Authority!.Code)
                select new { l.UnitId, Authority = u.Authority!.Code, Unit = u.Code, Predecessor = p.Code, l.Kind, l.Share }).ToListAsync(ct))
        .Select(x => new StoredLink(x.UnitId, x.Authority, new Lineage.Link(x.Unit, x.Predecessor, x.Kind, x.Share))).ToList();

    /// <summary>
    /// The file's lineage with what is stored for the units the file does not list: every predecessor is known,
    /// no unit descends from itself, and each predecessor's shares add up to 1. Problems name the file's rows.
    /// </summary>
    private async Task CheckLineageAsync(string file, List<ParsedRow> parsed, List<string> authorityCodes, List<StoredLink> stored,
        List<FileProblem> problems, CancellationToken ct)
    {
        var known = (await db.Units.AsNoTracking().Where(u => authorityCodes.Contains(u.Authority!.Code))
                .Select(u => new { Authority = u.Authority!.Code, u.Code }).ToListAsync(ct))
            .Select(u => (u.Authority, u.Code)).Concat(parsed.Select(p => (p.Authority, p.Code))).ToHashSet();
        foreach (var row in parsed)
            foreach (var (code, _) in row.Predecessors.Where(p => !known.Contains((row.Authority, p.Code))))
                problems.Add(new FileProblem(file, row.Row, "predecessors", Reason.Of("lineage.unknown-predecessor", ("code", code), ("authority", row.Authority))));
        if (problems.Count > 0)
            return;

        foreach (var authority in parsed.Select(p => p.Authority).Distinct(StringComparer.Ordinal))
        {
            var inFile = parsed.Where(p => p.Authority == authority).ToList();
            var rowOf = inFile.ToDictionary(p => p.Code, p => p.Row, StringComparer.Ordinal);
            var links = stored.Where(s => s.Authority == authority && !rowOf.ContainsKey(s.Link.Unit)).Select(s => s.Link)
                .Concat(inFile.SelectMany(LinksOf)).ToList();
            if (Lineage.FindCycle(links) is { } cycle)
            {
                var first = cycle.Where(rowOf.ContainsKey).OrderBy(c => rowOf[c]).First();
                problems.Add(new FileProblem(file, rowOf[first], "predecessors", Reason.Of("lineage.cycle", ("cycle", string.Join(" ← ", cycle)))));
            }
            foreach (var (predecessor, sum, shared) in Lineage.UnbalancedShares(links))
            {
                // The rows that give or (by leaving it out) take away a share of it.
                var at = shared.Select(l => l.Unit).Concat(stored.Where(s => s.Authority == authority && s.Link.Predecessor == predecessor).Select(s => s.Link.Unit))
                    .Where(rowOf.ContainsKey).Select(u => (int?)rowOf[u]).Min();
                problems.Add(new FileProblem(file, at, "predecessors", Reason.Of("lineage.shares-sum", ("predecessor", predecessor),
                    ("sum", Lineage.ShareText(sum)), ("shares", shared.Select(l => $"{l.Unit} {Lineage.ShareText(l.Share)}").ToList()))));
            }
        }
    }

    /// <summary>Each listed unit's predecessors become the file's (an empty cell removes them).</summary>
    private async Task ReplaceLineageAsync(List<ParsedRow> parsed, Dictionary<string, OrganizingAuthority> authorities, CancellationToken ct)
    {
        var authorityIds = authorities.Values.Select(a => a.Id).ToList();
        var ids = await db.Units.Where(u => authorityIds.Contains(u.AuthorityId)).Select(u => new { u.AuthorityId, u.Code, u.Id }).ToListAsync(ct);
        var idOf = ids.ToDictionary(u => (u.AuthorityId, u.Code), u => u.Id);
        var unitIds = parsed.Select(p => idOf[(authorities[p.Authority].Id, p.Code)]).ToList();
        db.RemoveRange(await db.Set<UnitPredecessor>().Where(l => unitIds.Contains(l.UnitId)).ToListAsync(ct));
        foreach (var row in parsed)
        {
            var authorityId = authorities[row.Authority].Id;
            foreach (var link in LinksOf(row))
                db.Add(new UnitPredecessor
                {
                    Id = Guid.CreateVersion7(), UnitId = idOf[(authorityId, row.Code)], PredecessorId = idOf[(authorityId, link.Predecessor)],
                    EffectiveOn = row.EffectiveOn!.Value, Kind = link.Kind, Share = link.Share,
                });
        }
        await db.SaveChangesAsync(ct);
    }

    private static bool ParseBool(string value, bool fallback, string field, Action<string, Reason> problem)
    {
        switch (value.ToLowerInvariant())
        {
            case "": return fallback;
            case "1" or "true" or "yes" or "x" or "có" or "co": return true;
            case "0" or "false" or "no" or "không" or "khong": return false;
            default:
                problem(field, Reason.Of("units.not-yes-no", ("value", value)));
                return fallback;
        }
    }

    private static UnitContact? Contact(ContactRole role, string name, string email, string? phone, string prefix, Action<string, Reason> problem)
    {
        if (name.Length == 0 && email.Length == 0)
            return null;
        if (name.Length == 0)
            problem($"{prefix}_name", Reason.Of("units.contact-name-missing"));
        if (!MailAddress.TryCreate(email, out var address) || address.Address != email)
            problem($"{prefix}_email", email.Length == 0 ? Reason.Of("units.contact-email-missing") : Reason.Of("units.not-email", ("value", email)));
        return new UnitContact { Role = role, FullName = name, Email = email, Phone = string.IsNullOrWhiteSpace(phone) ? null : phone };
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
