using System.Net.Http.Json;
using System.Text.Json;
using Dtx.Campaign.Scoring.IndexSets;
using Dtx.Campaign.Server.IndexSets;

namespace Dtx.Campaign.Server.Tests.Infrastructure;

/// <summary>Small index sets built in code, uploaded through the real Excel import.</summary>
public static class TestIndexSets
{
    /// <summary>Two groups of 50 points: a yes-no, a ratio, tiers and a count, the second group only for a flag when given.</summary>
    public static IndexSet Small(string key, string level, int version = 1, string? flaggedGroup = null) => new()
    {
        Key = key,
        Version = version,
        Name = new LocalizedText($"Bộ chỉ số thử {key}", $"Test index set {key}"),
        LegalReference = "Quyết định thử nghiệm",
        Level = level,
        EffectiveYear = 2025,
        IsSample = true,
        Groups =
        [
            new IndicatorNode
            {
                Code = "1", Name = new LocalizedText("Nhận thức số", "Digital awareness"), MaxPoints = 50,
                Children =
                [
                    new IndicatorNode { Code = "1.1", Name = new LocalizedText("Có Ban chỉ đạo", "Steering committee"), MaxPoints = 10, Method = new YesNoMethod(), EvidenceRequired = true },
                    new IndicatorNode { Code = "1.2", Name = new LocalizedText("Tỷ lệ văn bản số", "Digital documents"), MaxPoints = 20, Method = new RatioMethod() },
                    new IndicatorNode { Code = "1.3", Name = new LocalizedText("Số cuộc họp", "Meetings"), MaxPoints = 20,
                        Method = new TiersMethod([new Tier(1, 5), new Tier(2, 10), new Tier(3, 15), new Tier(4, 20)]) },
                ],
            },
            new IndicatorNode
            {
                Code = "2", Name = new LocalizedText("Kinh tế số", "Digital economy"), MaxPoints = 50,
                AppliesTo = flaggedGroup is null ? null : new Applicability(flaggedGroup),
                Children = [new IndicatorNode { Code = "2.1", Name = new LocalizedText("Mô hình số", "Digital models"), MaxPoints = 50, Method = new CountMethod(10, null) }],
            },
        ],
        RatingBands =
        [
            new RatingBand("weak", new LocalizedText("Yếu", "Weak"), 0, 50),
            new RatingBand("average", new LocalizedText("Trung bình", "Average"), 50, 65),
            new RatingBand("fair", new LocalizedText("Khá", "Fairly good"), 65, 80),
            new RatingBand("good", new LocalizedText("Tốt", "Good"), 80, 100),
        ],
    };

    public static byte[] ToWorkbook(IndexSet set)
    {
        using var stream = new MemoryStream();
        IndexSetWorkbook.Write(set, stream);
        return stream.ToArray();
    }

    /// <summary>Uploads the set and returns its id; published unless told otherwise.</summary>
    public static async Task<Guid> UploadAsync(HttpClient admin, IndexSet set, bool publish = true)
    {
        var response = await admin.PostAsync($"/api/index-sets?publish={publish}", Multipart.File($"{set.Key}.xlsx", ToWorkbook(set)));
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"Upload of {set.Key} failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }
}
