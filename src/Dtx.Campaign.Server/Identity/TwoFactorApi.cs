using System.Security.Claims;
using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Audit;
using Dtx.Campaign.Server.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;

namespace Dtx.Campaign.Server.Identity;

/// <summary>
/// Enrolment in TOTP two-factor authentication: a new authenticator key (with its <c>otpauth://</c> URI and
/// a QR code to scan), confirmation with a first code, recovery codes, and switching it off where allowed.
/// </summary>
internal static class TwoFactorApi
{
    public sealed record Status(bool Enabled, bool Required, int RecoveryCodesLeft);
    public sealed record Enrolment(string Key, string Uri, string QrCodePng);
    public sealed record CodeRequest(string? Code);
    public sealed record RecoveryCodes(IReadOnlyList<string> Codes);

    public static void MapTwoFactor(this IEndpointRouteBuilder app)
    {
        // A session only, never a token; reachable before enrolment (that is what it is for).
        var group = app.MapGroup("/api/auth/two-factor").WithTags("Identity").RequireAuthorization(Policies.Interactive)
            .WithMetadata(new TwoFactorEnrolmentEndpoint()).RequireRateLimiting(RateLimits.SignIn);
        group.MapGet("/", GetStatus).WithSummary("Whether two-factor authentication is on, required, and how many recovery codes are left.");
        group.MapPost("/enrol", Enrol).WithSummary("A new authenticator key with its otpauth:// URI and QR code; refused while two-factor is on.");
        group.MapPost("/confirm", Confirm).WithSummary("Turn two-factor on with a first code from the app; answers the recovery codes (shown once).");
        group.MapPost("/recovery-codes", NewRecoveryCodes).WithSummary("Replace the recovery codes; needs a current code.");
        group.MapPost("/disable", Disable).WithSummary("Turn two-factor off with a current code; refused to those who must use it.");
    }

    private static async Task<Results<Ok<Status>, ProblemHttpResult>> GetStatus(ClaimsPrincipal principal, UserManager<AppUser> users, TwoFactorRule rule, CancellationToken ct)
    {
        if (await users.GetUserAsync(principal) is not { } user)
            return ApiProblems.NotFound("The signed-in user");
        return TypedResults.Ok(new Status(user.TwoFactorEnabled, await rule.IsRequiredAsync(user, await users.GetRolesAsync(user), ct), await users.CountRecoveryCodesAsync(user)));
    }

    private static async Task<Results<Ok<Enrolment>, ProblemHttpResult>> Enrol(ClaimsPrincipal principal, UserManager<AppUser> users, SignInFlow flow, CancellationToken ct)
    {
        if (await users.GetUserAsync(principal) is not { } user)
            return ApiProblems.NotFound("The signed-in user");
        return await flow.IssueAuthenticatorKeyAsync(user, ct) is { } issued
            ? TypedResults.Ok(new Enrolment(issued.Key, issued.Uri, issued.QrCodePng))
            : ApiProblems.From(Refusal.Conflict("two-factor.already-on"));
    }

    private static async Task<Results<Ok<RecoveryCodes>, ProblemHttpResult>> Confirm(CodeRequest request, ClaimsPrincipal principal, UserManager<AppUser> users,
        SignInFlow flow, CancellationToken ct)
    {
        if (await users.GetUserAsync(principal) is not { } user)
            return ApiProblems.NotFound("The signed-in user");
        if (user.TwoFactorEnabled)
            return ApiProblems.From(Refusal.Conflict("two-factor.already-on"));
        if (string.IsNullOrEmpty(await users.GetAuthenticatorKeyAsync(user)))
            return ApiProblems.From(Refusal.Conflict("two-factor.no-key"));
        return await flow.ConfirmAuthenticatorAsync(user, request.Code, ct) is { } codes
            ? TypedResults.Ok(new RecoveryCodes(codes))
            : ApiProblems.From(Refusal.Invalid("code", "two-factor.code-mismatch"));
    }

    private static async Task<Results<Ok<RecoveryCodes>, ProblemHttpResult>> NewRecoveryCodes(CodeRequest request, ClaimsPrincipal principal,
        UserManager<AppUser> users, SignInFlow flow, AuditTrail audit, CancellationToken ct)
    {
        if (await users.GetUserAsync(principal) is not { } user)
            return ApiProblems.NotFound("The signed-in user");
        if (!user.TwoFactorEnabled)
            return ApiProblems.From(Refusal.Conflict("two-factor.off"));
        if (!await flow.CodeIsValidAsync(user, request.Code))
            return ApiProblems.From(Refusal.Invalid("code", "two-factor.code-mismatch"));
        var codes = (await users.GenerateNewTwoFactorRecoveryCodesAsync(user, 10))!.ToList();
        await audit.RecordAsync(new AuditEvent("two-factor.recovery-codes-renewed", "user", user.Email), ct);
        return TypedResults.Ok(new RecoveryCodes(codes));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Disable(CodeRequest request, ClaimsPrincipal principal, UserManager<AppUser> users,
        SignInManager<AppUser> signIn, TwoFactorRule rule, SignInFlow flow, AuditTrail audit, CancellationToken ct)
    {
        if (await users.GetUserAsync(principal) is not { } user)
            return ApiProblems.NotFound("The signed-in user");
        if (await rule.IsRequiredAsync(user, await users.GetRolesAsync(user), ct))
            return ApiProblems.From(Refusal.Conflict("two-factor.required"));
        if (!user.TwoFactorEnabled)
            return ApiProblems.From(Refusal.Conflict("two-factor.already-off"));
        if (!await flow.CodeIsValidAsync(user, request.Code))
            return ApiProblems.From(Refusal.Invalid("code", "two-factor.code-mismatch"));
        await users.SetTwoFactorEnabledAsync(user, false);
        await users.ResetAuthenticatorKeyAsync(user);
        await audit.RecordAsync(new AuditEvent("two-factor.disabled", "user", user.Email), ct);
        await signIn.RefreshSignInAsync(user);
        return TypedResults.NoContent();
    }

}
