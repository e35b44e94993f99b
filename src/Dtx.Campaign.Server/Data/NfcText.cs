using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Dtx.Campaign.Server.Data;

/// <summary>
/// Every text is stored in Unicode normalisation form C. Vietnamese typed on some keyboards, pasted from PDFs or imported from
/// spreadsheets arrives decomposed (NFD: "ệ" as e + U+0323 + U+0302): it then compares, sorts and searches differently from the
/// same name typed precomposed, and prints with stacked marks from separate glyphs. One interceptor on saving covers the API,
/// the pages, the imports and the CLI alike.
/// </summary>
internal sealed class NfcText : SaveChangesInterceptor
{
    public static readonly NfcText Interceptor = new();

    public static string? Normalize(string? text) => text is null || text.IsNormalized(NormalizationForm.FormC) ? text : text.Normalize(NormalizationForm.FormC);

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Apply(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Apply(eventData.Context);
        return ValueTask.FromResult(result);
    }

    /// <summary>Normalises the texts of every added or changed entity (also for a caller that writes them without SaveChanges).</summary>
    internal static void Apply(DbContext? context)
    {
        if (context is null)
            return;
        foreach (var entry in context.ChangeTracker.Entries())
        {
            // An audit entry is hashed into its chain as given; rewriting it here would break the chain it was hashed into.
            if (entry.State is not (EntityState.Added or EntityState.Modified) || entry.Entity is Audit.AuditEntry)
                continue;
            foreach (var property in entry.Properties)
            {
                switch (property.CurrentValue)
                {
                    case string text when Normalize(text) is { } nfc && !ReferenceEquals(nfc, text):
                        property.CurrentValue = nfc;
                        break;
                    case List<string> list when list.Any(t => !t.IsNormalized(NormalizationForm.FormC)):
                        property.CurrentValue = list.Select(t => Normalize(t)!).ToList();
                        break;
                }
            }
        }
    }
}
