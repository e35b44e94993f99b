using System.Globalization;
using System.Text.Json;
using Dtx.Campaign.Workflows.Definitions;
using Dtx.Campaign.Workflows.Storage;

namespace Dtx.Campaign.Server.Workflow;

/// <summary>
/// A workflow timer in words, in the campaign's zone and the reader's language ("vi" or "en"): what it
/// does, when, how often and until when — instead of the definition's text
/// ("selfAssessment.opensAt 08:00 every P1D until selfAssessment.graceEndsAt"). Pure: no clock, no I/O.
/// </summary>
internal static class TimerWords
{
    private static readonly Dictionary<string, (string Vi, string En)> Dates = new(StringComparer.Ordinal)
    {
        ["indexPublication.at"] = ("ngày công bố bộ chỉ số", "the index publication date"),
        ["selfAssessment.opensAt"] = ("ngày mở tự đánh giá", "the opening of self-assessment"),
        ["selfAssessment.closesAt"] = ("hạn nộp tự đánh giá", "the self-assessment deadline"),
        ["selfAssessment.graceEndsAt"] = ("hết thời gian ân hạn", "the end of the grace period"),
        ["selfAssessment.lastCallAt"] = ("lần nhắc cuối", "the last call"),
        ["verification.endsAt"] = ("hạn thẩm định", "the end of verification"),
        ["verification.lastCallAt"] = ("lần nhắc cuối trước hạn thẩm định", "the last call before the end of verification"),
        ["disputes.lastCallAt"] = ("lần nhắc cuối trước hạn kiến nghị", "the last call before the dispute deadline"),
        ["preliminaryResults.at"] = ("ngày công bố kết quả sơ bộ", "the preliminary results date"),
        ["disputes.opensAt"] = ("ngày mở kiến nghị", "the opening of disputes"),
        ["disputes.closesAt"] = ("hạn kiến nghị", "the dispute deadline"),
        ["finalPublication.at"] = ("ngày công bố kết quả chính thức", "the final publication date"),
    };

    internal static readonly Dictionary<string, (string Vi, string En)> Activities = new(StringComparer.Ordinal)
    {
        ["send-reminder"] = ("Nhắc hạn", "Deadline reminder"),
        ["send-notice"] = ("Gửi thông báo", "Notice"),
        ["publish-index"] = ("Công bố bộ chỉ số", "Publish the index"),
        ["open-self-assessment"] = ("Mở tự đánh giá", "Open self-assessment"),
        ["close-self-assessment"] = ("Đóng tự đánh giá", "Close self-assessment"),
        ["open-disputes"] = ("Mở kiến nghị", "Open disputes"),
        ["close-disputes"] = ("Đóng kiến nghị", "Close disputes"),
        ["compute-results"] = ("Tính kết quả", "Compute results"),
        ["publish-results"] = ("Công bố kết quả", "Publish results"),
        ["generate-certificates"] = ("Tạo bằng khen", "Generate certificates"),
        ["archive-campaign"] = ("Lưu trữ đợt đánh giá", "Archive the campaign"),
    };

    private static readonly Dictionary<string, (string Vi, string En)> Events = new(StringComparer.Ordinal)
    {
        ["campaign-launched"] = ("đợt đánh giá được khởi động", "the campaign is launched"),
        ["all-units-submitted"] = ("mọi đơn vị đã nộp", "every unit has submitted"),
    };

    /// <summary>A workflow event in words (an event added later keeps its name).</summary>
    public static string Event(string name, string language) =>
        Events.TryGetValue(name, out var words) ? (language == "en" ? words.En : words.Vi) : name;

    /// <summary>A pending bookmark in words: a timer described, an awaited event by what it means, anything else by its own name.</summary>
    public static string Describe(WorkflowDefinition? definition, WorkflowInstance instance, Bookmark bookmark, string language) =>
        (definition is null ? null : Describe(definition, bookmark, DatesOf(instance), TimeZoneInfo.FindSystemTimeZoneById(instance.TimeZoneId), language))
        ?? (bookmark.Kind == BookmarkKind.Event ? (language == "en" ? "Waiting until " : "Chờ đến khi ") + Event(bookmark.Name, language) : bookmark.Name);

    /// <summary>An instance's campaign dates, as the runtime stores them (UTC).</summary>
    public static IReadOnlyDictionary<string, DateTime> DatesOf(WorkflowInstance instance) =>
        (JsonSerializer.Deserialize<Dictionary<string, DateTime>>(instance.DatesJson) ?? [])
            .ToDictionary(d => d.Key, d => DateTime.SpecifyKind(d.Value.ToUniversalTime(), DateTimeKind.Utc), StringComparer.Ordinal);

    /// <summary>A pending timer bookmark of an instance in words; null when the bookmark is not a timer of the definition.</summary>
    public static string? Describe(WorkflowDefinition definition, Bookmark bookmark, IReadOnlyDictionary<string, DateTime> datesUtc, TimeZoneInfo zone, string language)
    {
        if (bookmark.Kind != BookmarkKind.Timer || definition.Stages.FirstOrDefault(s => s.Key == bookmark.Stage) is not { } stage)
            return null;
        using var payload = JsonDocument.Parse(bookmark.Payload);
        if (!payload.RootElement.TryGetProperty("timer", out var index) || stage.Timers.FirstOrDefault(t => t.Index == index.GetInt32()) is not { } timer)
            return null;
        return Describe(definition, timer, bookmark.DueUtc, datesUtc, zone, language);
    }

