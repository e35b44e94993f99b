using System.Globalization;
using Dtx.Campaign.Scoring.Refusals;
using Dtx.Campaign.Server.Campaigns;
using Dtx.Campaign.Server.Data;
using Dtx.Campaign.Server.IndexSets;
using Dtx.Campaign.Server.Web.Shared;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Dtx.Campaign.Server.Web.Admin;

/// <summary>
/// Sets up a draft campaign with <see cref="CreateCampaign"/> (the API's use case): index set per
/// category, every active unit of those categories, the council's chair and secretary, the schedule.
/// </summary>
internal sealed class NewCampaignModel(CampaignDbContext db, UiText text, TimeProvider clock) : PageModel
{
    /// <summary>The schedule's fields in the order of the cycle, with the day and time the form proposes for a year.</summary>
    public static readonly (string Field, string Label, int Month, int Day, int Hour)[] Dates =
    [
        ("indexPublicationAt", "date.indexPublicationAt", 10, 23, 8),
        ("selfAssessmentOpensAt", "date.selfAssessmentOpensAt", 11, 1, 8),
        ("selfAssessmentClosesAt", "date.selfAssessmentClosesAt", 11, 30, 17),
        ("verificationEndsAt", "date.verificationEndsAt", 12, 15, 17),
        ("preliminaryResultsAt", "date.preliminaryResultsAt", 12, 16, 8),
        ("disputesOpensAt", "date.disputesOpensAt", 12, 16, 8),
        ("disputesClosesAt", "date.disputesClosesAt", 12, 23, 17),
        ("finalPublicationAt", "date.finalPublicationAt", 12, 30, 8),
    ];

    public sealed record SetOption(Guid Id, string Label);

    public List<(string Code, string Name)> Authorities { get; private set; } = [];
    public Dictionary<string, List<SetOption>> SetsByCategory { get; private set; } = [];
    public Dictionary<string, string[]> Errors { get; private set; } = [];

    [BindProperty] public string? Authority { get; set; }
    [BindProperty] public int Year { get; set; }
    [BindProperty] public string? NameVi { get; set; }
    [BindProperty] public string? NameEn { get; set; }
    [BindProperty] public Dictionary<string, Guid?> IndexSets { get; set; } = [];
    [BindProperty] public Dictionary<string, string?> Schedule { get; set; } = [];
    [BindProperty] public string? ChairName { get; set; }
    [BindProperty] public string? ChairEmail { get; set; }
    [BindProperty] public string? SecretaryName { get; set; }
    [BindProperty] public string? SecretaryEmail { get; set; }
    [BindProperty] public bool HeadApproval { get; set; }

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var messages) ? string.Join("; ", messages) : null;

    public async Task OnGetAsync(CancellationToken ct)
    {
        await LoadAsync(ct);
        Year = Display.InZone(clock.GetUtcNow(), Display.DefaultZone).Year;
        NameVi = $"Đánh giá chuyển đổi số năm {Year}";
        NameEn = $"Digital transformation assessment {Year}";
        Authority = Authorities.FirstOrDefault().Code;
        foreach (var (field, _, month, day, hour) in Dates)
            Schedule[field] = new DateTime(Year, month, day, hour, 0, 0).ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture);
    }

    public async Task<IActionResult> OnPostAsync([FromServices] CreateCampaign create, CancellationToken ct)
    {
        var dates = new Dictionary<string, DateTime>(StringComparer.Ordinal);
        foreach (var (field, label, _, _, _) in Dates)
        {
            if (DateTime.TryParseExact(Schedule.GetValueOrDefault(field), ["yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
                dates[field] = local;
            else
                Errors[$"schedule.{field}"] = [text.Format("FieldRequired", text[label].ToLower(CultureInfo.CurrentCulture))];
        }
        var sets = IndexSets.Where(s => s.Value is not null).ToDictionary(s => s.Key, s => s.Value!.Value, StringComparer.Ordinal);
        var council = new List<CouncilMemberInput>();
        if (!string.IsNullOrWhiteSpace(ChairName) || !string.IsNullOrWhiteSpace(ChairEmail))
            council.Add(new CouncilMemberInput(ChairName?.Trim() ?? "", ChairEmail?.Trim() ?? "", CouncilRole.Chair));
        if (!string.IsNullOrWhiteSpace(SecretaryName) || !string.IsNullOrWhiteSpace(SecretaryEmail))
            council.Add(new CouncilMemberInput(SecretaryName?.Trim() ?? "", SecretaryEmail?.Trim() ?? "", CouncilRole.Secretary));
        if (Errors.Count == 0)
        {
            var schedule = new ScheduleInput(dates["indexPublicationAt"], dates["selfAssessmentOpensAt"], dates["selfAssessmentClosesAt"], dates["verificationEndsAt"],
                dates["preliminaryResultsAt"], dates["disputesOpensAt"], dates["disputesClosesAt"], dates["finalPublicationAt"]);
            try
            {
                var campaign = await create.HandleAsync(new CreateCampaignRequest(Authority ?? "", Year, NameVi ?? "", NameEn ?? "", sets, schedule, council, HeadApproval: HeadApproval), User.Identity?.Name, ct);
                return RedirectToPage("/Admin/Campaign", new { id = campaign.Id });
            }
            catch (Refusal refused)
            {
                Errors = text.RefusedFields(refused);
            }
        }
        await LoadAsync(ct);
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Authorities = (await db.Authorities.AsNoTracking().OrderBy(a => a.Code).ToListAsync(ct))
            .Select(a => (a.Code, text.Language == "en" ? a.NameEn : a.NameVi)).ToList();
        var categories = await db.Units.AsNoTracking().Where(u => u.IsActive).Select(u => u.Category).Distinct().ToListAsync(ct);
        var sets = await db.IndexSets.AsNoTracking().Where(s => s.Status != IndexSetStatus.Superseded).OrderBy(s => s.Key).ThenByDescending(s => s.Version).ToListAsync(ct);
        SetsByCategory = categories.Order(StringComparer.Ordinal).ToDictionary(c => c, c => sets.Where(s => s.Level == c)
            .Select(s => new SetOption(s.Id, $"{(text.Language == "en" ? s.NameEn : s.NameVi)} — {s.Key} v{s.Version} ({text.Status(s.Status)})")).ToList());
    }
}
