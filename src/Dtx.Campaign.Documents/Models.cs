namespace Dtx.Campaign.Documents;

/// <summary>The issuing authority: parent ("UBND THÀNH PHỐ HÀ NỘI"), own name ("SỞ KHOA HỌC VÀ CÔNG NGHỆ") and place ("Hà Nội").</summary>
public sealed record Authority(string ParentName, string Name, string Place);

public sealed record Signer(string Capacity, string Title, string Name);

public sealed record FocalOfficer(string Name, string Email, string Phone);

public sealed record Unit(string Code, string Name, string Category, FocalOfficer FocalOfficer);

/// <summary>
/// The model of an e-mail announcing a notice to the council, the administrators or, for a reminder, every unit:
/// who is addressed, what the notice is about (rendered from <c>emails/about-*</c>) and where to read it;
/// <paramref name="Deadline"/>: the deadline a reminder speaks of, written in the reader's language ("" when none).
/// </summary>
public sealed record Announcement(string Name, string About, string PortalUrl, string Deadline = "");

/// <summary>What an <c>emails/about-*</c> template words: the campaign's year (0 when the notice has none).</summary>
public sealed record AnnouncementTopic(int Year);

public sealed record Campaign(string Name, int Year, string IndexSetName, DateTimeOffset OpensAt, DateTimeOffset ClosesAt, decimal MaxPoints, string PortalUrl);

/// <summary>One row of a score table: a group or an indicator, with the council's note on what did not score.</summary>
public sealed record ScoreLine(string Code, string Name, decimal Score, decimal Max, string Note);

/// <summary>A ranked unit; <paramref name="Band"/> is the band's Vietnamese name, <paramref name="BandEn"/> its English one (never the band's key).</summary>
public sealed record RankingRow(int Rank, string UnitName, decimal Score, decimal Percent, string Band, string BandEn = "");

public sealed record ClarificationItem(string IndicatorCode, string IndicatorName, string Question);

public sealed record DisputeItem(string IndicatorCode, string IndicatorName, string Claim, bool Accepted, decimal ScoreBefore, decimal ScoreAfter, string Reason);

public sealed record AwardRow(AwardClass Class, string UnitName, decimal Score, string CertificateSerial);

/// <summary>What every official notice carries: header, number, date, recipients and signer. Times are UTC; <see cref="TimeZoneId"/> is the campaign's zone.</summary>
public abstract record Notice
{
    public required Authority Authority { get; init; }
    public required DocumentNumber Number { get; init; }
    public required DateTimeOffset IssuedAt { get; init; }
    public string TimeZoneId { get; init; } = DocFormat.DefaultTimeZoneId;
    public required Campaign Campaign { get; init; }
    public required Signer Signer { get; init; }
    public IReadOnlyList<string> Recipients { get; init; } = [];

    /// <summary>Template name under <c>templates/notices/</c>, e.g. "deadline-reminder".</summary>
    public abstract string TemplateName { get; }

    /// <summary>The score table shown in PDF/DOCX, if the notice has one.</summary>
    public virtual IReadOnlyList<ScoreLine> ScoreTable => [];
}

public sealed record IndexPublicationNotice : Notice
{
    public override string TemplateName => "index-publication";
    public required string DecisionNumber { get; init; }
    public required IReadOnlyList<ScoreLine> Groups { get; init; }
    public int ComponentCount { get; init; }
    public override IReadOnlyList<ScoreLine> ScoreTable => Groups;
}

public sealed record SelfAssessmentOpeningNotice : Notice
{
    public override string TemplateName => "self-assessment-opening";
    public required Unit Unit { get; init; }
    public required string AccountName { get; init; }
}