    /// <summary>
    /// One timer in words. <paramref name="nextUtc"/> is its next firing when known (a pending bookmark);
    /// otherwise it is computed from the campaign dates.
    /// </summary>
    public static string Describe(WorkflowDefinition definition, TimerDefinition timer, DateTime? nextUtc, IReadOnlyDictionary<string, DateTime> datesUtc, TimeZoneInfo zone, string language)
    {
        var vi = language != "en";
        var what = timer.Activity is { } activity
            ? Activities.TryGetValue(activity.Activity, out var name) ? (vi ? name.Vi : name.En) : activity.Activity
            : vi ? $"Chuyển sang giai đoạn “{StageName(definition, timer.TransitionTo, vi)}”" : $"Move to the stage “{StageName(definition, timer.TransitionTo, vi)}”";
        DateTime? at = datesUtc.TryGetValue(timer.At.DateName, out var date) ? timer.At.Resolve(date, zone) : null;
        if (timer.Every is { } every)
        {
            var first = at ?? nextUtc;
            var until = timer.Until is { } u && datesUtc.TryGetValue(u, out var end) ? end : (DateTime?)null;
            var untilLabel = timer.Until is { } label ? DateLabel(label, vi) : "";
            var time = timer.At.LocalTime is { } t ? t.ToString("HH:mm", CultureInfo.InvariantCulture) : first is { } f ? Local(f, zone).ToString("HH:mm", CultureInfo.InvariantCulture) : "";
            var text = vi
                ? $"{what} {Interval(every, vi)} lúc {time}" + (first is { } s ? $" từ {Day(s, zone)}" : "") + (timer.Until is null ? "" : $" đến {untilLabel}" + (until is { } e ? $" {Moment(e, zone)}" : ""))
                : $"{what} {Interval(every, vi)} at {time}" + (first is { } s2 ? $" from {Day(s2, zone)}" : "") + (timer.Until is null ? "" : $" until {untilLabel}" + (until is { } e2 ? $" {Moment(e2, zone)}" : ""));
            return nextUtc is { } next && next != first
                ? text + (vi ? $" (lần tới: {Moment(next, zone)})" : $" (next: {Moment(next, zone)})")
                : text;
        }

        var when = nextUtc ?? at;
        var where = DateLabel(timer.At.DateName, vi);
        var offset = timer.At.Offset is { } o ? OffsetWords(o, vi) : null;
        var reference = offset is null ? where : vi ? $"{offset} {where}" : $"{offset} {where}";
        return when is { } w
            ? vi ? $"{what} lúc {Moment(w, zone)} ({reference})" : $"{what} at {Moment(w, zone)} ({reference})"
            : vi ? $"{what} vào {reference}" : $"{what} at {reference}";
    }

    private static string StageName(WorkflowDefinition definition, string? stage, bool vi) =>
        definition.Stages.FirstOrDefault(s => s.Key == stage) is { } found ? (vi ? found.Name.Vi : found.Name.En) : stage ?? "";

    private static string DateLabel(string name, bool vi) => Dates.TryGetValue(name, out var label) ? (vi ? label.Vi : label.En) : name;

    private static string Interval(IsoOffset every, bool vi) => every switch
    {
        { Years: 0, Months: 0, Weeks: 0, Days: 1, Time.Ticks: 0 } => vi ? "hằng ngày" : "daily",
        { Years: 0, Months: 0, Weeks: 1, Days: 0, Time.Ticks: 0 } or { Years: 0, Months: 0, Weeks: 0, Days: 7, Time.Ticks: 0 } => vi ? "hằng tuần" : "weekly",
        { Years: 0, Months: 0, Weeks: 0, Time.Ticks: 0 } d => vi ? $"mỗi {d.Days} ngày" : $"every {d.Days} days",
        _ => vi ? $"mỗi {OffsetWords(every, vi)}" : $"every {OffsetWords(every, vi)}",
    };

    /// <summary>An offset in words, e.g. "3 ngày trước" / "3 days before".</summary>
    private static string OffsetWords(IsoOffset offset, bool vi)
    {
        var parts = new List<string>();
        void Add(int n, string viUnit, string enUnit)
        {
            if (n > 0)
                parts.Add(vi ? $"{n} {viUnit}" : $"{n} {enUnit}{(n == 1 ? "" : "s")}");
        }

        Add(offset.Years, "năm", "year");
        Add(offset.Months, "tháng", "month");
        Add(offset.Weeks, "tuần", "week");
        Add(offset.Days, "ngày", "day");
        Add(offset.Time.Hours, "giờ", "hour");
        Add(offset.Time.Minutes, "phút", "minute");
        var amount = string.Join(" ", parts);
        return vi ? $"{amount} {(offset.Negative ? "trước" : "sau")}" : $"{amount} {(offset.Negative ? "before" : "after")}";
    }

