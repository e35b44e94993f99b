using System.Globalization;
using Dtx.Campaign.Server.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Dtx.Campaign.Server.Audit;

/// <summary>
/// The chain's head (place and hash) appended as a line "time place hash" to a file outside the database,
/// so that rewriting or cutting the end of the chain no longer verifies. Lines are only ever appended.
/// </summary>
internal sealed class AuditAnchors(CampaignDbContext db, TimeProvider clock, IOptions<AuditOptions> options, IOptions<StorageOptions> storage, IHostEnvironment environment)
{
    public sealed record Anchor(DateTimeOffset At, long Seq, string Hash);

    public string? FilePath
    {
        get
        {
            if (string.IsNullOrWhiteSpace(options.Value.AnchorFile))
                return null;
            var data = Path.Combine(environment.ContentRootPath, storage.Value.DataDirectory);
            return Path.Combine(data, options.Value.AnchorFile);
        }
    }

    /// <summary>Appends the current head; returns it, or null when the chain is empty or no file is configured.</summary>
    public async Task<Anchor?> AppendHeadAsync(CancellationToken ct)
    {
        if (FilePath is not { } path)
            return null;
        var head = await db.Set<AuditEntry>().AsNoTracking().Where(e => e.Seq != null).OrderByDescending(e => e.Seq)
            .Select(e => new { e.Seq, e.Hash }).FirstOrDefaultAsync(ct);
        if (head is null)
            return null;
        var anchor = new Anchor(clock.GetUtcNow(), head.Seq!.Value, head.Hash!);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.AppendAllTextAsync(path, $"{anchor.At.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ} {anchor.Seq} {anchor.Hash}\n", ct);
        return anchor;
    }

    public async Task<IReadOnlyList<Anchor>> ReadAsync(CancellationToken ct)
    {
        if (FilePath is not { } path || !File.Exists(path))
            return [];
        var anchors = new List<Anchor>();
        foreach (var line in await File.ReadAllLinesAsync(path, ct))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length == 3 && DateTimeOffset.TryParse(parts[0], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
                && long.TryParse(parts[1], CultureInfo.InvariantCulture, out var seq))
                anchors.Add(new Anchor(at, seq, parts[2]));
        }
        return anchors;
    }
}

/// <summary>Appends the chain's head to the anchor file once per <see cref="AuditOptions.AnchorInterval"/>.</summary>
internal sealed partial class AuditAnchorService(IServiceScopeFactory scopes, TimeProvider clock, IOptions<AuditOptions> options, ILogger<AuditAnchorService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.AnchorInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                await scope.ServiceProvider.GetRequiredService<AuditAnchors>().AppendHeadAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogAnchorFailed(logger, e);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Appending the audit chain's head to the anchor file failed; the next round retries")]
    private static partial void LogAnchorFailed(ILogger logger, Exception exception);
}