public sealed record DeadlineReminderNotice : Notice
{
    public override string TemplateName => "deadline-reminder";
    public required Unit Unit { get; init; }
    public required DateTimeOffset Deadline { get; init; }
    /// <summary>Set once the deadline has passed: until when a late submission is still accepted.</summary>
    public DateTimeOffset? GraceEndsAt { get; init; }
    public int DaysLeft { get; init; }
    /// <summary>Set in the last reminder of the deadline's day: the hours left (the templates then speak of hours, not days).</summary>
    public int HoursLeft { get; init; }
    /// <summary>The filed copy's list of the units reminded, each with its progress (empty in a unit's own copy).</summary>
    public IReadOnlyList<string> RemindedUnits { get; init; } = [];
    public int CompletedIndicators { get; init; }
    public int TotalIndicators { get; init; }
    public decimal CompletionPercent => TotalIndicators == 0 ? 0 : Math.Round(100m * CompletedIndicators / TotalIndicators, 2);
}

public sealed record DeadlineClosedNotice : Notice
{
    public override string TemplateName => "deadline-closed";
    public required DateTimeOffset ClosedAt { get; init; }
    public int SubmittedUnits { get; init; }
    public int TotalUnits { get; init; }
    public IReadOnlyList<string> MissingUnits { get; init; } = [];
}

public sealed record ClarificationRequestNotice : Notice
{
    public override string TemplateName => "clarification-request";
    public required Unit Unit { get; init; }
    public required DateTimeOffset RespondBy { get; init; }
    public required IReadOnlyList<ClarificationItem> Items { get; init; }
}

public sealed record PreliminaryResultsNotice : Notice
{
    public override string TemplateName => "preliminary-results";
    public required Unit Unit { get; init; }
    public decimal TotalScore { get; init; }
    public decimal Percent { get; init; }
    /// <summary>The band's name in Vietnamese (<see cref="BandEn"/> in English).</summary>
    public string Band { get; init; } = "";
    public string BandEn { get; init; } = "";
    public int Rank { get; init; }
    public int RankOf { get; init; }
    public required IReadOnlyList<ScoreLine> Lines { get; init; }
    /// <summary>The filed copy's table of every unit's preliminary result (empty in a unit's own copy).</summary>
    public IReadOnlyList<RankingRow> Rankings { get; init; } = [];
    public required DateTimeOffset DisputeDeadline { get; init; }
    public override IReadOnlyList<ScoreLine> ScoreTable => Lines;
}

public sealed record DisputeOutcomeNotice : Notice
{
    public override string TemplateName => "dispute-outcome";
    public required Unit Unit { get; init; }
    public required IReadOnlyList<DisputeItem> Items { get; init; }
    public decimal ScoreBefore { get; init; }
    public decimal ScoreAfter { get; init; }
}

public sealed record FinalResultsNotice : Notice
{
    public override string TemplateName => "final-results";
    public required string Category { get; init; }
    public decimal AverageScore { get; init; }
    public decimal AveragePercent { get; init; }
    public required IReadOnlyList<RankingRow> Rankings { get; init; }
}

public sealed record AwardDecisionNotice : Notice
{
    public override string TemplateName => "award-decision";
    public required string Category { get; init; }
    public required IReadOnlyList<AwardRow> Awards { get; init; }
}

/// <summary>A Certificate of Merit (Bằng khen) for one awardee.</summary>
public sealed record CertificateOfMerit
{
    public required Authority Authority { get; init; }
    public required string Awardee { get; init; }
    public required AwardClass Class { get; init; }
    public required string CampaignName { get; init; }
    public required int Year { get; init; }
    public required string Serial { get; init; }
    public required string VerificationCode { get; init; }
    public required Uri VerificationUrl { get; init; }
    public required string DecisionNumber { get; init; }
    /// <summary>Date of the award decision; <see cref="IssuedAt"/> when not given.</summary>
    public DateTimeOffset? DecisionDate { get; init; }
    /// <summary>The category the award is in, as it reads after the award ("khối Sở, ban, ngành"); optional.</summary>
    public string? Category { get; init; }
    public required DateTimeOffset IssuedAt { get; init; }
    public string TimeZoneId { get; init; } = DocFormat.DefaultTimeZoneId;
    public required Signer Signer { get; init; }
}
