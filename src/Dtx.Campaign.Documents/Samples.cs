namespace Dtx.Campaign.Documents;

/// <summary>Sample models (Hanoi, 2025 campaign) for template previews and tests.</summary>
public static class Samples
{
    public static readonly Authority Authority = new("UBND THÀNH PHỐ HÀ NỘI", "SỞ KHOA HỌC VÀ CÔNG NGHỆ", "Hà Nội");
    public static readonly Signer Signer = new("KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC", "Nguyễn Văn Bình");
    public static readonly DateTimeOffset IssuedAt = new(2025, 10, 23, 3, 0, 0, TimeSpan.Zero);

    public static readonly Campaign Campaign = new(
        "Đánh giá chuyển đổi số năm 2025", 2025, "Bộ chỉ số đánh giá chuyển đổi số cấp thành phố (34 chỉ số thành phần)",
        new DateTimeOffset(2025, 11, 1, 1, 0, 0, TimeSpan.Zero), new DateTimeOffset(2025, 11, 30, 10, 0, 0, TimeSpan.Zero), 200m,
        "https://dtx.hanoi.gov.vn");

    public static readonly Unit Unit = new("SYT", "Sở Y tế Hà Nội", "Sở, ban, ngành",
        new FocalOfficer("Trần Thị Hồng Nhung", "nhung.tth@hanoi.gov.vn", "0243 825 3300"));

    public static readonly IReadOnlyList<string> Recipients = ["Như trên;", "UBND Thành phố (để b/c);", "Lưu: VT, CĐS."];

    private static readonly IReadOnlyList<ScoreLine> Lines =
    [
        new("1", "Nhận thức số", 18m, 20m, ""),
        new("2", "Thể chế số", 15.5m, 20m, "Chưa ban hành quy chế chia sẻ dữ liệu"),
        new("3", "Hạ tầng số", 28m, 40m, "Thiếu minh chứng kết nối mạng truyền số liệu chuyên dùng"),
        new("4", "Nhân lực số", 22.19m, 30m, ""),
        new("5", "An toàn thông tin mạng", 25m, 40m, "Chưa phê duyệt cấp độ hệ thống thông tin"),
        new("6", "Chính quyền số", 28m, 50m, ""),
    ];

    public static IndexPublicationNotice IndexPublication => new()
    {
        Authority = Authority, Number = new(15, "TB", "SKHCN"), IssuedAt = IssuedAt, Campaign = Campaign, Signer = Signer,
        Recipients = ["Các sở, ban, ngành Thành phố;", "UBND các xã, phường;", "Lưu: VT, CĐS."],
        DecisionNumber = "Quyết định số 5678/QĐ-UBND ngày 23/10/2025", ComponentCount = 34,
        Groups =
        [
            new("1", "Nhận thức số", 0, 20m, "3 chỉ số thành phần"), new("2", "Thể chế số", 0, 20m, "4 chỉ số thành phần"),
            new("3", "Hạ tầng số", 0, 40m, "2 chỉ số thành phần"), new("4", "Nhân lực số", 0, 30m, "3 chỉ số thành phần"),
            new("5", "An toàn thông tin mạng", 0, 40m, "5 chỉ số thành phần"), new("6", "Chính quyền số", 0, 50m, "11 chỉ số thành phần"),
        ],
    };

    public static SelfAssessmentOpeningNotice SelfAssessmentOpening => new()
    {
        Authority = Authority, Number = new(16, "TB", "SKHCN"), IssuedAt = IssuedAt, Campaign = Campaign, Signer = Signer,
        Recipients = Recipients, Unit = Unit, AccountName = "syt.daumoi",
    };

    public static DeadlineReminderNotice DeadlineReminder => new()
    {
        Authority = Authority, Number = new(17, "TB", "SKHCN"), IssuedAt = IssuedAt, Campaign = Campaign, Signer = Signer,
        Recipients = Recipients, Unit = Unit, Deadline = Campaign.ClosesAt, DaysLeft = 7, CompletedIndicators = 21, TotalIndicators = 33,
    };

    public static DeadlineClosedNotice DeadlineClosed => new()
    {
        Authority = Authority, Number = new(18, "TB", "SKHCN"), IssuedAt = IssuedAt, Campaign = Campaign, Signer = Signer,
        Recipients = Recipients, ClosedAt = Campaign.ClosesAt, SubmittedUnits = 141, TotalUnits = 143,
        MissingUnits = ["UBND phường Hoàn Kiếm", "UBND xã Sóc Sơn"],
    };

    public static ClarificationRequestNotice ClarificationRequest => new()
    {
        Authority = Authority, Number = new(19, "TB", "SKHCN"), IssuedAt = IssuedAt, Campaign = Campaign, Signer = Signer,
        Recipients = Recipients, Unit = Unit, RespondBy = new DateTimeOffset(2025, 12, 5, 10, 0, 0, TimeSpan.Zero),
        Items = [new("3.1", "Tỷ lệ kết nối mạng truyền số liệu chuyên dùng", "Đề nghị bổ sung văn bản xác nhận kết nối của Viettel.")],
    };

