namespace Dtx.Campaign.Scoring.Refusals;

public static partial class RefusalTexts
{
    // Accounts, sign-in, two-factor and API tokens: what a person reads when the account endpoints refuse.
    private static readonly Dictionary<string, (string Vi, string En)> AccountTexts = new(StringComparer.Ordinal)
    {
        ["sign-in.email-password-required"] = ("nhập thư điện tử và mật khẩu", "give the e-mail address and the password"),
        ["sign-in.failed"] = ("thư điện tử hoặc mật khẩu không đúng", "the e-mail address or the password is wrong"),
        ["sign-in.first-step-missing"] = ("hãy đăng nhập bằng thư điện tử và mật khẩu trước; bước thứ hai hết hạn sau vài phút",
            "sign in with the e-mail address and password first; the second step expires after a few minutes"),
        ["sign-in.code-or-recovery"] = ("nhập mã 6 chữ số từ ứng dụng xác thực hoặc một mã khôi phục (chỉ một trong hai)",
            "give either the 6-digit code from the authenticator app or a recovery code"),
        ["sign-in.wrong-code"] = ("mã không đúng hoặc đã hết hạn", "the code is wrong or has expired"),
        ["sign-in.locked"] = ("đăng nhập sai quá nhiều lần; hãy thử lại sau", "too many failed attempts; try again later"),
        ["sign-in.too-many"] = ("quá nhiều lần đăng nhập vào tài khoản này từ địa chỉ này trong một phút; hãy thử lại sau",
            "too many sign-ins to this account from this address this minute; try again shortly"),
        ["account.email-required"] = ("nhập địa chỉ thư điện tử của tài khoản", "give the e-mail address of the account"),
        ["account.email-unknown"] = ("không có tài khoản nào có địa chỉ '{email}'", "no account has the e-mail address '{email}'"),
        ["account.full-name-required"] = ("tài khoản mới cần họ và tên của người dùng", "a new account needs the person's full name"),
        ["account.role-unknown"] = ("'{role}' không phải vai trò hệ thống (dùng: {roles})", "'{role}' is not a system role (use {roles})"),
        ["account.own-admin-role"] = ("không thể tự rút vai trò quản trị hệ thống của chính mình; một quản trị hệ thống khác có thể làm việc này",
            "you cannot withdraw your own system-administrator role; another system administrator can"),
        ["set-password.link-incomplete"] = ("liên kết không đầy đủ: hãy mở đúng liên kết trong thư", "give the user and token exactly as they appear in the e-mailed link"),
        ["set-password.password-required"] = ("nhập mật khẩu mới", "give the new password"),
        ["two-factor.already-on"] = ("xác thực hai bước đang bật; tắt trước khi đăng ký thiết bị mới", "two-factor authentication is already on; turn it off before enrolling a new device"),
        ["two-factor.no-key"] = ("chưa có khóa xác thực: hãy bắt đầu đăng ký trước", "there is no authenticator key yet: start the enrolment first"),
        ["two-factor.code-mismatch"] = ("mã không khớp với khóa xác thực (kiểm tra đồng hồ của thiết bị)", "the code does not match the authenticator key (check the device's clock)"),
        ["two-factor.off"] = ("xác thực hai bước đang tắt: hãy đăng ký trước", "two-factor authentication is off: enrol first"),
        ["two-factor.required"] = ("quản trị viên và chủ tịch hội đồng phải luôn bật xác thực hai bước", "administrators and council chairs must keep two-factor authentication on"),
        ["two-factor.already-off"] = ("xác thực hai bước đã tắt", "two-factor authentication is already off"),
        ["token.name"] = ("tên mã truy cập dài từ 1 đến 100 ký tự, cho biết ứng dụng nào dùng nó", "a token needs a name of 1 to 100 characters, saying which client uses it"),
        ["token.scope"] = ("chọn phạm vi: read-only, unit hoặc admin", "choose a scope: read-only, unit or admin"),
        ["token.days"] = ("mã truy cập hết hạn trong 1 đến {max} ngày, không phải {got}", "a token expires within 1 to {max} days, not {got}"),
        ["token.unit-required"] = ("mã truy cập của đơn vị phải ghi rõ đơn vị", "a unit token names its unit"),
        ["token.unit-only"] = ("chỉ mã truy cập của đơn vị mới ghi đơn vị", "only a unit token names a unit"),
        ["token.admin-only"] = ("chỉ quản trị viên mới tạo được mã truy cập quản trị", "only administrators may create an admin token"),
        ["token.not-your-unit"] = ("bạn không thuộc đơn vị {unit}: mã truy cập của đơn vị do cán bộ đầu mối hoặc lãnh đạo đơn vị tạo",
            "you do not act for unit {unit}: a unit token is made by the unit's own focal officer or head"),
        ["approval.already"] = ("giai đoạn {stage} đã được phê duyệt; không có gì thay đổi", "{stage} was already approved; nothing changed"),
        ["target.code-source"] = ("mục tiêu cần mã (tối đa 50 ký tự) và văn bản nguồn (nghị quyết hoặc kế hoạch, tối đa 200 ký tự)",
            "a target needs a code (at most 50 characters) and its source (the resolution or plan, at most 200)"),
        ["target.title-vi"] = ("mục tiêu cần nội dung tiếng Việt (tối đa 1000 ký tự)", "a target needs its Vietnamese wording (at most 1000 characters)"),
        ["target.status"] = ("trạng thái phải là một trong: {statuses}", "the status must be one of {statuses}"),
    };
}
