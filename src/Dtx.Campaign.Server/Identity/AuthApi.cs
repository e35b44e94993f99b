using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Dtx.Campaign.Server.Audit;
using Dtx.Campaign.Server.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;

namespace Dtx.Campaign.Server.Identity;

internal static class AuthApi
{
    public sealed record LoginRequest([Required] string Email, [Required] string Password);
    public sealed record Me(string Email, string FullName, IReadOnlyList<string> Roles);

    public static RouteGroupBuilder MapAuth(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/auth").WithTags("Identity");
        group.MapPost("/login", Login).AllowAnonymous().RequireRateLimiting(RateLimits.SignIn).WithSummary("Sign in with e-mail and password; sets the session cookie.");
        group.MapPost("/logout", Logout).RequireAuthorization();
        group.MapGet("/me", GetMe).RequireAuthorization();
        return group;
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Login(LoginRequest request, SignInManager<AppUser> signIn, AuditTrail audit, CancellationToken ct)
    {
        var result = await signIn.PasswordSignInAsync(request.Email, request.Password, isPersistent: false, lockoutOnFailure: true);
        await audit.RecordAsync(new AuditEvent(
            result.Succeeded ? "login.succeeded" : result.IsLockedOut ? "login.locked-out" : "login.failed",
            "user", request.Email), ct);
        if (result.Succeeded)
            return TypedResults.NoContent();
        return result.IsLockedOut
            ? TypedResults.Problem(statusCode: StatusCodes.Status423Locked, title: "Tài khoản tạm khóa / Account locked",
                detail: "Too many failed attempts; try again later.")
            : TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Đăng nhập thất bại / Sign-in failed",
                detail: "The e-mail or password is wrong.");
    }

    private static async Task<NoContent> Logout(SignInManager<AppUser> signIn, AuditTrail audit, ClaimsPrincipal user, CancellationToken ct)
    {
        await audit.RecordAsync(new AuditEvent("logout", "user", user.Identity?.Name), ct);
        await signIn.SignOutAsync();
        return TypedResults.NoContent();
    }

    private static async Task<Results<Ok<Me>, ProblemHttpResult>> GetMe(ClaimsPrincipal principal, UserManager<AppUser> users)
    {
        var user = await users.GetUserAsync(principal);
        if (user is null)
            return ApiProblems.NotFound("The signed-in user");
        return TypedResults.Ok(new Me(user.Email ?? "", user.FullName, (await users.GetRolesAsync(user)).ToList()));
    }
}
