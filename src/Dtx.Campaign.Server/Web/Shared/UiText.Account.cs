namespace Dtx.Campaign.Server.Web;

internal sealed partial class UiText
{
    /// <summary>Signing in, two-factor, set-password and forgotten-password pages.</summary>
    private static readonly Dictionary<string, (string Vi, string En)> AccountTexts = new(StringComparer.Ordinal)
    {
        ["ForgotPassword"] = ("Quên mật khẩu?", "Forgot your password?"),
        ["ForgotPasswordText"] = ("Nhập thư điện tử của tài khoản; hệ thống gửi một liên kết dùng một lần để đặt mật khẩu mới.",
            "Enter the account's e-mail; a one-time link to set a new password will be sent."),
        ["SendLink"] = ("Gửi liên kết", "Send the link"),
        ["ResetSent"] = ("Nếu địa chỉ này có tài khoản, một thư với liên kết đặt mật khẩu đã được gửi. Liên kết chỉ dùng được một lần.",
            "If this address has an account, an e-mail with a link to set the password is on its way. The link works once."),
        ["TwoFactorTitle"] = ("Xác thực hai bước", "Two-factor authentication"),
        ["AuthenticatorCode"] = ("Mã xác thực (6 chữ số)", "Authentication code (6 digits)"),
        ["AuthenticatorCodeHelp"] = ("Mở ứng dụng xác thực trên điện thoại và nhập mã đang hiển thị.", "Open the authenticator app on your phone and enter the code it shows."),
        ["UseRecoveryCode"] = ("Không có điện thoại? Dùng mã khôi phục", "No phone? Use a recovery code"),
        ["RecoveryCode"] = ("Mã khôi phục", "Recovery code"),
        ["Continue"] = ("Tiếp tục", "Continue"),
        ["CodeRequired"] = ("Nhập mã xác thực hoặc mã khôi phục.", "Enter the authentication code or a recovery code."),
        ["FieldTooLong"] = ("{0} dài quá {1} ký tự.", "The {0} is longer than {1} characters."),
        ["TooManyAttempts"] = ("Quá nhiều lần đăng nhập vào tài khoản này từ địa chỉ này trong một phút; hãy thử lại sau.", "Too many sign-ins to this account from this address this minute; try again shortly."),
        ["WrongCode"] = ("Mã không đúng hoặc đã hết hạn. Kiểm tra đồng hồ của điện thoại và thử lại.", "The code is wrong or has expired. Check the phone's clock and try again."),
        ["EnrolTitle"] = ("Bật xác thực hai bước", "Turn on two-factor authentication"),
        ["EnrolText"] = ("Quản trị viên và Chủ tịch Hội đồng phải dùng xác thực hai bước. Quét mã QR bằng ứng dụng xác thực (hoặc nhập khóa), rồi nhập mã ứng dụng hiển thị.",
            "Administrators and council chairs must use two-factor authentication. Scan the QR code with an authenticator app (or type the key), then enter the code it shows."),
        ["EnrolQrAlt"] = ("Mã QR của khóa xác thực", "QR code of the authenticator key"),
        ["EnrolKey"] = ("Khóa:", "Key:"),
        ["EnrolConfirm"] = ("Xác nhận và bật", "Confirm and turn on"),
        ["EnrolDone"] = ("Đã bật xác thực hai bước.", "Two-factor authentication is on."),
        ["EnrolAlreadyOn"] = ("Xác thực hai bước đã được bật cho tài khoản này.", "Two-factor authentication is already on for this account."),
        ["RecoveryCodesText"] = ("Lưu các mã khôi phục sau ở nơi an toàn: mỗi mã dùng được một lần khi không có điện thoại. Các mã chỉ hiển thị lần này.",
            "Keep these recovery codes somewhere safe: each works once when the phone is not at hand. They are shown only now."),
        ["SetPasswordTitle"] = ("Đặt mật khẩu", "Set the password"),
        ["PasswordRules"] = ("Mật khẩu dài ít nhất 10 ký tự, gồm chữ hoa, chữ thường, chữ số và ký tự đặc biệt (ví dụ -), không chứa thư điện tử.",
            "At least 10 characters, with upper- and lower-case letters, a digit and a symbol (e.g. -), not containing the e-mail address."),
        ["NewPassword"] = ("Mật khẩu mới", "New password"),
        ["ConfirmPassword"] = ("Nhập lại mật khẩu mới", "New password again"),
        ["PasswordRequired"] = ("Nhập mật khẩu mới.", "Enter the new password."),
        ["PasswordsDiffer"] = ("Hai mật khẩu không giống nhau.", "The two passwords differ."),
        ["PasswordTooWeak"] = ("Mật khẩu chưa đạt yêu cầu:", "The password does not meet the rules:"),
        ["PasswordSet"] = ("Đã đặt mật khẩu. Mời đăng nhập.", "The password is set. Please sign in."),
        ["LinkBroken"] = ("Liên kết không còn hiệu lực: đã được dùng, đã hết hạn hoặc bị sửa. Hãy yêu cầu liên kết mới.",
            "The link no longer works: it was used, has expired or was altered. Ask for a new one."),
    };
}
