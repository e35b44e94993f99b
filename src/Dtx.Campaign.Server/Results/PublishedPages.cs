using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.OutputCaching;

namespace Dtx.Campaign.Server.Results;

/// <summary>
/// Published results are read by everyone on publication day and never change once stored, so their public pages,
/// the public API and its exports are rendered once per language and served from the output cache. Only anonymous
/// readers are served from it (the framework's default: a signed-in person's page carries their name and menus).
/// A publication, confirmed awards or a revoked certificate evict it on this node; the expiry bounds what another
/// node of a cluster may show after such a change.
/// </summary>
internal sealed class PublishedPages(IOutputCacheStore store)
{
    // The policy's name is also its eviction tag: one name for one set of pages.
    public const string Policy = "published";
    public static readonly TimeSpan Expiry = TimeSpan.FromSeconds(60);

    public static void Configure(OutputCacheOptions options) =>
        options.AddPolicy(Policy, builder => builder
            .Expire(Expiry)
            .Tag(Policy)
            // The language the localization middleware chose (cookie, or for the API also Accept-Language): two
            // entries per page at most, whatever the callers send.
            .VaryByValue(context => new KeyValuePair<string, string>("language",
                context.Features.Get<IRequestCultureFeature>()?.RequestCulture.UICulture.TwoLetterISOLanguageName ?? "vi")));

    /// <summary>Something a public page shows has changed: no page rendered before it is served again.</summary>
    public ValueTask ChangedAsync(CancellationToken ct) => store.EvictByTagAsync(Policy, ct);
}
