using System.Net.Mail;
using Dtx.Campaign.Scoring.IndexSets;
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
/// demo, head_name, head_email, focal_name, focal_email, focal_phone.
/// </remarks>
internal sealed class UnitImport(CampaignDbContext db, UnitCategoryCatalog categories, AuditTrail audit)
{
    public static readonly string[] RequiredColumns = ["authority", "code", "name_vi", "name_en", "category"];

    public sealed record Summary(int Created, int Updated, int AuthoritiesCreated);

    private sealed record ParsedRow(
        int Row, string Authority, string? AuthorityNameVi, string? AuthorityNameEn, string? AuthorityPlace,
        string Code, string NameVi, string NameEn, string Category, List<string> Flags, bool Active, bool Demo,
        UnitContact? Head, UnitContact? Focal);

    public async Task<Summary> ImportAsync(string fileName, Stream content, CancellationToken cancellationToken)
    {
        using var buffer = await ImportLimits.BufferAsync(fileName, content, cancellationToken);
        var (rows, unreadable) = TabularFile.Read(fileName, buffer);
        if (unreadable is not null)
            throw new ImportRejectedException(fileName, [unreadable]);

        var problems = new List<FileProblem>();
        if (rows.Count == 0)
            problems.Add(new FileProblem(fileName, null, "file", "no data rows: the first row must be the header, then one row per unit"));
        else
            problems.AddRange(RequiredColumns
                .Where(c => !rows[0].Cells.ContainsKey(c))
                .Select(c => new FileProblem(fileName, 1, c, $"missing column '{c}' (required: {string.Join(", ", RequiredColumns)})")));
        if (problems.Count > 0)
            throw new ImportRejectedException(fileName, problems);

        var parsed = rows.Select(r => Parse(fileName, r, problems)).OfType<ParsedRow>().ToList();
        foreach (var duplicate in parsed.GroupBy(p => (p.Authority, p.Code)).Where(g => g.Count() > 1))
            foreach (var row in duplicate.Skip(1))
                problems.Add(new FileProblem(fileName, row.Row, "code", $"unit '{row.Code}' of authority '{row.Authority}' appears again (first at row {duplicate.First().Row})"));

        var authorityCodes = parsed.Select(p => p.Authority).Distinct().ToList();
        var authorities = await db.Authorities.Where(a => authorityCodes.Contains(a.Code)).ToDictionaryAsync(a => a.Code, cancellationToken);
        // A new authority is described once, on any of its rows.
        var newAuthorities = parsed.Where(p => !authorities.ContainsKey(p.Authority)).GroupBy(p => p.Authority)
            .ToDictionary(g => g.Key, g => g.FirstOrDefault(p => p.AuthorityNameVi is not null && p.AuthorityNameEn is not null));
        foreach (var (code, described) in newAuthorities.Where(a => a.Value is null))
            problems.Add(new FileProblem(fileName, parsed.First(p => p.Authority == code).Row, "authority_name_vi",
                $"authority '{code}' does not exist yet: give authority_name_vi and authority_name_en on one of its rows to create it"));

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
            var before = isNew ? null : Snapshot(unit!);
            unit!.NameVi = row.NameVi;
            unit.NameEn = row.NameEn;
            unit.Category = row.Category;
            unit.Flags = row.Flags;
            unit.IsActive = row.Active;
            unit.IsDemo = row.Demo;
            // Contacts get their keys from EF when added: a preset key would be taken for an existing row.
        unit.Contacts.RemoveAll(_ => true);
            if (row.Head is not null) unit.Contacts.Add(row.Head);
            if (row.Focal is not null) unit.Contacts.Add(row.Focal);
            var after = Snapshot(unit);
            if (before != after)
                events.Add(new AuditEvent(before is null ? "unit.created" : "unit.updated", "unit", unit.Id.ToString(), before, after, fileName, UnitId: unit.Id));
        }
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(events, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new Summary(created, updated, authoritiesCreated);
    }

    private ParsedRow? Parse(string file, TabularFile.Row row, List<FileProblem> problems)
    {
        var before = problems.Count;
        void Problem(string field, string message) => problems.Add(new FileProblem(file, row.Number, field, message));

        string Required(string column)
        {
            var value = row.Get(column);
            if (value.Length == 0) Problem(column, "is empty");
            return value;
        }

        var authority = Required("authority");
        var code = Required("code");
        var nameVi = Required("name_vi");
        var nameEn = Required("name_en");
        var category = Required("category");
        var flags = row.Get("flags").Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(f => f.ToLowerInvariant()).Distinct().ToList();
        if (category.Length > 0)
        {
            var known = categories.FlagsOf(category);
            if (known is null)
                Problem("category", $"unknown category '{category}' (known: {string.Join(", ", categories.Keys)})");
            else
                foreach (var flag in flags.Where(f => !known.Contains(f)))
                    Problem("flags", $"flag '{flag}' is not defined for category '{category}' (defined: {(known.Count == 0 ? "none" : string.Join(", ", known))})");
        }

        var active = ParseBool(row.Get("active"), true, "active", Problem);
        var demo = ParseBool(row.Get("demo"), false, "demo", Problem);
        var head = Contact(ContactRole.Head, row.Get("head_name"), row.Get("head_email"), null, "head", Problem);
        var focal = Contact(ContactRole.FocalOfficer, row.Get("focal_name"), row.Get("focal_email"), row.Get("focal_phone"), "focal", Problem);

        if (problems.Count > before)
            return null;
        return new ParsedRow(row.Number, authority, NullIfEmpty(row.Get("authority_name_vi")), NullIfEmpty(row.Get("authority_name_en")),
            NullIfEmpty(row.Get("authority_place")), code, nameVi, nameEn, category, flags, active, demo, head, focal);
    }

    private sealed record UnitSnapshot(string Code, string NameVi, string NameEn, string Category, string Flags, bool Active, string Contacts);

    private static UnitSnapshot Snapshot(Unit u) => new(u.Code, u.NameVi, u.NameEn, u.Category, string.Join(';', u.Flags), u.IsActive,
        string.Join("; ", u.Contacts.Select(c => $"{c.Role}: {c.FullName} <{c.Email}> {c.Phone}")));

    private static bool ParseBool(string value, bool fallback, string field, Action<string, string> problem)
    {
        switch (value.ToLowerInvariant())
        {
            case "": return fallback;
            case "1" or "true" or "yes" or "x" or "có" or "co": return true;
            case "0" or "false" or "no" or "không" or "khong": return false;
            default:
                problem(field, $"'{value}' is not yes/no (use 1/0, true/false, có/không)");
                return fallback;
        }
    }

    private static UnitContact? Contact(ContactRole role, string name, string email, string? phone, string prefix, Action<string, string> problem)
    {
        if (name.Length == 0 && email.Length == 0)
            return null;
        if (name.Length == 0)
            problem($"{prefix}_name", "is empty while an e-mail is given");
        if (!MailAddress.TryCreate(email, out var address) || address.Address != email)
            problem($"{prefix}_email", email.Length == 0 ? "is empty while a name is given" : $"'{email}' is not an e-mail address");
        return new UnitContact { Role = role, FullName = name, Email = email, Phone = string.IsNullOrWhiteSpace(phone) ? null : phone };
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
