namespace Dtx.Campaign.Server.Demo;

/// <summary>
/// The clock the demo is written with: it stands on the dates of a past campaign while the demo plays the
/// cycle through, then stops at the real present, so that what remains scheduled lies in the real future.
/// </summary>
internal sealed class DemoClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset now = start;

    public override DateTimeOffset GetUtcNow() => now;

    public override TimeZoneInfo LocalTimeZone => TimeZoneInfo.Utc;

    public void MoveTo(DateTimeOffset at)
    {
        if (at < now)
            throw new InvalidOperationException($"The demo clock only moves forward ({now:u} → {at:u})");
        now = at;
    }
}
