using Dtx.Campaign.Server.Campaigns;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Identity;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Demo;

/// <summary>The demo's people: the Appraisal Council, two focal officers and a unit head, each with an account that signs in with the demo password.</summary>
internal static class DemoPeople
{
    public const string Domain = "demo.hanoi.invalid";
    public const string Chair = "chutich.hoidong@" + Domain;
    public const string AdminActor = "demo";

    public static readonly (string Name, string Email, CouncilRole Role)[] Council =
    [
        ("Nguyễn Văn An — Phó Chủ tịch UBND Thành phố", Chair, CouncilRole.Chair),
        ("Trần Thị Bình — Sở Khoa học và Công nghệ", "thuky.hoidong@" + Domain, CouncilRole.Secretary),
        ("Lê Minh Châu — Sở Nội vụ", "thanhvien1.hoidong@" + Domain, CouncilRole.Member),
        ("Phạm Quốc Dũng — Văn phòng UBND Thành phố", "thanhvien2.hoidong@" + Domain, CouncilRole.Member),
    ];

    /// <summary>
    /// This year the council appraises by field: the members who work for the departments the commune index set names as
    /// verifying units (verified-by) get those groups across the communes.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> FieldUnits = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["thanhvien1.hoidong@" + Domain] = "SNV",
        ["thuky.hoidong@" + Domain] = "SKHCN",
    };

    /// <summary>Focal officers with an account; their units are in progress this year (the units file names them).</summary>
    public static readonly string[] FocalUnits = ["SNV", "P-BA-DINH"];

    public static string FocalOfficer(string unitCode) => $"daumoi.{unitCode.ToLowerInvariant()}@{Domain}";

    /// <summary>Unit heads with an account: this year's campaign asks heads to approve, and theirs waits for them.</summary>
    public static readonly string[] HeadUnits = ["P-BA-DINH"];

    public static string UnitHead(string unitCode) => $"thutruong.{unitCode.ToLowerInvariant()}@{Domain}";

    /// <summary>Creates the accounts that do not exist yet; answers every demo account with its role, for the console.</summary>
    public static async Task<IReadOnlyList<(string Email, string Role)>> EnsureAsync(IServiceProvider services, string password, TimeProvider clock, CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var db = scope.ServiceProvider.GetRequiredService<CampaignDbContext>();
        var accounts = new List<(string Email, string Role)>();
        foreach (var (name, email, role) in Council)
        {
            await EnsureUserAsync(users, email, name, password, clock);
            accounts.Add((email, role == CouncilRole.Chair ? "council chair" : $"council {role.ToString().ToLowerInvariant()}"));
        }
        foreach (var code in FocalUnits)
            accounts.Add(await EnsureUnitPersonAsync(users, db, code, UnitRole.FocalOfficer, password, clock, ct));
        foreach (var code in HeadUnits)
            accounts.Add(await EnsureUnitPersonAsync(users, db, code, UnitRole.Head, password, clock, ct));
        return accounts;
    }

    /// <summary>A unit's focal officer or head with an account and the role at the unit; answers the account and its role, for the console.</summary>
    private static async Task<(string Email, string Role)> EnsureUnitPersonAsync(UserManager<AppUser> users, CampaignDbContext db, string code, UnitRole role, string password,
        TimeProvider clock, CancellationToken ct)
    {
        var unit = await db.Units.FirstAsync(u => u.Code == code, ct);
        var head = role == UnitRole.Head;
        var user = await EnsureUserAsync(users, head ? UnitHead(code) : FocalOfficer(code), $"{(head ? "Thủ trưởng" : "Cán bộ đầu mối")} {unit.NameVi}", password, clock);
        if (!await db.Set<UnitMembership>().AnyAsync(m => m.UserId == user.Id && m.UnitId == unit.Id, ct))
        {
            db.Add(new UnitMembership { Id = Guid.CreateVersion7(), UserId = user.Id, UnitId = unit.Id, Role = role, GrantedAt = clock.GetUtcNow(), GrantedBy = AdminActor });
            await db.SaveChangesAsync(ct);
        }
        return (user.Email!, $"{(head ? "unit head" : "focal officer")}, {unit.NameVi}");
    }

    private static async Task<AppUser> EnsureUserAsync(UserManager<AppUser> users, string email, string name, string password, TimeProvider clock)
    {
        if (await users.FindByEmailAsync(email) is { } existing)
            return existing;
        var user = new AppUser { UserName = email, Email = email, EmailConfirmed = true, FullName = name, CreatedAt = clock.GetUtcNow() };
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
            throw new InvalidOperationException($"Demo account {email}: {string.Join("; ", created.Errors.Select(e => e.Description))}");
        return user;
    }
}
