using Dtx.Campaign.Workflows.Definitions;
using FsCheck;
using FsCheck.Xunit;

namespace Dtx.Campaign.Workflows.Tests.Definitions;

public class IsoOffsetProperties
{
    [Property]
    public bool An_offset_prints_as_it_parses(bool negative, byte days, byte hours, byte minutes, byte weeks)
    {
        var offset = new IsoOffset(negative, 0, 0, weeks % 5, days % 40, new TimeSpan(hours % 24, minutes % 60, 0));
        if (offset.ToString() is "P" or "-P")
        {
            return true; // an empty duration is not a valid offset
        }

        return IsoOffset.TryParse(offset.ToString(), out var parsed) && parsed == offset;
    }

    [Property]
    public bool A_day_offset_and_its_negation_cancel_out(PositiveInt days, byte hour)
    {
        var local = new DateTime(2026, 1, 1, hour % 24, 0, 0).AddDays(days.Get % 800);
        var forward = new IsoOffset(false, 0, 0, 0, days.Get % 60, TimeSpan.Zero);
        var back = forward with { Negative = true };
        return back.ApplyTo(forward.ApplyTo(local)) == local;
    }
}
