using System.Collections;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Dtx.Campaign.Scoring.Refusals;

/// <summary>
/// Every refusal's text in Vietnamese and English, side by side, with named placeholders ({unit}); and the
/// labels of the keys a text may name (stages, statuses), so that a reader never sees a key. A test walks
/// this catalogue: both languages present, the same placeholders, the Vietnamese not a copy of the English.
/// </summary>
public static partial class RefusalTexts
{
    public static IReadOnlyDictionary<string, (string Vi, string En)> Texts => All;

    // Each area keeps its texts in its own file; static fields of partial files initialise in no set order, hence lazy.
    private static readonly Lazy<Dictionary<string, (string Vi, string En)>> Merged = new(() =>
    {
        var all = new Dictionary<string, (string Vi, string En)>(StringComparer.Ordinal);
        foreach (var (code, text) in CouncilTexts!.Concat(AssessmentTexts!).Concat(CampaignTexts!).Concat(AccountTexts!).Concat(FileTexts!))
            if (!all.TryAdd(code, text))
                throw new InvalidOperationException($"refusal '{code}' is defined twice");
        return all;
    });

    private static Dictionary<string, (string Vi, string En)> All => Merged.Value;

    public static IReadOnlyDictionary<string, (string Vi, string En)> Labels => LabelTexts;

    /// <summary>The problem title of each kind of refusal.</summary>
    public static string Title(RefusalKind kind, string language) => Pick(Titles[kind], language);

    public static IReadOnlyDictionary<RefusalKind, (string Vi, string En)> TitleTexts => Titles;

    public static string Render(string code, IReadOnlyDictionary<string, object?> args, string language)
    {
        if (!All.TryGetValue(code, out var text))
            throw new KeyNotFoundException($"refusal '{code}' has no text");
        var culture = CultureInfo.GetCultureInfo(language == "en" ? "en-GB" : "vi-VN");
        return Placeholder().Replace(Pick(text, language), m => args.TryGetValue(m.Groups[1].Value, out var value) ? Show(value, language, culture) : m.Value);
    }

    /// <summary>A label's text; the key itself only if the catalogue lacks it (the catalogue test prevents that for known keys).</summary>
    public static string LabelOf(string key, string language) => LabelTexts.TryGetValue(key, out var text) ? Pick(text, language) : key;

