using System.IO.Compression;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.OutputCaching;
using Microsoft.AspNetCore.ResponseCompression;

namespace Dtx.Campaign.Server.Results;

/// <summary>
/// Published results are read by everyone on publication day and never change once stored, so their public pages,
/// the public API and its exports are rendered once per language and served from the output cache. Only anonymous
/// readers are served from it (the framework's default: a signed-in person's page carries their name and menus).
/// A publication, confirmed awards or a revoked certificate evict it on this node; the expiry bounds what another
/// node of a cluster may show after such a change. They go out compressed (Brotli or gzip, as the reader accepts) and
/// are cached compressed, so a 100 KB ranking page costs one compression per minute, not one per reader.
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
                context.Features.Get<IRequestCultureFeature>()?.RequestCulture.UICulture.TwoLetterISOLanguageName ?? "vi"))
            // The encoding the compression middleware will choose for this reader (br, gzip or none), so that a page
            // stored compressed one way is never served to a reader who asked for another: three entries at most.
            .VaryByValue(context => new KeyValuePair<string, string>("encoding", Compressed(context)
                ? context.RequestServices.GetRequiredService<IResponseCompressionProvider>().GetCompressionProvider(context)?.EncodingName ?? "identity"
                : "identity")));

    public static void ConfigureCompression(ResponseCompressionOptions options)
    {
        // Only published pages are compressed (Compressed, below): they hold no secret of the reader's, so compressing
        // them over HTTPS gives an attacker nothing to guess (BREACH needs a secret in the compressed page).
        options.EnableForHttps = true;
        options.MimeTypes = [.. ResponseCompressionDefaults.MimeTypes, "text/csv"];
    }

    public static void ConfigureBrotli(BrotliCompressionProviderOptions options) => options.Level = CompressionLevel.Optimal;

    public static void ConfigureGzip(GzipCompressionProviderOptions options) => options.Level = CompressionLevel.Optimal;

    /// <summary>
    /// Whether a response is compressed: an anonymous reader's request for a page served from the output cache. A signed-in
    /// person's pages carry their antiforgery token and name, and are never compressed.
    /// </summary>
    public static bool Compressed(HttpContext context) =>
        context.User.Identity?.IsAuthenticated != true
        && context.GetEndpoint()?.Metadata is { } metadata
        && (metadata.GetMetadata<IOutputCachePolicy>() is not null || metadata.GetMetadata<OutputCacheAttribute>() is not null);

    /// <summary>Something a public page shows has changed: no page rendered before it is served again.</summary>
    public ValueTask ChangedAsync(CancellationToken ct) => store.EvictByTagAsync(Policy, ct);
}
