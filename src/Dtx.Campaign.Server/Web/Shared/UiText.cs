using System.Globalization;

namespace Dtx.Campaign.Server.Web;

/// <summary>
/// Every string the pages show, in Vietnamese and English. A typed dictionary rather than resource
/// files: one place to read both languages side by side. An unknown key throws, so a page that
/// forgets a translation fails its browser test instead of showing a key.
/// </summary>
internal sealed partial class UiText
{
    public string Language => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en" ? "en" : "vi";

    public string this[string key] => Texts.TryGetValue(key, out var text)
        ? Language == "en" ? text.En : text.Vi
        : throw new KeyNotFoundException($"UI text '{key}' has no translation");

    public string Format(string key, params object[] args) => string.Format(CultureInfo.CurrentCulture, this[key], args);

    /// <summary>A participant's or workflow's machine name (e.g. "in-progress") as words; the name itself when unknown.</summary>
    public string Status(string status) => Texts.TryGetValue("status." + status, out var text) ? (Language == "en" ? text.En : text.Vi) : status;

    /// <summary>A field named by a refusal (e.g. "note") as the form labels it; the name itself when unknown.</summary>
    public string Field(string field) =>
        Texts.TryGetValue("field." + field, out var text) ? (Language == "en" ? text.En : text.Vi)
        // A campaign's dates and index sets are labelled on the form as their date and category.
        : field.StartsWith("schedule.", StringComparison.Ordinal) && Texts.TryGetValue("date." + field["schedule.".Length..], out var date) ? (Language == "en" ? date.En : date.Vi)
        : field.StartsWith("indexSets.", StringComparison.Ordinal) ? Category(field["indexSets.".Length..])
        : field;

    /// <summary>Why an indicator scored less than its maximum (the scoring engine's reason codes).</summary>
    public string Shortfall(string reason) => Texts.TryGetValue("shortfall." + reason, out var text) ? (Language == "en" ? text.En : text.Vi) : reason;

    /// <summary>A notice's name (its template, e.g. "deadline-reminder") in words; the name itself when unknown (a template added later).</summary>
    public string Notice(string notice) => Texts.TryGetValue("notice." + notice, out var text) ? (Language == "en" ? text.En : text.Vi) : notice;

    /// <summary>A unit category's name (department, district, commune, province); the code itself when unknown.</summary>
    public string Category(string category) => Texts.TryGetValue("category." + category, out var text) ? (Language == "en" ? text.En : text.Vi) : category;

    // Each area keeps its texts in its own file (UiText.Account.cs, UiText.Council.cs, UiText.Public.cs);
    // a key defined twice throws at start-up.
    // Lazy: the order in which static fields of partial files are initialised is not defined.
    private static readonly Lazy<Dictionary<string, (string Vi, string En)>> AllTexts = new(() => Merge(CommonTexts!, AccountTexts!, CouncilTexts!, PublicTexts!, WorkTexts!));

    private static Dictionary<string, (string Vi, string En)> Texts => AllTexts.Value;

    private static Dictionary<string, (string Vi, string En)> Merge(params Dictionary<string, (string Vi, string En)>[] parts)
    {
        var all = new Dictionary<string, (string Vi, string En)>(StringComparer.Ordinal);
        foreach (var (key, text) in parts.SelectMany(p => p))
            if (!all.TryAdd(key, text))
                throw new InvalidOperationException($"UI text '{key}' is defined twice");
        return all;
    }

