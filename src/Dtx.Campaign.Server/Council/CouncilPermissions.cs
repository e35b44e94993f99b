using System.Security.Claims;
using Dtx.Campaign.Scoring.Refusals;
using Microsoft.AspNetCore.Authorization;

namespace Dtx.Campaign.Server.Council;

/// <summary>
/// Every permission on a campaign's Appraisal Council, each with who holds it and the refusal anyone else gets. The
/// resource is the caller's <see cref="CouncilSeat"/>; <see cref="CouncilPermissionHandler"/> checks it. Endpoints
/// declare theirs where they are mapped (<see cref="CouncilEndpoints.RequireCouncil"/>), the council's pages ask
/// <see cref="IAuthorizationService"/> for the same one, and the use cases behind them no longer check who calls: they
/// keep only what a seat may see (a member's assigned units) and the rules of the work (conflict of interest, assignment).
/// </summary>
internal sealed class CouncilPermission : IAuthorizationRequirement
{
    // What is not public yet: administrators, observers and the council, each area refusing in its own words.
    public static readonly CouncilPermission SeeResults = Insider("results.insiders-only");
    public static readonly CouncilPermission SeeAwards = Insider("awards.insiders-only");
    public static readonly CouncilPermission SeeCertificates = Insider("certificates.insiders-only");

    /// <summary>A seat on the council, whatever its role: a member's own work (verdicts, a field, a dispute's answer).</summary>
    public static readonly CouncilPermission Member = new("member", seat => seat.Member is null ? NotMember(seat) : null);

    /// <summary>A seat on the council, or an administrator: the council's lists and pages (a member who does not organise sees their own share).</summary>
    public static readonly CouncilPermission MemberOrAdministrator =
        new("member or administrator", seat => seat.Member is null && !seat.IsAdministrator ? NotMember(seat) : null);

    // Organising the council's work: the chair, vice-chair or secretary, or an administrator.
    public static readonly CouncilPermission Assign = Organiser("action.assign");
    public static readonly CouncilPermission ExcludeUnit = Organiser("action.exclude-unit");

    // The council's decisions: its chair alone.
    public static readonly CouncilPermission ConfirmAwards = Chair("action.approve-awards");
    public static readonly CouncilPermission RevokeCertificate = Chair("action.revoke-certificate");

    /// <summary>The award quotas: administrators alone, though the council's awards page shows them.</summary>
    public static readonly CouncilPermission SetAwardQuotas = Administrator("awards.admins-set-quotas");

    private readonly string name;
    private readonly Func<CouncilSeat, Refusal?> refuse;

    private CouncilPermission(string name, Func<CouncilSeat, Refusal?> refuse) => (this.name, this.refuse) = (name, refuse);

    // code: the area's refusal (e.g. "results.insiders-only").
    private static CouncilPermission Insider(string code) =>
        new($"insider ({code})", seat => seat.IsInsider ? null : Refusal.Forbidden(code));

    // action: a label key (e.g. "action.assign"), worded in the refusal.
    private static CouncilPermission Organiser(string action) =>
        new($"organiser or administrator ({action})", seat => seat.Organises || seat.IsAdministrator ? null
            : Refusal.Forbidden("council.organisers-only", ("action", new Label(action))));

    private static CouncilPermission Chair(string action) =>
        new($"chair ({action})", seat => seat.IsChair ? null : Refusal.Forbidden("council.chair-only", ("action", new Label(action))));

    private static CouncilPermission Administrator(string code) =>
        new($"administrator ({code})", seat => seat.IsAdministrator ? null : Refusal.Forbidden(code));

    private static Refusal NotMember(CouncilSeat seat) =>
        Refusal.Forbidden("council.not-member", ("actor", seat.Actor), ("year", seat.Campaign.Year), ("campaign", new Words(seat.Campaign.NameVi, seat.Campaign.NameEn)));

    /// <summary>The refusal the seat gets, or null when it holds the permission.</summary>
    public Refusal? RefusalFor(CouncilSeat seat) => refuse(seat);

    // Authorization's logs name unmet requirements by this.
    public override string ToString() => $"council: {name}";
}

/// <summary>
/// The one handler of <see cref="CouncilPermission"/>: grants it, or fails with the seat's refusal as the reason, so that
/// whoever asked answers with that refusal's code, words and status.
/// </summary>
internal sealed class CouncilPermissionHandler : AuthorizationHandler<CouncilPermission, CouncilSeat>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, CouncilPermission requirement, CouncilSeat resource)
    {
        if (requirement.RefusalFor(resource) is { } refusal)
            context.Fail(new CouncilRefusal(this, refusal));
        else
            context.Succeed(requirement);
        return Task.CompletedTask;
    }
}

/// <summary>Why a council permission was not granted: the refusal the caller is answered with.</summary>
internal sealed class CouncilRefusal(IAuthorizationHandler handler, Refusal refusal) : AuthorizationFailureReason(handler, refusal.Code)
{
    public Refusal Refusal { get; } = refusal;
}

/// <summary>Asking for a council permission, from an endpoint's filter or a council page.</summary>
internal static class CouncilEndpoints
{
    /// <summary>The refusal the caller gets for <paramref name="permission"/> on <paramref name="seat"/>, or null when granted.</summary>
    public static async Task<Refusal?> CouncilRefusalAsync(this IAuthorizationService authorization, ClaimsPrincipal user, CouncilSeat seat, CouncilPermission permission)
    {
        var result = await authorization.AuthorizeAsync(user, seat, permission);
        if (result.Succeeded)
            return null;
        // Refused without a council refusal, the handler is missing: a defect, not a caller to answer politely.
        return result.Failure?.FailureReasons.OfType<CouncilRefusal>().FirstOrDefault()?.Refusal
            ?? throw new InvalidOperationException($"{permission} was not granted and no refusal given: is {nameof(CouncilPermissionHandler)} registered?");
    }

    /// <summary>
    /// The endpoint needs <paramref name="permission"/> on the caller's seat of the route's campaign (the seat its handler binds,
    /// loaded once per request). A refused caller gets the permission's refusal, thrown to the one place that answers refusals,
    /// before the handler runs.
    /// </summary>
    public static TBuilder RequireCouncil<TBuilder>(this TBuilder builder, CouncilPermission permission) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(permission).AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var seat = await CouncilSeat.OfRequestAsync(http);
            if (await http.RequestServices.GetRequiredService<IAuthorizationService>().CouncilRefusalAsync(http.User, seat, permission) is { } refusal)
                throw refusal;
            return await next(context);
        });
}
