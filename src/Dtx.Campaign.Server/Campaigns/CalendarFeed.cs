using Dtx.Campaign.Server.Data;
using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Campaigns;

/// <summary>
/// A unit's deadlines as an iCalendar feed its officers subscribe to. The address carries a random
/// token instead of a sign-in, as calendar apps require; it reveals dates, nothing else.
/// </summary>
internal static class CalendarFeed
{
    public static IEndpointRouteBuilder MapCalendarFeed(this IEndpointRouteBuilder app)
    {
        app.MapGet("/calendar/{token}.ics", Feed).AllowAnonymous().WithTags("Campaigns")
            .WithSummary("A unit's campaign deadlines as iCalendar (address from its self-assessment page).");
        return app;
    }

    private static async Task<Results<ContentHttpResult, NotFound>> Feed(string token, CampaignDbContext db, CancellationToken ct)
    {
        var row = await (from p in db.Participants.AsNoTracking()
                         join c in db.Campaigns.AsNoTracking() on p.CampaignId equals c.Id
                         join u in db.Units.AsNoTracking() on p.UnitId equals u.Id
                         where p.CalendarToken == token
                         select new { p, c, u.Code, u.NameVi }).FirstOrDefaultAsync(ct);
        if (row is null)
            return TypedResults.NotFound();
        var calendar = Build(row.c, row.p, row.Code, row.NameVi);
        var text = new CalendarSerializer().SerializeToString(calendar) ?? "";
        return TypedResults.Text(text, "text/calendar; charset=utf-8");
    }

    public static Calendar Build(Campaign campaign, Participant participant, string unitCode, string unitName)
    {
        var calendar = new Calendar { ProductId = "-//Dtx.Campaign//Lich danh gia chuyen doi so//VI" };
        calendar.AddProperty("X-WR-CALNAME", $"{campaign.NameVi} – {unitName}");
        calendar.AddProperty("X-WR-TIMEZONE", campaign.TimeZone);
        var s = campaign.Schedule;
        var deadline = campaign.DeadlineOf(participant);
        void Add(string key, string title, DateTimeOffset at, string? description = null) => calendar.Events.Add(new CalendarEvent
        {
            Uid = $"{campaign.Id:N}-{participant.UnitId:N}-{key}@dtx-campaign",
            Summary = title,
            Description = description,
            DtStart = new CalDateTime(at.UtcDateTime, CalDateTime.UtcTzId),
            DtEnd = new CalDateTime(at.UtcDateTime.AddMinutes(30), CalDateTime.UtcTzId),
        });
        Add("opens", $"Mở tự đánh giá chuyển đổi số ({unitCode})", s.SelfAssessmentOpensAt);
        Add("deadline", $"Hạn nộp tự đánh giá ({unitCode})", deadline,
            participant.ExtendedUntil is null ? null : $"Được gia hạn: {participant.ExtensionReason}");
        Add("disputes-open", "Mở tiếp nhận kiến nghị kết quả sơ bộ", s.DisputesOpensAt);
        Add("disputes-close", "Hạn gửi kiến nghị", s.DisputesClosesAt);
        Add("final", "Công bố kết quả chính thức", s.FinalPublicationAt);
        return calendar;
    }
}
