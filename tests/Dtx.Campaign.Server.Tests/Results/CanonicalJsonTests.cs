using System.Globalization;
using System.Text.Json;
using Dtx.Campaign.Server.Results;

namespace Dtx.Campaign.Server.Tests.Results;

/// <summary>
/// Stored result documents are checked byte for byte when recomputed: decimals must keep printing as they
/// were first printed (rounded to four places, as <c>ToString("0.####")</c>), whatever their scale or sign.
/// </summary>
public sealed class CanonicalJsonTests
{
    [Fact]
    public void Decimals_print_rounded_to_four_places_without_trailing_zeros_as_the_stored_documents_do()
    {
        var random = new Random(20261123);
        var values = new List<decimal>
        {
            0m, -0m, 0.0000m, new decimal(0, 0, 0, true, 4), -0.00001m, 0.00005m, -0.00005m, 1.5000m, 10m, 100.000m, -3.14159m,
            12345678.90125m, 1e-28m, decimal.MaxValue, decimal.MinValue, 136.69m, 68.345m,
        };
        for (var i = 0; i < 20_000; i++)
            values.Add(Math.Round((decimal)(random.NextDouble() * 2000 - 1000), random.Next(0, 10)) * (i % 5 == 0 ? 0.0001m : 1m));

        var json = JsonSerializer.Serialize(values, CanonicalJson.Options);

        var expected = "[" + string.Join(',', values.Select(v => Math.Round(v, 4, MidpointRounding.AwayFromZero).ToString("0.####", CultureInfo.InvariantCulture))) + "]";
        Assert.Equal(expected, json);
        Assert.StartsWith("[0,0,0,0,0,0.0001,-0.0001,1.5,10,100,-3.1416,12345678.9013,0,", json, StringComparison.Ordinal);
    }
}
