using GraphSecurity.Emulator.Control;
using GraphSecurity.Emulator.Errors;
using GraphSecurity.Emulator.Hosting;

namespace GraphSecurity.Emulator.Defender;

/// <summary>
/// The rate limits of the indicators calls (<see cref="DefenderSettings.RateLimits"/>): one named limit per call
/// (<c>defender.submit</c>, …) per app per tenant, held and counted by the emulator's <see cref="ThrottleService"/>.
/// </summary>
public static class DefenderRateLimits
{
    public static string LimitName(string call) => "defender." + call;

    /// <summary>Declares each call's limit with the windows the options give it.</summary>
    public static void Declare(IServiceCollection services, EmulatorOptions options)
    {
        foreach (var (call, windows) in options.Defender.RateLimits)
            services.AddSingleton(new RateLimit(LimitName(call), windows, RateLimitKey.AppPerTenant));
    }

    /// <summary>Counts every call of the endpoint against <paramref name="call"/>'s limit; over it, Defender's 429 naming the full window.</summary>
    public static TBuilder Limited<TBuilder>(this TBuilder builder, string call) where TBuilder : IEndpointConventionBuilder =>
        builder.RateLimited(LimitName(call), refusal => throw new ApiError(429, "TooManyRequests",
            $"API calls quota exceeded! maximum admitted {refusal.Window.Requests} per {Period(refusal.Window.WindowSeconds)}.")
        {
            RetryAfterSeconds = refusal.RetryAfterSeconds,
        });

    private static string Period(int seconds) =>
        seconds % 3600 == 0 ? $"{seconds / 3600}h" : seconds % 60 == 0 ? $"{seconds / 60}m" : $"{seconds}s";
}
