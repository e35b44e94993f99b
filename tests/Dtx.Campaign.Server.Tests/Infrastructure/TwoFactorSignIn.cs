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
    private const int StepSeconds = 30;

    // The last step whose code was handed out, per key: the server takes each step's code once per account.
    private static readonly Dictionary<string, long> LastSteps = [];

    public static long Step(DateTime utcNow) => new DateTimeOffset(utcNow, TimeSpan.Zero).ToUnixTimeSeconds() / StepSeconds;

    /// <summary>The code the app shows at this moment, whether or not it was used.</summary>
    public static string Code(string key, DateTime utcNow) => new Totp(Base32Encoding.ToBytes(key)).ComputeTotp(utcNow);

    /// <summary>
    /// A code the server has not seen for this key, as a person would type it: the current one, or the next
    /// step's (the server allows one step of drift) when the current one was used; when both were, the
    /// person waits for the next step — <paramref name="waitUntil"/> moves a fake clock, or waits out a real one.
    /// </summary>
    public static async Task<string> UnusedCodeAsync(string key, Func<DateTime> utcNow, Func<DateTime, Task> waitUntil)
    {
        long step;
        lock (LastSteps)
        {
            step = Step(utcNow());
            // As the server: a step used, or an earlier one in the window, is taken; a clock set back far starts afresh.
            if (LastSteps.TryGetValue(key, out var last) && step <= last && step > last - 3)
                step = last + 1;
            if (step <= Step(utcNow()) + 1)
            {
                LastSteps[key] = step;
                return CodeAt(key, step);
            }
        }
        // Two steps ahead: wait until the one before it begins (never more than a step, 30 s of the clock given).
        await waitUntil(DateTimeOffset.FromUnixTimeSeconds((step - 1) * StepSeconds).UtcDateTime);
        return await UnusedCodeAsync(key, utcNow, waitUntil);
    }

    private static string CodeAt(string key, long step) =>
        new Totp(Base32Encoding.ToBytes(key)).ComputeTotp(DateTimeOffset.FromUnixTimeSeconds(step * StepSeconds).UtcDateTime);

    /// <summary>Waits for a real clock to pass a moment (the servers run on the system clock).</summary>
    public static Task RealClockWait(DateTime utc) => Task.Delay(TimeSpan.FromMilliseconds(Math.Max(0, (utc - DateTime.UtcNow).TotalMilliseconds + 50)));

    public static Task SignInAsync(HttpClient client, string email, string password, IDictionary<string, string> keys, Func<DateTime> utcNow) =>
        SignInAsync(client, email, password, keys, utcNow, RealClockWait);

    public static async Task SignInAsync(HttpClient client, string email, string password, IDictionary<string, string> keys, Func<DateTime> utcNow, Func<DateTime, Task> waitUntil)
    {
        // A cookie session's changes must name their origin, as a browser's do (the server refuses cross-site ones).
        if (!client.DefaultRequestHeaders.Contains("Origin") && client.BaseAddress is { } origin)
            client.DefaultRequestHeaders.Add("Origin", origin.GetLeftPart(UriPartial.Authority));
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
            (await client.PostAsJsonAsync("/api/auth/two-factor/confirm", new { code = await UnusedCodeAsync(key, utcNow, waitUntil) })).EnsureSuccessStatusCode();
            keys[email] = key;
            return;
        }
        if (next != "two-factor" || !keys.TryGetValue(email, out var known))
            throw new InvalidOperationException($"sign-in of {email} needs '{next}' and the test knows no authenticator key");
        (await client.PostAsJsonAsync("/api/auth/login/two-factor", new { code = await UnusedCodeAsync(known, utcNow, waitUntil) })).EnsureSuccessStatusCode();
    }
}
