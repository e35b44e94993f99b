using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Identity;

/// <summary>Configuration of the first administrator, created when the database has no user.</summary>
public sealed class BootstrapOptions
{
    public const string Section = "Bootstrap";
    public string AdminEmail { get; set; } = "admin@dtx.local";
    /// <summary>Empty: a password is generated and printed once on the console.</summary>
    public string? AdminPassword { get; set; }
}

internal sealed partial class AdminBootstrap(
    RoleManager<IdentityRole> roles, UserManager<AppUser> users, TimeProvider clock, ILogger<AdminBootstrap> logger)
{
    public sealed record Created(string Email, string? GeneratedPassword);

    /// <summary>Makes sure the roles exist and, on an empty database, creates the first administrator.</summary>
    public async Task<Created?> EnsureAsync(BootstrapOptions options, CancellationToken cancellationToken)
    {
        foreach (var role in Roles.All)
            if (!await roles.RoleExistsAsync(role))
                Check(await roles.CreateAsync(new IdentityRole(role)), $"create role {role}");

        if (await users.Users.AnyAsync(cancellationToken))
            return null;

        var generated = string.IsNullOrEmpty(options.AdminPassword) ? GeneratePassword() : null;
        var admin = new AppUser
        {
            UserName = options.AdminEmail,
            Email = options.AdminEmail,
            EmailConfirmed = true,
            FullName = "Quản trị hệ thống",
            CreatedAt = clock.GetUtcNow(),
        };
        Check(await users.CreateAsync(admin, generated ?? options.AdminPassword!), "create the first administrator");
        Check(await users.AddToRolesAsync(admin, [Roles.SystemAdmin, Roles.CampaignAdmin]), "grant administrator roles");
        LogCreated(logger, options.AdminEmail);
        return new Created(options.AdminEmail, generated);
    }

    private static string GeneratePassword()
    {
        // Meets Identity's policy: upper, lower, digit, symbol, 20 characters.
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";
        return "Dtx-" + RandomNumberGenerator.GetString(alphabet, 16) + "9a";
    }

    private static void Check(IdentityResult result, string what)
    {
        if (!result.Succeeded)
            throw new InvalidOperationException($"Could not {what}: {string.Join("; ", result.Errors.Select(e => e.Description))}");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the first administrator {Email}")]
    private static partial void LogCreated(ILogger logger, string email);
}