    private static DateTime Local(DateTime utc, TimeZoneInfo zone) => TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(utc, DateTimeKind.Utc), zone);

    private static string Day(DateTime utc, TimeZoneInfo zone) => Local(utc, zone).ToString("dd/MM/yyyy", CultureInfo.InvariantCulture);

    private static string Moment(DateTime utc, TimeZoneInfo zone) => Local(utc, zone).ToString("dd/MM/yyyy HH:mm", CultureInfo.InvariantCulture);
}

/// <summary>A journal entry of the workflow in words, in the reader's language, with due times in the campaign's zone.</summary>
internal static partial class JournalWords
{
    private static readonly Dictionary<string, (string Vi, string En)> Outcomes = new(StringComparer.Ordinal)
    {
        ["started"] = ("Quy trình bắt đầu", "Workflow started"),
        ["entered"] = ("Vào giai đoạn", "Stage entered"),
        ["timer-fired"] = ("Đến giờ hẹn", "Timer fired"),
        ["approved"] = ("Chủ tịch Hội đồng phê duyệt", "Approved by the council chair"),
        ["event"] = ("Sự kiện", "Event"),
        ["faulted"] = ("Bước bị lỗi", "Step failed"),
        ["skipped"] = ("Bỏ qua (không còn đúng lúc)", "Skipped (no longer timely)"),
        ["not-taken"] = ("Không chuyển (điều kiện chưa thoả)", "Not taken (condition not met)"),
        ["retry-requested"] = ("Quản trị viên yêu cầu chạy lại", "Retry requested by an administrator"),
        ["step-skipped"] = ("Quản trị viên bỏ qua bước lỗi", "Failed step skipped by an administrator"),
        ["date-changed"] = ("Đổi ngày trong lịch", "Schedule date changed"),
        ["moved"] = ("Quản trị viên chuyển sang phiên bản mới của quy trình", "Moved to a newer version of the workflow by an administrator"),
        ["early"] = ("Hẹn giờ kích hoạt sớm, đã hẹn lại", "Timer fired early, rescheduled"),
        ["duplicate"] = ("Bỏ qua lần kích hoạt trùng", "Duplicate firing ignored"),
        ["ignored"] = ("Bỏ qua (quy trình đã huỷ)", "Ignored (workflow cancelled)"),
        ["cancelled"] = ("Quy trình bị huỷ", "Workflow cancelled"),
        ["completed"] = ("Quy trình kết thúc", "Workflow completed"),
        ["forbidden"] = ("Từ chối: không đủ quyền", "Refused: not allowed"),
        ["done"] = ("Đã thực hiện", "Done"),
        ["queued"] = ("Đã xếp gửi", "Queued"),
        ["transition"] = ("Chuyển giai đoạn", "Stage changed"),
        ["finished"] = ("Quy trình kết thúc", "Workflow completed"),
        ["published"] = ("Đã công bố", "Published"),
        ["opened"] = ("Đã mở", "Opened"),
        ["closed"] = ("Đã đóng", "Closed"),
        ["computed"] = ("Đã tính", "Computed"),
        ["archived"] = ("Đã lưu trữ", "Archived"),
        ["none"] = ("Không có việc cần làm", "Nothing to do"),
        ["waiting"] = ("Đang chờ", "Waiting"),
    };

    public static string Describe(JournalEntry entry, string zoneId, string language)
    {
        var vi = language != "en";
        var zone = TimeZoneInfo.FindSystemTimeZoneById(zoneId);
        var outcome = Outcomes.TryGetValue(entry.Outcome, out var o) ? (vi ? o.Vi : o.En) : entry.Outcome;
        var activity = entry.Activity is { } a ? TimerWords.Activities.TryGetValue(a, out var n) ? (vi ? n.Vi : n.En) : a : null;
        var text = activity is null ? outcome : $"{activity}: {outcome.ToLowerInvariant()}";
        // A fired timer says when it was due (the journal's own time is when it fired).
        if (entry.Detail is { } detail && DueOf().Match(detail) is { Success: true } due
            && DateTime.TryParse(due.Groups[1].Value, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var dueUtc))
        {
            var local = TimeZoneInfo.ConvertTimeFromUtc(DateTime.SpecifyKind(dueUtc, DateTimeKind.Utc), zone).ToString("dd/MM/yyyy HH:mm", CultureInfo.InvariantCulture);
            text += vi ? $" (đến hạn lúc {local})" : $" (due {local})";
        }
        return text;
    }

    public static string Actor(string actor, string language) => actor switch
    {
        Dtx.Campaign.Workflows.Runtime.WorkflowActor.TimerId => language == "en" ? "schedule" : "theo lịch",
        Dtx.Campaign.Workflows.Runtime.WorkflowActor.SystemId => language == "en" ? "system" : "hệ thống",
        _ => actor,
    };

    [System.Text.RegularExpressions.GeneratedRegex(@"due (\S+?)(?:,|$| )")]
    private static partial System.Text.RegularExpressions.Regex DueOf();
}
