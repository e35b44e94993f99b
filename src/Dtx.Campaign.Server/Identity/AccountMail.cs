using System.Net;
using System.Text;
using System.Text.Json;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.Email;
using Dtx.Campaign.Workflows.Storage;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Dtx.Campaign.Server.Identity;

/// <summary>
/// The account e-mails (an invitation to set a first password, a password reset), each with a one-time
/// link. Queued in the outbox inside the caller's transaction and delivered like every other e-mail,
/// so an e-mail exists exactly when the account change it belongs to was committed.
/// </summary>
internal sealed class AccountMail(CampaignDbContext db, UserManager<AppUser> users, IOptions<EmailOptions> email, IOptions<LinkTokenOptions> links, TimeProvider clock)
{
    /// <summary>Where a link lands: the page (or client) that posts the token and the new password to <c>/api/auth/set-password</c>.</summary>
    public const string LinkPath = "/account/set-password";

    /// <summary>An invitation to set a first password; <paramref name="roleVi"/>/<paramref name="roleEn"/> say what the person is invited to do.</summary>
    public async Task QueueInvitationAsync(AppUser user, string roleVi, string roleEn)
    {
        var token = await users.GenerateUserTokenAsync(user, LinkTokenProvider.Name, LinkTokenProvider.InvitationPurpose);
        var link = Link(user, token);
        var days = (int)links.Value.InvitationLifespan.TotalDays;
        Queue(user, "account-invitation",
            "[Dtx] Mời tham gia hệ thống đánh giá chuyển đổi số / Invitation to the digital-transformation assessment",
            [
                $"Kính gửi {user.FullName},",
                $"Ông/Bà được mời tham gia hệ thống đánh giá chuyển đổi số với vai trò {roleVi}.",
                "Để đặt mật khẩu và kích hoạt tài khoản, vui lòng mở liên kết sau (chỉ dùng được một lần, hết hạn sau " + days + " ngày):",
                link,
                "",
                $"Dear {user.FullName}, you are invited to the digital-transformation assessment as {roleEn}. " +
                    $"Open the link above to set your password (it works once and expires in {days} days).",
            ]);
    }

    public async Task QueueResetAsync(AppUser user)
    {
        var token = await users.GeneratePasswordResetTokenAsync(user);
        var link = Link(user, token);
        var hours = (int)links.Value.ResetLifespan.TotalHours;
        Queue(user, "password-reset",
            "[Dtx] Đặt lại mật khẩu / Password reset",
            [
                $"Kính gửi {user.FullName},",
                "Có yêu cầu đặt lại mật khẩu cho tài khoản của Ông/Bà. Mở liên kết sau để đặt mật khẩu mới (chỉ dùng được một lần, hết hạn sau " + hours + " giờ):",
                link,
                "Nếu Ông/Bà không yêu cầu, hãy bỏ qua thư này; mật khẩu hiện tại vẫn giữ nguyên.",
                "",
                $"Dear {user.FullName}, a password reset was requested for your account. Open the link above to choose a new password " +
                    $"(it works once and expires in {hours} hours). If you did not ask for it, ignore this message.",
            ]);
    }

    private string Link(AppUser user, string token) =>
        $"{email.Value.PublicBaseUrl.TrimEnd('/')}{LinkPath}?user={Uri.EscapeDataString(user.Id)}&token={Uri.EscapeDataString(token)}";

    private void Queue(AppUser user, string template, string subject, IReadOnlyList<string> lines)
    {
        var html = new StringBuilder("<!doctype html><html lang=\"vi\"><body>");
        foreach (var line in lines)
            html.Append(line.StartsWith("http", StringComparison.Ordinal)
                ? $"<p><a href=\"{WebUtility.HtmlEncode(line)}\">{WebUtility.HtmlEncode(line)}</a></p>"
                : $"<p>{WebUtility.HtmlEncode(line)}</p>");
        html.Append("</body></html>");
        var now = clock.GetUtcNow().UtcDateTime;
        db.Add(new OutboxMessage
        {
            Id = Guid.CreateVersion7(),
            CreatedAt = now,
            Kind = "email",
            // Each request is its own message: a second invitation is a new link, not a duplicate.
            IdempotencyKey = $"account/{template}/{user.Id}/{Guid.NewGuid():N}",
            PayloadJson = JsonSerializer.Serialize(new { template, to = user.Email, name = user.FullName, Subject = subject, Text = string.Join("\n", lines), Html = html.ToString() }),
            Status = OutboxStatus.Pending,
        });
    }
}
