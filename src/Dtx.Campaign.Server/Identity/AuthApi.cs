using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Dtx.Campaign.Server.Audit;
using Dtx.Campaign.Server.Data;
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
        group.MapPost("/logout", Logout).RequireAuthorization().WithMetadata(new TwoFactorEnrolmentEndpoint());
        group.MapGet("/me", GetMe).RequireAuthorization().WithMetadata(new TwoFactorEnrolmentEndpoint());
        return group;
    }

    private static async Task<Results<NoContent, Ok<NextStep>, ProblemHttpResult>> Login(LoginRequest request, SignInManager<AppUser> signIn,
        UserManager<AppUser> users, TwoFactorRule rule, AuditTrail audit, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Email) || string.IsNullOrEmpty(request.Password))
            return ApiProblems.BadRequest("Give 'email' and 'password'.", string.IsNullOrWhiteSpace(request.Email) ? "email" : "password");
        var result = await signIn.PasswordSignInAsync(request.Email, request.Password, isPersistent: false, lockoutOnFailure: true);
        await audit.RecordAsync(new AuditEvent(
            result.Succeeded ? "login.succeeded" : result.RequiresTwoFactor ? "login.password-accepted" : result.IsLockedOut ? "login.locked-out" : "login.failed",
            "user", request.Email), ct);
        if (result.RequiresTwoFactor)
            return TypedResults.Ok(new NextStep("two-factor", "Nhập mã từ ứng dụng xác thực / Enter the code from your authenticator app: POST /api/auth/login/two-factor."));
        if (result.Succeeded)
        {
            var user = await users.FindByEmailAsync(request.Email);
            if (user is not null && !user.TwoFactorEnabled && await rule.IsRequiredAsync(user, await users.GetRolesAsync(user), ct))
                return TypedResults.Ok(new NextStep("enrol-two-factor",
                    "Quản trị viên và chủ tịch hội đồng phải bật xác thực hai bước / Administrators and council chairs must enrol in two-factor authentication: until then only " +
                    "POST /api/auth/two-factor/enrol and /confirm (and /api/auth/me, /logout) answer."));
            return TypedResults.NoContent();
        }
        return result.IsLockedOut
            ? TypedResults.Problem(statusCode: StatusCodes.Status423Locked, title: "Tài khoản tạm khóa / Account locked",
                detail: "Too many failed attempts; try again later.")
            : TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Đăng nhập thất bại / Sign-in failed",
                detail: "The e-mail or password is wrong.");
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> LoginTwoFactor(TwoFactorLoginRequest request, SignInManager<AppUser> signIn,
        AuditTrail audit, CancellationToken ct)
    {
        var user = await signIn.GetTwoFactorAuthenticationUserAsync();
        if (user is null)
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Đăng nhập thất bại / Sign-in failed",
                detail: "Sign in with the e-mail and password first (POST /api/auth/login); the second step expires after a few minutes.");
        if (string.IsNullOrWhiteSpace(request.Code) == string.IsNullOrWhiteSpace(request.RecoveryCode))
            return ApiProblems.BadRequest("Give either 'code' (6 digits from the authenticator app) or 'recoveryCode'.", "code");
        var result = request.Code is { Length: > 0 } code
            ? await signIn.TwoFactorAuthenticatorSignInAsync(code.Replace(" ", "", StringComparison.Ordinal), isPersistent: false, rememberClient: false)
            : await signIn.TwoFactorRecoveryCodeSignInAsync(request.RecoveryCode!.Replace(" ", "", StringComparison.Ordinal));
        await audit.RecordAsync(new AuditEvent(
            result.Succeeded ? "login.succeeded" : result.IsLockedOut ? "login.locked-out" : "login.two-factor-failed", "user", user.Email,
            Detail: request.Code is { Length: > 0 } ? "authenticator code" : "recovery code"), ct);
        if (result.Succeeded)
            return TypedResults.NoContent();
        return result.IsLockedOut
            ? TypedResults.Problem(statusCode: StatusCodes.Status423Locked, title: "Tài khoản tạm khóa / Account locked", detail: "Too many failed attempts; try again later.")
            : TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Mã không đúng / Wrong code", detail: "The code is wrong or has expired.");
    }

    private static async Task<Results<Accepted, ProblemHttpResult>> RequestReset(ResetRequest request, UserManager<AppUser> users, AccountMail mail, AuditTrail audit,
        CampaignDbContext db, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(request.Email))
            return ApiProblems.BadRequest("Give the e-mail address of the account.", "email");
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var user = await users.FindByEmailAsync(request.Email.Trim());
        if (user is not null)
        {
            // Someone invited who never set a password gets a fresh invitation instead.
            if (await users.HasPasswordAsync(user))
                await mail.QueueResetAsync(user);
            else
                await mail.QueueInvitationAsync(user, "đã được giao", "already granted to you");
            await db.SaveChangesAsync(ct);
        }
        await audit.RecordAsync(new AuditEvent("password.reset-requested", "user", request.Email.Trim(), Detail: user is null ? "no such account" : null), ct);
        await transaction.CommitAsync(ct);
        // The same answer either way: the endpoint must not tell which addresses have accounts.
        return TypedResults.Accepted((string?)null);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> SetPassword(SetPasswordRequest request, UserManager<AppUser> users,
        AuditTrail audit, CampaignDbContext db, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(request.User) || string.IsNullOrEmpty(request.Token))
            return ApiProblems.BadRequest("Give 'user' and 'token' as they appear in the link of the e-mail.", "token");
        if (string.IsNullOrEmpty(request.Password))
            return ApiProblems.BadRequest("Give the new password.", "password");
        var refused = ApiProblems.BadRequest("The link is not valid: it was already used, has expired, or was altered. Ask for a new one.", "token");
        var user = await users.FindByIdAsync(request.User);
        if (user is null)
            return refused;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var invitation = !await users.HasPasswordAsync(user);
        IdentityResult result;
        if (invitation)
        {
            if (!await users.VerifyUserTokenAsync(user, LinkTokenProvider.Name, LinkTokenProvider.InvitationPurpose, request.Token))
                return refused;
            // Adding the password changes the security stamp: the link cannot be used again.
            result = await users.AddPasswordAsync(user, request.Password);
        }
        else
        {
            result = await users.ResetPasswordAsync(user, request.Token, request.Password);
            if (result.Errors.Any(e => e.Code == "InvalidToken"))
                return refused;
        }
        if (!result.Succeeded)
            return ApiProblems.BadRequest(string.Join(" ", result.Errors.Select(e => e.Description)), "password");
        // The link came by e-mail: the address is proven. A reset also ends a lockout.
        user.EmailConfirmed = true;
        await users.UpdateAsync(user);
        await users.SetLockoutEndDateAsync(user, null);
        await users.ResetAccessFailedCountAsync(user);
        await audit.RecordAsync(new AuditEvent(invitation ? "account.activated" : "password.reset", "user", user.Email), ct);
        await transaction.CommitAsync(ct);
        return TypedResults.NoContent();
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
