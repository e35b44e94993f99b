using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Dtx.Campaign.Workflows.Storage;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Workflows.Definitions;

/// <summary>
/// Definition versions are immutable once an instance runs on them. The first instance of a version
/// pins it (its text and SHA-256 in <see cref="PinnedDefinition"/>); instances are then driven by the
/// pinned text, whatever happens to the file; and the host refuses to start while a shipped file of a
/// pinned version has another hash (a changed v1 must become a v2).
/// </summary>
public static class DefinitionPins
{
    private static readonly ConcurrentDictionary<string, WorkflowDefinition> Parsed = new(StringComparer.Ordinal);

    public static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>Pins <paramref name="definition"/> if it is not yet; refuses when a pin of the same version has another text.</summary>
    public static async Task PinAsync(DbContext db, IWorkflowDefinitionStore store, WorkflowDefinition definition, DateTime now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(definition);
        if (store.TextOf(definition.Key, definition.Version) is not { } text)
        {
            return;
        }

        var hash = Hash(text);
        var pinned = await db.Set<PinnedDefinition>().AsNoTracking()
            .FirstOrDefaultAsync(p => p.Key == definition.Key && p.Version == definition.Version, ct);
        if (pinned is null)
        {
            db.Add(new PinnedDefinition { Key = definition.Key, Version = definition.Version, ContentHash = hash, Text = text, FileName = definition.FileName, PinnedAt = now });
        }
        else if (pinned.ContentHash != hash)
        {
            throw new InvalidOperationException(Changed(definition.FileName, definition.Key, definition.Version, pinned.ContentHash, hash));
        }
    }

    /// <summary>
    /// The definition an instance runs on: the loaded file when it is the pinned text (or nothing is
    /// pinned: an instance from before pinning), otherwise the pinned text from the database.
    /// </summary>
    public static WorkflowDefinition? Resolve(DbContext db, IWorkflowDefinitionStore store, string key, int version)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(store);
        var loaded = store.Find(key, version);
        var pinned = db.Set<PinnedDefinition>().AsNoTracking().Where(p => p.Key == key && p.Version == version)
            .Select(p => new { p.ContentHash, p.FileName }).FirstOrDefault();
        if (pinned is null || (loaded is not null && store.TextOf(key, version) is { } text && Hash(text) == pinned.ContentHash))
        {
            return loaded;
        }

        return Parsed.GetOrAdd(pinned.ContentHash, _ =>
        {
            var stored = db.Set<PinnedDefinition>().AsNoTracking().Where(p => p.Key == key && p.Version == version).Select(p => p.Text).First();
            var result = WorkflowDefinitionReader.Read(stored, pinned.FileName ?? $"{key}.v{version}.yaml", store.Catalog);
            return result.Definition ?? throw new WorkflowDefinitionException(
                $"The pinned text of '{key}' v{version} no longer validates:" + Environment.NewLine + string.Join(Environment.NewLine, result.Problems), result.Problems);
        });
    }

    /// <summary>
    /// At start-up: pins the versions that instances run on and nothing pinned yet (instances from before
    /// pinning), then lists every shipped file whose pinned version has another text. Empty: all is well.
    /// </summary>
    public static async Task<IReadOnlyList<string>> CheckShippedAsync(DbContext db, IWorkflowDefinitionStore store, DateTime now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(store);
        var pins = await db.Set<PinnedDefinition>().AsNoTracking().Select(p => new { p.Key, p.Version, p.ContentHash }).ToListAsync(ct);
        var used = await db.Set<WorkflowInstance>().AsNoTracking().Select(i => new { i.DefinitionKey, i.DefinitionVersion }).Distinct().ToListAsync(ct);
        foreach (var version in used.Where(u => !pins.Any(p => p.Key == u.DefinitionKey && p.Version == u.DefinitionVersion)))
        {
            if (store.Find(version.DefinitionKey, version.DefinitionVersion) is { } definition)
            {
                await PinAsync(db, store, definition, now, ct);
            }
        }

        await db.SaveChangesAsync(ct);
        var problems = new List<string>();
        foreach (var pin in pins)
        {
            if (store.Find(pin.Key, pin.Version) is { } definition && store.TextOf(pin.Key, pin.Version) is { } text && Hash(text) != pin.ContentHash)
            {
                problems.Add(Changed(definition.FileName, pin.Key, pin.Version, pin.ContentHash, Hash(text)));
            }
        }

        return problems;
    }

    private static string Changed(string file, string key, int version, string pinned, string now) =>
        $"{file}: '{key}' v{version} is pinned by instances (SHA-256 {pinned[..12]}…) but the file now has {now[..12]}…; " +
        $"a version cannot change under running instances: restore the file and put the change in a new version (version: {version + 1}).";
}
