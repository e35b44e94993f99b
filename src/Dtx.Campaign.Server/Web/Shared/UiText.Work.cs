namespace Dtx.Campaign.Server.Web;

internal sealed partial class UiText
{
    /// <summary>The unit's work pages (contents, checklist, confirmations, stage notes) and the admin's mail log.</summary>
    private static readonly Dictionary<string, (string Vi, string En)> WorkTexts = new(StringComparer.Ordinal)
    {
        ["Contents"] = ("Mục lục", "Contents"),
        ["AnsweredOf"] = ("đã trả lời {0}/{1}", "{0} of {1} answered"),
        ["checklist.not-answered"] = ("chưa trả lời", "not answered"),
        ["checklist.evidence-missing"] = ("cần minh chứng để được tính điểm tự chấm", "evidence needed for the points claimed"),
        ["SubmitWhatHappens"] = ("Khi nộp:", "When you submit:"),
        ["SubmitScore"] = ("điểm tự chấm {0}/{1} với {2}/{3} chỉ số đã trả lời được gửi đến Hội đồng thẩm định;",
            "the self-score of {0}/{1}, with {2} of {3} indicators answered, goes to the Appraisal Council;"),
        ["SubmitLocks"] = ("bản tự đánh giá bị khóa, không sửa được nữa trừ khi Hội đồng trả lại để giải trình;",
            "the self-assessment is locked and cannot be changed unless the council returns it for clarification;"),
        ["SubmitNext"] = ("việc này không hoàn tác được.", "this cannot be undone."),
        ["SubmitConfirm"] = ("Xác nhận nộp", "Confirm and submit"),
        ["SubmittedLocked"] = ("Đơn vị đã nộp bản tự đánh giá; bản này đã khóa và chỉ mở lại khi Hội đồng trả lại để giải trình.",
            "The unit has submitted its self-assessment; it is locked and reopens only if the council returns it for clarification."),
        ["SubmittedNoCountdown"] = ("đã nộp, không còn đếm ngược", "submitted, no countdown"),
        ["SelfAssessmentOpensAt"] = ("Tự đánh giá mở từ {0} ({1}); các ô nhập được mở khi đến giờ.", "Self-assessment opens on {0} ({1}); the fields open then."),
        ["PrintAssessment"] = ("In bản tự đánh giá (A4)", "Print the self-assessment (A4)"),
        ["PrintSignature"] = ("Thủ trưởng đơn vị (ký, ghi rõ họ tên, đóng dấu)", "Head of the unit (signature, full name, seal)"),
        ["RemoveEvidence"] = ("Gỡ bỏ", "Remove"),
        ["RemoveEvidenceOf"] = ("Gỡ bỏ {0}", "Remove {0}"),
        ["ReplaceEvidence"] = ("Thay tệp", "Replace"),
        ["ReplaceEvidenceOf"] = ("Tệp thay cho {0}", "File replacing {0}"),
        ["EvidenceRemoved"] = ("Đã gỡ bỏ minh chứng.", "The evidence was removed."),
        ["EvidenceReplaced"] = ("Đã thay minh chứng bằng {0}.", "The evidence was replaced by {0}."),
        ["VerificationOpensAt"] = ("Thẩm định mở từ {0} ({1}), sau khi hết hạn tự đánh giá; đến lúc đó chỉ xem được bản tự đánh giá.",
            "Verification opens on {0} ({1}), after the self-assessment deadline; until then the self-assessment can only be read."),
        ["VerificationNotYet"] = ("Chưa đến giai đoạn thẩm định; đến lúc đó chỉ xem được bản tự đánh giá.", "The verification stage has not begun; until then the self-assessment can only be read."),
        ["VerificationOver"] = ("Giai đoạn thẩm định đã kết thúc; điểm thẩm định chỉ còn xem được.", "The verification stage is over; the verified scores can only be read."),
        ["ApproveWhatHappens"] = ("Khi phê duyệt:", "When you approve:"),
        ["ApproveEnds"] = ("giai đoạn “{0}” kết thúc và không mở lại được;", "the stage “{0}” ends and cannot be reopened;"),
        ["ApproveNext"] = ("quy trình chuyển sang giai đoạn tiếp theo và gửi các thông báo của giai đoạn đó (kể cả công bố kết quả nếu là giai đoạn cuối);",
            "the workflow moves to the next stage and sends that stage's notices (including publishing the results when it is the last);"),
        ["ApproveRecorded"] = ("phê duyệt được ghi vào nhật ký kèm ý kiến của Chủ tịch Hội đồng.", "the approval is recorded in the audit trail with the chair's comment."),
        ["ConfirmAwardsCount"] = ("{0} đơn vị trong danh sách đề xuất trên sẽ được khen thưởng.", "The {0} units proposed above will receive their awards."),
        ["LaunchWhatHappens"] = ("Khi phát động:", "When you launch:"),
        ["LaunchStarts"] = ("quy trình bắt đầu chạy theo lịch: công bố bộ chỉ số lúc {0} ({1}), mở tự đánh giá, gửi thư nhắc hạn;",
            "the workflow starts on its schedule: the index is published on {0} ({1}), self-assessment opens, reminders are sent;"),
        ["LaunchLocks"] = ("danh sách đơn vị và bộ chỉ số của đợt không đổi được nữa; không hoàn tác được.", "the campaign's units and index sets can no longer change; this cannot be undone."),
        ["RatioComputed"] = ("Tỷ lệ", "Ratio"),
    };
}
