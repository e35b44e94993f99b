namespace Dtx.Campaign.Scoring.Refusals;

public static partial class RefusalTexts
{
    private static readonly Dictionary<string, (string Vi, string En)> AssessmentTexts = new(StringComparer.Ordinal)
    {
        // Whether the unit may change its self-assessment now
        ["self-assessment.campaign-not-running"] = ("đợt đánh giá đang ở trạng thái {status}, không diễn ra", "the campaign is {status}, not running"),
        ["self-assessment.not-open"] = ("tự đánh giá mở từ {opensAt}", "self-assessment opens at {opensAt}"),
        ["self-assessment.locked"] = ("{unit} đã nộp bản tự đánh giá lúc {submittedAt}; chỉ sửa được khi Hội đồng trả lại để giải trình",
            "{unit} submitted its self-assessment at {submittedAt}; it can be changed only if the council returns it for clarification"),
        ["self-assessment.closed-not-submitted"] = ("hạn nộp là {deadline}; bản tự đánh giá của {unit} đã đóng do không nộp",
            "the deadline was {deadline}; the self-assessment of {unit} is closed as not submitted"),
        ["self-assessment.deadline-passed"] = ("hạn nộp là {deadline}; không nhận thay đổi sau hạn", "the deadline was {deadline}; late changes are not accepted"),
        ["self-assessment.grace-passed"] = ("hạn nộp là {deadline} và thời gian nộp muộn đã kết thúc lúc {graceEnd}; không nhận thay đổi sau hạn",
            "the deadline was {deadline} and the grace period for late submissions ended {graceEnd}; late changes are not accepted"),
        ["self-assessment.not-returned"] = ("Hội đồng chưa trả lại bản tự đánh giá của {unit} để giải trình", "the council has not returned the self-assessment of {unit} for clarification"),
        ["self-assessment.version-conflict"] = ("chỉ số {code} đã được {by} sửa lúc {at}; tải lại và nhập lại thay đổi của bạn",
            "indicator {code} was changed by {by} at {at}; reload it and apply your change again"),
        ["self-assessment.bonus-count"] = ("phải là số nguyên từ 0 đến 1000 (nhận được {got})", "must be a whole number from 0 to 1000 (got {got})"),
        ["self-assessment.bonus-version"] = ("đề nghị điểm thưởng đã được {by} sửa lúc {at} (phiên bản {version}); tải lại", "the claim was changed by {by} at {at} (version {version}); reload it"),
        ["self-assessment.clarification-answer"] = ("viết câu trả lời cho các câu hỏi của Hội đồng (tối đa 8000 ký tự)", "write an answer to the council's questions (at most 8000 characters)"),
        ["self-assessment.not-answered"] = ("{code} {name}: chưa trả lời", "{code} {name}: not answered"),
        ["self-assessment.evidence-missing"] = ("{code} {name}: thiếu minh chứng cho điểm tự chấm ({requirement})", "{code} {name}: evidence required to claim points ({requirement})"),
        ["self-assessment.bonus-needs-evidence"] = ("{code}: điểm thưởng cần minh chứng", "{code}: a bonus claim needs evidence"),
        ["self-assessment.clarification-unanswered"] = ("trả lời câu hỏi của Hội đồng trước khi nộp lại", "answer the council's questions before resubmitting"),
        ["evidence.link-invalid"] = ("đường dẫn phải là địa chỉ http(s) đầy đủ", "a link must be an absolute http(s) address"),
        ["evidence.document-incomplete"] = ("văn bản cần số, ngày và cơ quan ban hành (ví dụ 920/QĐ-UBND, 2024-02-20, UBND TP Hà Nội)",
            "an official document needs its number, date and issuer (e.g. 920/QĐ-UBND, 2024-02-20, UBND TP Hà Nội)"),
        ["evidence.kind-invalid"] = ("tệp được tải lên qua evidence/files; ở đây dùng 'link' hoặc 'document'", "files are uploaded to evidence/files; here use 'link' or 'document'"),
        ["evidence.too-large"] = ("'{file}' có dung lượng {size} MB; giới hạn là {limit} MB", "'{file}' is {size} MB; the limit is {limit} MB"),
        ["evidence.type-not-accepted"] = ("không nhận tệp loại '{type}' (chấp nhận: {accepted})", "files of type '{type}' are not accepted (accepted: {accepted})"),
        ["evidence.content-mismatch"] = ("nội dung của '{file}' không phải tệp {type}", "the content of '{file}' is not a {type} file"),
        ["evidence.pdf-no-trailer"] = ("'{file}' bắt đầu như PDF nhưng không có phần kết PDF (startxref … %%EOF): đây không phải tài liệu PDF",
            "'{file}' starts like a PDF but has no PDF trailer (startxref … %%EOF): it is not a PDF document"),
        ["evidence.pdf-no-catalog"] = ("'{file}' có phần kết PDF nhưng không chỉ tới danh mục tài liệu (/Root): tệp hỏng hoặc không phải PDF; hãy xuất lại tệp PDF",
            "'{file}' has a PDF trailer but names no document catalog (/Root): the file is damaged or not a PDF; export the PDF again"),
        ["evidence.png-no-header"] = ("'{file}' không có khối tiêu đề PNG (IHDR)", "'{file}' has no PNG header chunk (IHDR)"),
        ["evidence.jpeg-no-marker"] = ("'{file}' không có dấu đoạn JPEG sau phần mở đầu ảnh", "'{file}' has no JPEG marker after its start of image"),
        ["evidence.zip-limit"] = ("'{file}' vượt giới hạn của tệp nén: {problem} (giới hạn: {limit})", "'{file}' exceeds a zip limit: {problem} (limit: {limit})"),
        ["evidence.not-office"] = ("'{file}' là tệp zip nhưng không phải tài liệu Office: thiếu [Content_Types].xml hoặc {entry}",
            "'{file}' is a zip file but not an Office document: it lacks [Content_Types].xml or {entry}"),
        ["evidence.unreadable"] = ("'{file}' không đọc được như tệp {type}", "'{file}' is not a readable {type} file"),

        // An answer against its indicator's scoring method
        ["input.unused"] = ("'{field}' không dùng cho phương pháp {method} của chỉ số {code}", "'{field}' is not used by the {method} method of indicator {code}"),
        ["input.negative"] = ("'{field}' không được âm (nhận được {got})", "'{field}' must not be negative (got {got})"),
        ["input.ratio-both"] = ("nhập tỷ lệ phần trăm ('number') hoặc tử số và mẫu số, không cả hai", "give either a percentage ('number') or a numerator and a denominator, not both"),
        ["input.ratio-incomplete"] = ("tỷ lệ cần cả tử số và mẫu số", "a ratio needs both a numerator and a denominator"),
        ["input.denominator-zero"] = ("mẫu số phải lớn hơn 0", "the denominator must be greater than 0"),
        ["input.numerator-exceeds"] = ("tử số ({numerator}) không được lớn hơn mẫu số ({denominator})", "the numerator ({numerator}) cannot exceed the denominator ({denominator})"),
        ["input.percentage-exceeds"] = ("tỷ lệ phần trăm không được vượt quá 100 (nhận được {got})", "a percentage cannot exceed 100 (got {got})"),
        ["input.count-whole"] = ("số lượng phải là số nguyên (nhận được {got})", "a count must be a whole number (got {got})"),
        ["input.points-exceed-max"] = ("điểm đề xuất ({got}) vượt điểm tối đa của chỉ số ({max})", "the proposed points ({got}) exceed the indicator's maximum ({max})"),
        ["input.not-scored"] = ("chỉ số {code} không phải chỉ số thành phần được chấm điểm", "indicator {code} is not a scored leaf"),
        ["input.number"] = ("không phải số hợp lệ: {value}", "not a valid number: {value}"),
    };
}
