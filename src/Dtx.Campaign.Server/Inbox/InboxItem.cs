using System.Text.Json;
using Dtx.Campaign.Workflows.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Dtx.Campaign.Server.Inbox;

/// <summary>
/// A campaign e-mail as it also appears in its recipient's in-app inbox: the outbox row it was queued as (the message
/// itself, rendered when read), whom it is for (Identity's normalised e-mail), and when that person read it.
/// </summary>
public sealed class InboxItem
{
    public Guid MessageId { get; set; }
    public required string Recipient { get; set; }
    public Guid CampaignId { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ReadAt { get; set; }
}

internal sealed class InboxItemConfiguration : IEntityTypeConfiguration<InboxItem>
{
    public void Configure(EntityTypeBuilder<InboxItem> builder)
    {
        builder.ToTable("inbox_items");
        builder.HasKey(x => x.MessageId);
        builder.Property(x => x.Recipient).HasMaxLength(256);
        builder.HasIndex(x => new { x.Recipient, x.CreatedAt });
        builder.HasOne<OutboxMessage>().WithOne().HasForeignKey<InboxItem>(x => x.MessageId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>
/// Files every campaign e-mail queued in the outbox into its recipient's inbox, in the same save: one place covers every
/// producer (workflow steps, notices fanned out to an audience, clarification requests, dispute outcomes, reminders sent
/// now). Account e-mails (invitations, password resets) carry no campaign and are never filed: their links are secrets.
/// </summary>
internal sealed class InboxFiling : SaveChangesInterceptor
{
    public static readonly InboxFiling Interceptor = new();

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        File(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        File(eventData.Context);
        return ValueTask.FromResult(result);
    }

    private static void File(DbContext? context)
    {
        if (context is null)
            return;
        var queued = context.ChangeTracker.Entries<OutboxMessage>().Where(e => e.State == EntityState.Added && e.Entity.Kind == "email").Select(e => e.Entity).ToList();
        if (queued.Count == 0)
            return;
        // A save may run twice (a retried transaction): file each message once. A set, since a reminder round queues thousands.
        var filed = context.Set<InboxItem>().Local.Select(i => i.MessageId).ToHashSet();
        foreach (var message in queued)
            if (!filed.Contains(message.Id) && ItemFor(message) is { } item)
                context.Add(item);
    }

    /// <summary>The inbox copy of an outbox e-mail: null unless it names a recipient and a campaign.</summary>
    internal static InboxItem? ItemFor(OutboxMessage message)
    {
        using var payload = JsonDocument.Parse(message.PayloadJson);
        var p = payload.RootElement;
        if (!p.TryGetProperty("to", out var to) || to.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(to.GetString())
            || !p.TryGetProperty("campaignId", out var campaign) || campaign.ValueKind != JsonValueKind.String || !campaign.TryGetGuid(out var campaignId))
            return null;
        return new InboxItem { MessageId = message.Id, Recipient = Normalize(to.GetString()!), CampaignId = campaignId,
            CreatedAt = new DateTimeOffset(DateTime.SpecifyKind(message.CreatedAt, DateTimeKind.Utc)) };
    }

    /// <summary>As ASP.NET Core Identity normalises e-mail addresses (upper case, invariant), so an account finds its messages by its NormalizedEmail.</summary>
    public static string Normalize(string email) => email.Trim().ToUpperInvariant();
}
