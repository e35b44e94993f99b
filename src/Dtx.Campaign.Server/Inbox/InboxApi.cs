using System.Security.Claims;
using Dtx.Campaign.Server.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dtx.Campaign.Server.Inbox;

internal static class InboxApi
{
    public static IServiceCollection AddInbox(this IServiceCollection services) => services.AddScoped<PersonalInbox>();

    public sealed record InboxView(int Unread, IReadOnlyList<PersonalInbox.Item> Messages);

    public sealed record ReadAll(int Marked);

    public static RouteGroupBuilder MapInbox(this IEndpointRouteBuilder app)
    {
        // Anyone signed in, for their own e-mail address only: there is no way to name someone else's inbox.
        var group = app.MapGroup("/api/inbox").WithTags("Inbox").RequireAuthorization();
        group.MapGet("/", List).WithSummary("The campaign e-mails addressed to me, newest first (at most 200), with how many are unread.");
        group.MapGet("/{id:guid}", Open).WithSummary("One of my messages as it was e-mailed (subject and text); opening it marks it read.");
        group.MapPost("/read-all", MarkAllRead).WithSummary("Mark all my messages read.");
        return group;
    }

    /// <summary>The caller's address as Identity normalises it; every query is scoped by it.</summary>
    internal static string Recipient(ClaimsPrincipal user) => InboxFiling.Normalize(Council.CouncilSeat.AddressOf(user));

    private static async Task<Ok<InboxView>> List(PersonalInbox inbox, ClaimsPrincipal user, CancellationToken ct) =>
        TypedResults.Ok(new InboxView(await inbox.UnreadAsync(Recipient(user), ct), await inbox.ListAsync(Recipient(user), 200, ct)));

    private static async Task<Results<Ok<PersonalInbox.Message>, ProblemHttpResult>> Open(Guid id, PersonalInbox inbox, ClaimsPrincipal user, CancellationToken ct) =>
        await inbox.OpenAsync(Recipient(user), id, ct) is { } message ? TypedResults.Ok(message) : ApiProblems.NotFound($"Message {id}");

    private static async Task<Ok<ReadAll>> MarkAllRead(PersonalInbox inbox, ClaimsPrincipal user, CancellationToken ct) =>
        TypedResults.Ok(new ReadAll(await inbox.MarkAllReadAsync(Recipient(user), ct)));
}
