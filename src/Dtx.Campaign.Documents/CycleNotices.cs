namespace Dtx.Campaign.Documents;

/// <summary>The dispute window is open: each unit's copy repeats its preliminary figures and says until when it may dispute them.</summary>
public sealed record DisputeWindowNotice : Notice
{
    public override string TemplateName => "dispute-window-opened";
    public required Unit Unit { get; init; }
    public required DateTimeOffset ClosesAt { get; init; }
    public decimal TotalScore { get; init; }
    public decimal Percent { get; init; }
    /// <summary>The band's name in Vietnamese (<see cref="BandEn"/> in English).</summary>
    public string Band { get; init; } = "";
    public string BandEn { get; init; } = "";
    public int Rank { get; init; }
    public int RankOf { get; init; }
}

/// <summary>To the Appraisal Council: self-assessment closed, how many units submitted, and by when verification ends.</summary>
public sealed record VerificationStartedNotice : Notice
{
    public override string TemplateName => "verification-started";
    public int SubmittedUnits { get; init; }
    public int TotalUnits { get; init; }
    public required DateTimeOffset VerificationEndsAt { get; init; }
}

/// <summary>To the Appraisal Council when the dispute window closes: how many disputes came in, from which units, and how many are still to be decided.</summary>
public sealed record DisputesClosedNotice : Notice
{
    public override string TemplateName => "disputes-closed";
    public required DateTimeOffset ClosedAt { get; init; }
    public int DisputeCount { get; init; }
    public int OpenCount { get; init; }
    /// <summary>Each disputing unit's name with its number of disputes, e.g. "Sở Y tế Hà Nội (2)".</summary>
    public IReadOnlyList<string> DisputingUnits { get; init; } = [];
}