    private static readonly Dictionary<string, (string Vi, string En)> CommonTexts = new(StringComparer.Ordinal)
    {
        ["AppName"] = ("Đánh giá chuyển đổi số", "Digital transformation assessment"),
        ["SkipToContent"] = ("Chuyển đến nội dung chính", "Skip to main content"),
        ["MainNavigation"] = ("Điều hướng chính", "Main navigation"),
        ["Campaigns"] = ("Đợt đánh giá", "Campaigns"),
        ["Imports"] = ("Nhập dữ liệu", "Imports"),
        ["MyTasks"] = ("Nhiệm vụ của tôi", "My tasks"),
        ["SwitchLanguage"] = ("English", "Tiếng Việt"),
        ["SignOut"] = ("Đăng xuất", "Sign out"),
        ["Footer"] = ("Hệ thống đánh giá chuyển đổi số hằng năm của các cơ quan, đơn vị.", "The yearly digital-transformation assessment of agencies and units."),

        // Account
        ["SignIn"] = ("Đăng nhập", "Sign in"),
        ["Email"] = ("Thư điện tử", "E-mail"),
        ["Password"] = ("Mật khẩu", "Password"),
        ["SignInFailed"] = ("Thư điện tử hoặc mật khẩu không đúng.", "The e-mail or password is wrong."),
        ["AccountLocked"] = ("Tài khoản tạm khóa do nhập sai nhiều lần; vui lòng thử lại sau.", "The account is locked after too many failed attempts; try again later."),
        ["FieldRequired"] = ("Vui lòng nhập {0}.", "Please enter the {0}."),
        ["AccessDenied"] = ("Không có quyền truy cập", "Access denied"),
        ["AccessDeniedText"] = ("Tài khoản của bạn không được phép xem trang này.", "Your account may not see this page."),
        ["BackHome"] = ("Về trang chủ", "Back to the home page"),

        // Admin: campaigns
        ["Year"] = ("Năm", "Year"),
        ["Name"] = ("Tên", "Name"),
        ["Status"] = ("Trạng thái", "Status"),
        ["Stage"] = ("Giai đoạn", "Stage"),
        ["CurrentStage"] = ("Giai đoạn hiện tại", "Current stage"),
        ["Units"] = ("Đơn vị", "Units"),
        ["Unit"] = ("Đơn vị", "Unit"),
        ["Code"] = ("Mã", "Code"),
        ["Category"] = ("Loại", "Category"),
        ["Open"] = ("Mở", "Open"),
        ["NoCampaigns"] = ("Chưa có đợt đánh giá nào.", "There is no campaign yet."),
        ["Dashboard"] = ("Bảng điều khiển", "Dashboard"),
        ["Launch"] = ("Khởi động đợt đánh giá", "Launch the campaign"),
        ["Launched"] = ("Đã khởi động đợt đánh giá.", "The campaign was launched."),
        ["CannotLaunch"] = ("Chưa thể khởi động đợt đánh giá:", "The campaign cannot be launched yet:"),
        ["Schedule"] = ("Lịch trình", "Schedule"),
        ["SelfAssessmentWindow"] = ("Tự đánh giá", "Self-assessment"),
        ["Progress"] = ("Tiến độ theo đơn vị", "Progress per unit"),
        ["Filter"] = ("Lọc", "Filter"),
        ["All"] = ("Tất cả", "All"),
        ["Answered"] = ("Đã trả lời", "Answered"),
        ["Deadline"] = ("Hạn chót", "Deadline"),
        ["SubmittedAt"] = ("Nộp lúc", "Submitted at"),
        ["Overdue"] = ("Quá hạn", "Overdue"),
        ["Extended"] = ("Được gia hạn", "Extended"),
        ["Late"] = ("Nộp muộn", "Late"),
        ["NoRows"] = ("Không có đơn vị nào phù hợp.", "No unit matches."),
        ["PendingApprovals"] = ("Chờ phê duyệt và mốc thời gian", "Pending approvals and timers"),
        ["Approval"] = ("Phê duyệt", "Approval"),
        ["Timer"] = ("Mốc thời gian", "Timer"),
        ["AwaitedEvent"] = ("Sự kiện", "Event"),
        ["Due"] = ("Đến hạn", "Due"),
        ["NothingPending"] = ("Không có việc đang chờ.", "Nothing is pending."),
        ["NotLaunched"] = ("Đợt đánh giá chưa khởi động.", "The campaign has not been launched."),
        ["GrantExtension"] = ("Gia hạn cho đơn vị", "Grant an extension"),
        ["ExtendUntil"] = ("Gia hạn đến (giờ địa phương)", "Extend until (local time)"),
        ["Reason"] = ("Lý do", "Reason"),
        ["Grant"] = ("Gia hạn", "Grant"),
        ["ExtensionGranted"] = ("Đã gia hạn cho {0} đến {1}.", "{0} was given until {1}."),
        ["ChooseUnit"] = ("Chọn đơn vị", "Choose a unit"),
        ["field.until"] = ("Gia hạn đến", "Extend until"),
        ["field.unit"] = ("Đơn vị", "Unit"),
        ["Refused"] = ("Yêu cầu bị từ chối:", "The request was refused:"),
        ["CampaignNotFound"] = ("Không tìm thấy đợt đánh giá.", "Campaign not found."),
        ["Participants"] = ("Số đơn vị tham gia", "Participating units"),
        ["TimeZoneNote"] = ("Giờ hiển thị theo múi giờ {0}.", "Times are shown in the {0} time zone."),
        ["VietnamTime"] = ("giờ Việt Nam", "Vietnam time"),

        // Admin: set-up
        ["NewCampaign"] = ("Thiết lập đợt đánh giá mới", "Set up a new campaign"),
        ["General"] = ("Thông tin chung", "General"),
        ["Authority"] = ("Cơ quan tổ chức", "Organising authority"),
        ["NameVi"] = ("Tên tiếng Việt", "Vietnamese name"),
        ["NameEn"] = ("Tên tiếng Anh", "English name"),
        ["HeadApproval"] = ("Thủ trưởng đơn vị duyệt trước khi nộp", "The unit head approves before submission"),
        ["HeadApprovalHelp"] = ("Cán bộ đầu mối soạn và gửi thủ trưởng; thủ trưởng (hoặc quản trị viên) duyệt và nộp, hoặc trả lại kèm ghi chú.",
            "The focal officer prepares and sends it to the head; the head (or an administrator) approves and submits it, or sends it back with a note."),
        ["IndexSetsPerCategory"] = ("Bộ chỉ số theo loại đơn vị", "Index set per unit category"),
        ["UnitsJoinHelp"] = ("Mọi đơn vị đang hoạt động thuộc các loại được chọn sẽ tham gia.", "Every active unit of the chosen categories takes part."),
        ["NotTakingPart"] = ("— Không tham gia —", "— Not taking part —"),
        ["ChairName"] = ("Chủ tịch Hội đồng: họ và tên", "Council chair: full name"),
        ["ChairEmail"] = ("Chủ tịch Hội đồng: thư điện tử", "Council chair: e-mail"),
        ["SecretaryName"] = ("Thư ký: họ và tên", "Secretary: full name"),
        ["SecretaryEmail"] = ("Thư ký: thư điện tử", "Secretary: e-mail"),
        ["CreateDraft"] = ("Tạo bản nháp đợt đánh giá", "Create the draft campaign"),
        ["date.indexPublicationAt"] = ("Công bố bộ chỉ số", "Index publication"),
        ["date.selfAssessmentOpensAt"] = ("Mở tự đánh giá", "Self-assessment opens"),
        ["date.selfAssessmentClosesAt"] = ("Hạn chót tự đánh giá", "Self-assessment deadline"),
        ["date.verificationEndsAt"] = ("Kết thúc thẩm định", "Verification ends"),
        ["date.preliminaryResultsAt"] = ("Công bố kết quả sơ bộ", "Preliminary results"),
        ["date.disputesOpensAt"] = ("Mở tiếp nhận kiến nghị", "Disputes open"),
        ["date.disputesClosesAt"] = ("Đóng tiếp nhận kiến nghị", "Disputes close"),
        ["date.finalPublicationAt"] = ("Công bố kết quả chính thức", "Final publication"),

        // Admin: imports
        ["ImportIndexSet"] = ("Nhập bộ chỉ số", "Import an index set"),
        ["ImportIndexSetHelp"] = ("Tệp YAML hoặc Excel theo định dạng bộ chỉ số; được lưu ở dạng bản nháp nếu không chọn công bố.", "A YAML or Excel file in the index-set format; stored as a draft unless published."),
        ["PublishNow"] = ("Công bố ngay", "Publish now"),
        ["ImportUnits"] = ("Nhập danh sách đơn vị", "Import units"),
        ["ImportUnitsHelp"] = ("Tệp CSV hoặc Excel; chỉ cần một dòng lỗi là cả tệp bị từ chối.", "A CSV or Excel file; one bad row refuses the whole file."),
        ["File"] = ("Tệp", "File"),
        ["Upload"] = ("Tải lên", "Upload"),
        ["ChooseFile"] = ("Vui lòng chọn một tệp.", "Please choose a file."),
        ["FileRefused"] = ("Tệp bị từ chối, không có gì được lưu. Các lỗi:", "The file was refused; nothing was stored. Problems:"),
        ["Line"] = ("Dòng", "Line"),
        ["Field"] = ("Trường", "Field"),
        ["Problem"] = ("Lỗi", "Problem"),
        ["IndexSetImported"] = ("Đã lưu bộ chỉ số {0}, phiên bản {1} ({2}).", "Stored index set {0}, version {1} ({2})."),
        ["UnitsImported"] = ("Đã nhập: {0} đơn vị mới, {1} đơn vị cập nhật.", "Imported: {0} new units, {1} updated."),
        ["IndexSets"] = ("Bộ chỉ số", "Index sets"),
        ["Version"] = ("Phiên bản", "Version"),

        // Unit
        ["MyTasksIntro"] = ("Các đợt tự đánh giá của đơn vị bạn phụ trách.", "The self-assessments of the units you work for."),
        ["NoTasks"] = ("Bạn chưa được giao nhiệm vụ tự đánh giá nào.", "You have no self-assessment to do."),
        ["TimeLeft"] = ("Thời gian còn lại", "Time left"),
        // English without plurals ("1 d 3 h"): the countdown script fills the same pattern every minute.
        ["DaysHours"] = ("{0} ngày {1} giờ", "{0} d {1} h"),
        ["DeadlinePassed"] = ("Đã qua hạn", "Past the deadline"),
        ["FillIn"] = ("Tự đánh giá", "Self-assess"),
        ["CalendarFeed"] = ("Lịch hạn chót (ICS)", "Deadline calendar (ICS)"),
        ["CalendarHelp"] = ("Thêm đường dẫn này vào lịch của bạn để nhận các mốc hạn chót.", "Add this address to your calendar to get the deadlines."),
        ["SelfAssessment"] = ("Tự đánh giá", "Self-assessment"),
        ["SelfScore"] = ("Điểm tự đánh giá", "Self-score"),
        ["OfMax"] = ("trên {0} điểm áp dụng", "of {0} applicable points"),
        ["Band"] = ("Xếp loại", "Rating"),
        ["Points"] = ("điểm", "points"),
        ["MaxPoints"] = ("Điểm tối đa", "Maximum"),
        ["Score"] = ("Điểm", "Score"),
        ["Yes"] = ("Có", "Yes"),
        ["No"] = ("Không", "No"),
        ["Numerator"] = ("Tử số (a)", "Numerator (a)"),
        ["Denominator"] = ("Mẫu số (b)", "Denominator (b)"),
        ["Value"] = ("Giá trị", "Value"),
        ["CountItems"] = ("Số lượng", "Count"),
        ["ProposedPoints"] = ("Điểm đề xuất", "Proposed points"),
        ["TiersHint"] = ("Mức điểm: {0}", "Tiers: {0}"),
        ["Explanation"] = ("Giải trình", "Explanation"),
        ["Save"] = ("Lưu", "Save"),
        ["Saving"] = ("Đang lưu…", "Saving…"),
        ["SavedAt"] = ("Đã lưu lúc {0}", "Saved at {0}"),
        ["NotSaved"] = ("Chưa lưu", "Not saved yet"),
        ["NotSavedBecause"] = ("Chưa lưu: {0}", "Not saved: {0}"),
        ["Unsaved"] = ("Có thay đổi chưa lưu", "Unsaved changes"),
        ["SaveConflict"] = ("Người khác đã sửa chỉ tiêu này; giá trị mới nhất đang được hiển thị, vui lòng nhập lại thay đổi.", "Someone else changed this indicator; the latest values are shown, please apply your change again."),
        ["InvalidNumber"] = ("Giá trị không phải là số: {0}", "Not a number: {0}"),
        ["Evidence"] = ("Minh chứng", "Evidence"),
        ["EvidenceRequired"] = ("Cần minh chứng để được tính điểm (trả lời \"Không\" hoặc 0 thì không cần)", "Evidence required to claim points (a \"No\" or a zero needs none)"),
        ["EvidenceFile"] = ("Tệp minh chứng cho {0}", "Evidence file for {0}"),
        ["AttachFile"] = ("Đính kèm tệp", "Attach file"),
        // A file field's own words: the browser draws them in its language, not the page's (site.js puts these instead).
        ["ChooseFile"] = ("Chọn tệp", "Choose file"),
        ["NoFileChosen"] = ("Chưa chọn tệp", "No file chosen"),
        ["NoEvidence"] = ("Chưa có minh chứng.", "No evidence yet."),
        ["EvidenceAdded"] = ("Đã đính kèm {0}.", "{0} was attached."),
        ["Checklist"] = ("Danh sách kiểm tra trước khi nộp", "Checklist before submitting"),
        ["ChecklistComplete"] = ("Đã đủ thông tin để nộp.", "Everything needed is there."),
        ["Submit"] = ("Nộp bản tự đánh giá", "Submit the self-assessment"),
        ["Submitted"] = ("Đã nộp bản tự đánh giá.", "The self-assessment was submitted."),
        ["SubmitRefused"] = ("Chưa đủ để nộp:", "Not complete yet:"),
        ["Closed"] = ("Không thể thay đổi: {0}", "Closed for changes: {0}"),
        ["Group"] = ("Nhóm {0}", "Group {0}"),
        ["ShortfallReason"] = ("Lý do chưa đạt điểm", "Why points are missing"),
        ["UploadProgress"] = ("Tiến độ tải tệp cho {0}", "Upload progress for {0}"),
        ["UploadFailed"] = ("Tệp bị từ chối: {0}", "The file was refused: {0}"),

        // Participant and workflow states
        ["status.not-started"] = ("Chưa bắt đầu", "Not started"),
        ["status.in-progress"] = ("Đang thực hiện", "In progress"),
        ["status.submitted"] = ("Đã nộp", "Submitted"),
        ["status.returned-for-clarification"] = ("Trả lại để giải trình", "Returned for clarification"),
        ["status.not-submitted"] = ("Không nộp", "Not submitted"),
        ["status.awaiting-approval"] = ("Chờ thủ trưởng duyệt", "Awaiting the head's approval"),
        ["status.submitted-late"] = ("Nộp muộn (trong thời gian gia hạn chung)", "Submitted late (in the grace period)"),
        ["status.overdue"] = ("Quá hạn, chưa nộp", "Overdue, not submitted"),
        ["ProgressChartUnits"] = ("{0} đơn vị", "{0} units"),
        ["ProgressChartExtended"] = ("Trong đó được gia hạn: {0}", "Of which extended: {0}"),
        ["status.extended"] = ("Được gia hạn", "Extended"),
        ["status.draft"] = ("Bản nháp", "Draft"),
        ["status.launched"] = ("Đã khởi động", "Launched"),
        ["status.cancelled"] = ("Đã hủy", "Cancelled"),
        ["status.archived"] = ("Đã lưu trữ", "Archived"),
        ["status.completed"] = ("Đã hoàn thành", "Completed"),
        ["status.set-up"] = ("Thiết lập", "Set-up"),
        ["status.published"] = ("Đã công bố", "Published"),
        ["shortfall.not-answered"] = ("chưa trả lời", "not answered"),
        ["shortfall.no-evidence"] = ("thiếu minh chứng", "evidence missing"),
        ["shortfall.answered-no"] = ("trả lời \"Không\"", "answered no"),
        ["shortfall.below-target"] = ("chưa đạt chỉ tiêu", "below the target"),
        ["shortfall.below-first-tier"] = ("dưới mức thấp nhất", "below the first tier"),
        ["shortfall.below-top-tier"] = ("chưa đạt mức cao nhất", "below the top tier"),
        ["shortfall.below-cap"] = ("chưa đạt mức tối đa", "below the cap"),
        ["shortfall.council-judgement"] = ("do Hội đồng chấm", "scored by the council"),
        ["shortfall.council-adjusted"] = ("Hội đồng điều chỉnh", "adjusted by the council"),
        ["shortfall.children-short"] = ("chỉ tiêu thành phần chưa đủ điểm", "component indicators short"),
        ["category.department"] = ("Sở, ban, ngành", "Departments"),
        ["category.district"] = ("Quận, huyện, thị xã", "Districts"),
        ["category.commune"] = ("Xã, phường", "Communes and wards"),
        ["category.province"] = ("Tỉnh, thành phố", "Provinces"),
        ["status.superseded"] = ("Đã thay thế", "Superseded"),
        ["Templates"] = ("Mẫu văn bản", "Templates"),
        ["Letterheads"] = ("Tiêu đề văn bản", "Letterheads"),
        ["LetterheadsIntro"] = ("Mỗi cơ quan tổ chức ghi tiêu đề và người ký trên thông báo, bằng khen của mình (Nghị định 30/2020/NĐ-CP). Đợt đánh giá chỉ khởi động được khi cơ quan đã khai báo người ký.",
            "Each organising authority heads and signs its notices and certificates as set here (Decree 30/2020). A campaign can be launched only once its authority's signer is set."),
        ["LetterheadNotSaved"] = ("Chưa khai báo: đang hiện giá trị mặc định", "Not set yet: the defaults are shown"),
        ["LetterheadSavedAt"] = ("Lưu lúc {0} bởi {1}", "Saved {0} by {1}"),
        ["LetterheadSaved"] = ("Đã lưu tiêu đề văn bản của {0}; văn bản ban hành từ nay dùng tiêu đề này.", "The letterhead of {0} is saved; documents issued from now on use it."),
        ["LetterheadRefused"] = ("Chưa lưu, cần sửa:", "Not saved; please correct:"),
        ["SaveLetterhead"] = ("Lưu tiêu đề văn bản", "Save the letterhead"),
        ["NoAuthorities"] = ("Chưa có cơ quan tổ chức: nhập danh sách đơn vị trước.", "No organising authority yet: import the units first."),
        ["field.parentName"] = ("Cơ quan chủ quản (nếu có)", "Governing body (if any)"),
        ["field.issuerName"] = ("Tên cơ quan ban hành", "Issuing authority"),
        ["field.place"] = ("Địa danh", "Place"),
        ["field.symbol"] = ("Ký hiệu văn bản (sau số, ví dụ UBND)", "Document symbol (after the number, e.g. UBND)"),
        ["field.signerCapacity"] = ("Thẩm quyền ký (ví dụ TM. ỦY BAN NHÂN DÂN, KT. CHỦ TỊCH)", "Signing capacity (e.g. TM. ỦY BAN NHÂN DÂN, KT. CHỦ TỊCH)"),
        ["field.signerTitle"] = ("Chức vụ người ký", "Signer's title"),
        ["field.signerName"] = ("Họ và tên người ký", "Signer's full name"),
        ["field.letterhead"] = ("Tiêu đề văn bản", "Letterhead"),
        ["TemplateList"] = ("Các mẫu", "All templates"),
        ["TemplateText"] = ("Nội dung mẫu (Scriban)", "Template text (Scriban)"),
        ["PreviewNotice"] = ("Xem trước với dữ liệu mẫu của", "Preview with the sample data of"),
        ["PreviewLanguage"] = ("Ngôn ngữ", "Language"),
        ["PreviewPdf"] = ("Xem trước bản PDF", "Preview the PDF"),
        ["SaveNewVersion"] = ("Lưu thành phiên bản mới", "Save as a new version"),
        ["Versions"] = ("Các phiên bản", "Versions"),
        ["ShippedFile"] = ("tệp gốc kèm hệ thống", "the shipped file"),
        ["TemplateSaved"] = ("Đã lưu {0} phiên bản {1}; văn bản ban hành từ nay dùng phiên bản này.", "{0} version {1} saved; documents issued from now on use it."),
        ["TemplateRefused"] = ("Mẫu có lỗi, chưa lưu gì:", "The template has errors; nothing was saved:"),
        ["TemplateError"] = ("Dòng {0}, cột {1}: {2}", "Line {0}, column {1}: {2}"),
        ["TemplateCannotRender"] = ("Không hiển thị được mẫu: {0}", "The template cannot be rendered: {0}"),
        ["MailStatus"] = ("Thư điện tử của đợt đánh giá", "The campaign's e-mail"),
        ["MailCounts"] = ("Đã gửi: {0} · Đang chờ gửi: {1} · Gửi thất bại: {2}", "Sent: {0} · Waiting: {1} · Failed: {2}"),
        ["MailFailures"] = ("Lỗi gửi gần đây", "Recent delivery errors"),
        ["MailAttempts"] = ("Số lần thử", "Attempts"),
        ["MailError"] = ("Lỗi", "Error"),
    };
}