    public static IEnumerable<string> PlaceholdersOf(string text) => Placeholder().Matches(text).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal);

    private static string Show(object? value, string language, CultureInfo culture) => value switch
    {
        null => "—",
        string s => s,
        Label label => LabelOf(label.Key, language),
        Words words => language == "en" ? words.En : words.Vi,
        LocalTime time => time.Show(language),
        Reason reason => reason.Text(language),
        decimal d => d.ToString("0.##", culture),
        double d => d.ToString("0.##", culture),
        // A calendar date reads day/month/year in both languages, as on the notices.
        DateOnly day => day.ToString("dd/MM/yyyy", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, culture),
        IEnumerable items => string.Join(", ", items.Cast<object?>().Select(i => Show(i, language, culture))),
        _ => value.ToString() ?? "",
    };

    private static string Pick((string Vi, string En) text, string language) => language == "en" ? text.En : text.Vi;

    [GeneratedRegex(@"\{([a-zA-Z]+)\}")]
    private static partial Regex Placeholder();

    private static readonly Dictionary<RefusalKind, (string Vi, string En)> Titles = new()
    {
        [RefusalKind.Invalid] = ("Giá trị không hợp lệ", "Invalid value"),
        [RefusalKind.Forbidden] = ("Không có quyền", "Not allowed"),
        [RefusalKind.NotFound] = ("Không tìm thấy", "Not found"),
        [RefusalKind.Conflict] = ("Chưa thể thực hiện", "Not possible now"),
        [RefusalKind.TooLarge] = ("Tệp vượt giới hạn", "The file exceeds a limit"),
        [RefusalKind.Unauthorized] = ("Đăng nhập thất bại", "Sign-in failed"),
        [RefusalKind.Locked] = ("Tài khoản tạm khóa", "Account locked"),
        [RefusalKind.TooManyRequests] = ("Quá nhiều lần thử", "Too many attempts"),
    };

    private static readonly Dictionary<string, (string Vi, string En)> LabelTexts = new(StringComparer.Ordinal)
    {
        ["schedule.indexPublicationAt"] = ("ngày công bố bộ chỉ số", "the index publication"),
        ["schedule.selfAssessmentOpensAt"] = ("ngày mở tự đánh giá", "the self-assessment opening"),
        ["schedule.selfAssessmentClosesAt"] = ("hạn chót tự đánh giá", "the self-assessment deadline"),
        ["schedule.verificationEndsAt"] = ("ngày kết thúc thẩm định", "the end of verification"),
        ["schedule.preliminaryResultsAt"] = ("ngày công bố kết quả sơ bộ", "the preliminary results"),
        ["schedule.disputesOpensAt"] = ("ngày mở tiếp nhận kiến nghị", "the disputes' opening"),
        ["schedule.disputesClosesAt"] = ("ngày đóng tiếp nhận kiến nghị", "the disputes' closing"),
        ["schedule.finalPublicationAt"] = ("ngày công bố kết quả chính thức", "the final publication"),
        ["stage.set-up"] = ("Thiết lập", "Set-up"),
        ["stage.index-publication"] = ("Công bố bộ chỉ số", "Index publication"),
        ["stage.self-assessment"] = ("Tự đánh giá", "Self-assessment"),
        ["stage.council-verification"] = ("Hội đồng thẩm định", "Council verification"),
        ["stage.preliminary-results"] = ("Kết quả sơ bộ", "Preliminary results"),
        ["stage.dispute-window"] = ("Tiếp nhận kiến nghị", "Dispute window"),
        ["stage.dispute-resolution"] = ("Giải quyết kiến nghị", "Dispute resolution"),
        ["stage.final-results"] = ("Kết quả chính thức", "Final results"),
        ["stage.publication-and-awards"] = ("Công bố và khen thưởng", "Publication and awards"),
        ["stage.archived"] = ("Lưu trữ", "Archived"),
        ["evidence.no-extension"] = ("(không có đuôi tệp)", "(no extension)"),
        ["campaign.draft"] = ("bản nháp", "a draft"),
        ["campaign.launched"] = ("đang diễn ra", "running"),
        ["campaign.cancelled"] = ("đã hủy", "cancelled"),
        ["campaign.archived"] = ("đã lưu trữ", "archived"),
        ["participant.not-started"] = ("chưa bắt đầu", "not started"),
        ["participant.in-progress"] = ("đang thực hiện", "in progress"),
        ["participant.submitted"] = ("đã nộp", "submitted"),
        ["participant.returned-for-clarification"] = ("được trả lại để giải trình", "returned for clarification"),
        ["participant.not-submitted"] = ("không nộp", "not submitted"),
        ["participant.awaiting-approval"] = ("chờ thủ trưởng duyệt", "awaiting the head's approval"),
        ["dispute.open"] = ("đang mở", "open"),
        ["dispute.upheld"] = ("chấp nhận", "upheld"),
        ["dispute.rejected"] = ("bác bỏ", "rejected"),
        ["index-set.draft"] = ("bản nháp", "a draft"),
        ["index-set.published"] = ("đã ban hành", "published"),
        ["index-set.superseded"] = ("đã được thay thế", "superseded"),
        ["method.yes-no"] = ("có/không", "yes-no"),
        ["method.ratio"] = ("tỷ lệ", "ratio"),
        ["method.tiers"] = ("theo mức", "tiers"),
        ["method.count"] = ("đếm số lượng", "count"),
        ["method.council"] = ("Hội đồng chấm", "council judgement"),
        ["action.verify"] = ("Thẩm định", "Verification"),
        ["action.exclude"] = ("Loại đơn vị khỏi đánh giá", "Excluding a unit"),
        ["action.file-dispute"] = ("Gửi kiến nghị", "Filing a dispute"),
        ["action.resolve-dispute"] = ("Giải quyết kiến nghị", "Resolving a dispute"),
        ["action.confirm-awards"] = ("Xác nhận khen thưởng", "Confirming the awards"),
        ["action.assign"] = ("phân công thành viên Hội đồng thẩm định đơn vị", "assign council members to units"),
        ["action.exclude-unit"] = ("loại một đơn vị khỏi đánh giá", "exclude a unit"),
        ["action.approve-awards"] = ("xác nhận danh sách khen thưởng", "confirm the emulation awards"),
        ["action.revoke-certificate"] = ("thu hồi bằng khen", "revoke a certificate"),
    };
}