    public static PreliminaryResultsNotice PreliminaryResults => new()
    {
        Authority = Authority, Number = new(20, "TB", "SKHCN"), IssuedAt = IssuedAt, Campaign = Campaign, Signer = Signer,
        Recipients = Recipients, Unit = Unit, TotalScore = 136.69m, Percent = 68.35m, Band = "Khá", Rank = 5, RankOf = 17,
        Lines = Lines, DisputeDeadline = new DateTimeOffset(2025, 12, 20, 10, 0, 0, TimeSpan.Zero),
    };

    public static DisputeOutcomeNotice DisputeOutcome => new()
    {
        Authority = Authority, Number = new(21, "TB", "SKHCN"), IssuedAt = IssuedAt, Campaign = Campaign, Signer = Signer,
        Recipients = Recipients, Unit = Unit, ScoreBefore = 136.69m, ScoreAfter = 139.19m,
        Items =
        [
            new("3.1", "Tỷ lệ kết nối mạng truyền số liệu chuyên dùng", "Đã có văn bản xác nhận kết nối", true, 0m, 2.5m, "Minh chứng bổ sung hợp lệ"),
            new("5.2", "Tỷ lệ hệ thống thông tin được phê duyệt cấp độ", "Đã trình phê duyệt cấp độ", false, 4m, 4m, "Hồ sơ chưa được cấp có thẩm quyền phê duyệt"),
        ],
    };

    public static FinalResultsNotice FinalResults => new()
    {
        Authority = Authority, Number = new(22, "TB", "SKHCN"), IssuedAt = IssuedAt, Campaign = Campaign, Signer = Signer,
        Recipients = Recipients, Category = "Sở, ban, ngành", AverageScore = 136.69m, AveragePercent = 68.35m,
        Rankings =
        [
            new(1, "Sở Khoa học và Công nghệ", 181.5m, 90.75m, "Xuất sắc"), new(2, "Sở Tài chính", 170.25m, 85.13m, "Tốt"),
            new(3, "Sở Y tế Hà Nội", 139.19m, 69.60m, "Khá"),
        ],
    };

    public static AwardDecisionNotice AwardDecision => new()
    {
        Authority = Authority, Number = new(23, "QĐ", "SKHCN"), IssuedAt = IssuedAt, Campaign = Campaign, Signer = Signer,
        Recipients = Recipients, Category = "Sở, ban, ngành",
        Awards =
        [
            new(AwardClass.First, "Sở Khoa học và Công nghệ", 181.5m, "BK-2025-0001"), new(AwardClass.Second, "Sở Tài chính", 170.25m, "BK-2025-0002"),
            new(AwardClass.Third, "Sở Y tế Hà Nội", 139.19m, "BK-2025-0003"),
        ],
    };

    public static DisputeWindowNotice DisputeWindow => new()
    {
        Authority = Authority, Number = new(24, "TB", "SKHCN"), IssuedAt = IssuedAt, Campaign = Campaign, Signer = Signer,
        Recipients = Recipients, Unit = Unit, ClosesAt = new DateTimeOffset(2025, 12, 20, 10, 0, 0, TimeSpan.Zero),
        TotalScore = 136.69m, Percent = 68.35m, Band = "Khá", BandEn = "Fair", Rank = 5, RankOf = 17,
    };

    public static VerificationStartedNotice VerificationStarted => new()
    {
        Authority = Authority, Number = new(25, "TB", "SKHCN"), IssuedAt = IssuedAt, Campaign = Campaign, Signer = Signer,
        Recipients = Recipients, SubmittedUnits = 141, TotalUnits = 143,
        VerificationEndsAt = new DateTimeOffset(2025, 12, 12, 10, 0, 0, TimeSpan.Zero),
    };

    public static DisputesClosedNotice DisputesClosed => new()
    {
        Authority = Authority, Number = new(26, "TB", "SKHCN"), IssuedAt = IssuedAt, Campaign = Campaign, Signer = Signer,
        Recipients = ["Các thành viên Hội đồng thẩm định;", "Lưu: VT."], ClosedAt = new DateTimeOffset(2025, 12, 20, 10, 0, 0, TimeSpan.Zero),
        DisputeCount = 3, OpenCount = 2, DisputingUnits = ["Sở Y tế Hà Nội (2)", "UBND phường Hoàn Kiếm (1)"],
    };

    /// <summary>One sample of every notice type.</summary>
    public static IReadOnlyList<Notice> AllNotices =>
        [IndexPublication, SelfAssessmentOpening, DeadlineReminder, DeadlineClosed, ClarificationRequest, PreliminaryResults, DisputeOutcome, FinalResults, AwardDecision, DisputeWindow, VerificationStarted, DisputesClosed];

    public static CertificateOfMerit Certificate => new()
    {
        Authority = new("", "ỦY BAN NHÂN DÂN THÀNH PHỐ HÀ NỘI", "Hà Nội"), Awardee = "Sở Khoa học và Công nghệ", Class = AwardClass.First,
        CampaignName = "Đánh giá chuyển đổi số", Year = 2025, Serial = "BK-2025-0001", VerificationCode = "7KQ4-M2ZP",
        VerificationUrl = new Uri("https://dtx.hanoi.gov.vn/public/certificates?serial=BK-2025-0001&code=7KQ4-M2ZP"),
        DecisionNumber = "23/QĐ-UBND", Category = "khối Sở, ban, ngành", IssuedAt = IssuedAt, Signer = new("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Lê Minh Quang"),
    };
}
