using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Audit;
using Dtx.Campaign.Server.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;

namespace Dtx.Campaign.Server.Identity;

internal static class AuthApi
{
    public sealed record LoginRequest([Required] string Email, [Required] string Password);
    public sealed record TwoFactorLoginRequest(string? Code, string? RecoveryCode);
    public sealed record ResetRequest([Required] string Email);
    public sealed record SetPasswordRequest([Required] string User, [Required] string Token, [Required] string Password);
    public sealed record Me(string Email, string FullName, IReadOnlyList<string> Roles, bool TwoFactorEnabled, bool TwoFactorRequired);

    /// <summary>What a sign-in needs next when the password alone is not enough: <c>two-factor</c> or <c>enrol-two-factor</c>.</summary>
    public sealed record NextStep(string Next, string Detail);

    public static RouteGroupBuilder MapAuth(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/auth").WithTags("Identity");
        group.MapPost("/login", Login).AllowAnonymous().RequireRateLimiting(RateLimits.SignIn)
            .WithSummary("Sign in with e-mail and password: 204 signed in; 200 with the next step when a second factor is needed or must be enrolled.");
        group.MapPost("/login/two-factor", LoginTwoFactor).AllowAnonymous().RequireRateLimiting(RateLimits.SignIn)
            .WithSummary("Second step of a sign-in: a code from the authenticator app, or a recovery code.");
        group.MapPost("/password-reset", RequestReset).AllowAnonymous().RequireRateLimiting(RateLimits.SignIn)
            .WithSummary("E-mail a one-time link to set a new password; the answer is the same whether the address exists or not.");
        group.MapPost("/set-password", SetPassword).AllowAnonymous().RequireRateLimiting(RateLimits.SignIn)
            .WithSummary("Set a password with the token of an invitation or reset link; the link then no longer works.");
        group.MapPost("/logout", Logout).RequireAuthorization().WithMetadata(new TwoFactorEnrolmentEndpoint())
            .WithSummary("Sign out: the session cookie no longer works.");
        group.MapGet("/me", GetMe).RequireAuthorization().WithMetadata(new TwoFactorEnrolmentEndpoint())
            .WithSummary("Who is signed in: e-mail, name, roles, whether two-factor sign-in is on and whether it is required.");
        return group;
    }

    private static async Task<Results<NoContent, Ok<NextStep>, ProblemHttpResult>> Login(LoginRequest request, SignInFlow flow, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Email) || string.IsNullOrEmpty(request.Password))
            return ApiProblems.From(Refusal.Invalid(string.IsNullOrWhiteSpace(request.Email) ? "email" : "password", "sign-in.email-password-required"));
        if (SignInInput.TooLong(("email", request.Email, SignInInput.MaxEmail), ("password", request.Password, SignInInput.MaxPassword)) is { } tooLong)
            return ApiProblems.From(tooLong);
        return await flow.PasswordAsync(request.Email, request.Password, ct) switch
        {
            SignInOutcome.SignedIn => TypedResults.NoContent(),
            SignInOutcome.NeedsCode => TypedResults.Ok(Next("two-factor")),
            SignInOutcome.MustEnrol => TypedResults.Ok(Next("enrol-two-factor")),
            SignInOutcome.LockedOut => Locked(),
            SignInOutcome.TooManyAttempts => TooMany(),
            _ => ApiProblems.From(new Refusal(RefusalKind.Unauthorized, [Reason.Of("sign-in.failed")])),
        };
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> LoginTwoFactor(TwoFactorLoginRequest request, SignInFlow flow, CancellationToken ct)
    {
        if (!await flow.AwaitsCodeAsync())
            return ApiProblems.From(new Refusal(RefusalKind.Unauthorized, [Reason.Of("sign-in.first-step-missing")]));
        if (string.IsNullOrWhiteSpace(request.Code) == string.IsNullOrWhiteSpace(request.RecoveryCode))
            return ApiProblems.From(Refusal.Invalid("code", "sign-in.code-or-recovery"));
        if (SignInInput.TooLong(("code", request.Code, SignInInput.MaxCode), ("recoveryCode", request.RecoveryCode, SignInInput.MaxRecoveryCode)) is { } tooLong)
            return ApiProblems.From(tooLong);
        return await flow.SecondFactorAsync(request.Code, request.RecoveryCode, ct) switch
        {
            SignInOutcome.SignedIn => TypedResults.NoContent(),
            SignInOutcome.LockedOut => Locked(),
            _ => ApiProblems.From(new Refusal(RefusalKind.Unauthorized, [Reason.Of("sign-in.wrong-code")])),
        };
    }

    /// <summary>The next step, explained in the caller's language.</summary>
    private static NextStep Next(string next) =>
        new(next, RefusalTexts.Render("sign-in.next." + next, new Dictionary<string, object?>(), Refusal.LanguageOf(CultureInfo.CurrentUICulture)));

    private static ProblemHttpResult Locked() => ApiProblems.From(new Refusal(RefusalKind.Locked, [Reason.Of("sign-in.locked")]));

    private static ProblemHttpResult TooMany() => ApiProblems.From(new Refusal(RefusalKind.TooManyRequests, [Reason.Of("sign-in.too-many")]));

    private static async Task<Results<Accepted, ProblemHttpResult>> RequestReset(ResetRequest request, SignInFlow flow, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Email))
            return ApiProblems.From(Refusal.Invalid("email", "account.email-required"));
        if (SignInInput.TooLong(("email", request.Email, SignInInput.MaxEmail)) is { } tooLong)
            return ApiProblems.From(tooLong);
        await flow.RequestPasswordResetAsync(request.Email, ct);
        // The same answer either way: the endpoint must not tell which addresses have accounts.
        return TypedResults.Accepted((string?)null);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> SetPassword(SetPasswordRequest request, SignInFlow flow, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(request.User) || string.IsNullOrEmpty(request.Token))
            return ApiProblems.From(Refusal.Invalid("token", "set-password.link-incomplete"));
        if (string.IsNullOrEmpty(request.Password))
            return ApiProblems.From(Refusal.Invalid("password", "set-password.password-required"));
        if (SignInInput.TooLong(("user", request.User, SignInInput.MaxEmail), ("token", request.Token, SignInInput.MaxLinkToken), ("password", request.Password, SignInInput.MaxPassword)) is { } tooLong)
            return ApiProblems.From(tooLong);
        return await flow.SetPasswordAsync(request.User, request.Token, request.Password, ct) is { } refusal
            ? ApiProblems.From(refusal)
            : TypedResults.NoContent();
    }

    private static async Task<NoContent> Logout(SignInManager<AppUser> signIn, AuditTrail audit, ClaimsPrincipal user, CancellationToken ct)
    {
        await audit.RecordAsync(new AuditEvent("logout", "user", user.Identity?.Name), ct);
        await signIn.SignOutAsync();
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<Me>, ProblemHttpResult>> GetMe(ClaimsPrincipal principal, UserManager<AppUser> users, TwoFactorRule rule, CancellationToken ct)
    {
        var user = await users.GetUserAsync(principal);
        if (user is null)
            return ApiProblems.NotFound("The signed-in user");
        var roles = (await users.GetRolesAsync(user)).ToList();
        return TypedResults.Ok(new Me(user.Email ?? "", user.FullName, roles, user.TwoFactorEnabled, await rule.IsRequiredAsync(user, roles, ct)));
    }
}
