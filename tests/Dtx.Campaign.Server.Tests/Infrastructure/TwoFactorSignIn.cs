using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OtpNet;

namespace Dtx.Campaign.Server.Tests.Infrastructure;

/// <summary>
/// Signs a client in as the person would: with a code from the authenticator when two-factor is on, and
/// enrolling first when the server asks (administrators, council chairs). The keys are kept by e-mail so
/// that later sign-ins can answer the code; <c>utcNow</c> is the server's clock (fake or real).
/// </summary>
public static class TwoFactorSignIn
{
    public static string Code(string key, DateTime utcNow) => new Totp(Base32Encoding.ToBytes(key)).ComputeTotp(utcNow);

    public static async Task SignInAsync(HttpClient client, string email, string password, IDictionary<string, string> keys, Func<DateTime> utcNow)
    {
        var response = await client.PostAsJsonAsync("/api/auth/login", new { email, password });
        response.EnsureSuccessStatusCode();
        if (response.StatusCode == HttpStatusCode.NoContent)
            return;
        var next = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("next").GetString();
        if (next == "enrol-two-factor")
        {
            var enrol = await client.PostAsync("/api/auth/two-factor/enrol", null);
            enrol.EnsureSuccessStatusCode();
            var key = (await enrol.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString()!;
            (await client.PostAsJsonAsync("/api/auth/two-factor/confirm", new { code = Code(key, utcNow()) })).EnsureSuccessStatusCode();
            keys[email] = key;
            return;
        }
        if (next != "two-factor" || !keys.TryGetValue(email, out var known))
            throw new InvalidOperationException($"sign-in of {email} needs '{next}' and the test knows no authenticator key");
        (await client.PostAsJsonAsync("/api/auth/login/two-factor", new { code = Code(known, utcNow()) })).EnsureSuccessStatusCode();
    }
}
