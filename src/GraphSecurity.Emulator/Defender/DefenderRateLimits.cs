using GraphSecurity.Emulator.Control;
using GraphSecurity.Emulator.Errors;
using GraphSecurity.Emulator.Hosting;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Defender;

/// <summary>
/// The rate limits of the indicators calls (<see cref="DefenderSettings.RateLimits"/>), counted by the
/// emulator's one throttler. <see cref="ThrottleService"/> classifies Graph paths only, so each window
/// of each call is a service of its own holding a single bucket (the tiIndicators one, the Graph API
/// these calls succeed), switched on and time-scaled as the shared throttling settings say. Changing
/// those settings forgets the windows, as it does for the Graph buckets.
/// </summary>
public sealed class DefenderRateLimits
{
    private const string Bucket = "tiIndicators";
    private const string BucketPath = "/beta/security/tiIndicators";

    private readonly ThrottleService _shared;
    private readonly EmulatorOptions _options;
    private readonly TimeProvider _time;
    private readonly object _lock = new();
    private ThrottleSettings _syncedWith;
    private Dictionary<string, (ThrottleLimit Limit, ThrottleService Counter)[]> _windows;

    public DefenderRateLimits(ThrottleService shared, EmulatorOptions options, TimeProvider time)
    {
        _shared = shared;
        _options = options;
        _time = time;
    }

    /// <summary>Counts one <paramref name="call"/> of the app in the tenant; the 429 when a window is full (the longest wait wins).</summary>
    public void Enter(string tenantId, string appId, string call)
    {
        ApiError refused = null;
        foreach (var (limit, counter) in Windows()[call])
        {
            // Every window counts the call, refused or not, as the Graph buckets do.
            using var decision = counter.TryEnter(tenantId, appId, BucketPath);
            if (!decision.Allowed && decision.RetryAfterSeconds > (refused?.RetryAfterSeconds ?? 0))
                refused = new ApiError(429, "TooManyRequests", $"API calls quota exceeded! maximum admitted {limit.Requests} per {Period(limit.WindowSeconds)}.")
                {
                    RetryAfterSeconds = decision.RetryAfterSeconds,
                };
        }
        if (refused != null) throw refused;
    }

    private static string Period(int seconds) =>
        seconds % 3600 == 0 ? $"{seconds / 3600}h" : seconds % 60 == 0 ? $"{seconds / 60}m" : $"{seconds}s";

    private Dictionary<string, (ThrottleLimit, ThrottleService)[]> Windows()
    {
        var shared = _shared.Settings;
        lock (_lock)
        {
            if (!ReferenceEquals(shared, _syncedWith))
            {
                _windows = _options.Defender.RateLimits.ToDictionary(c => c.Key, c => c.Value.Select(limit => (limit, Counter(shared, limit))).ToArray(),
                    StringComparer.OrdinalIgnoreCase);
                _syncedWith = shared;
            }
            return _windows;
        }
    }

    private ThrottleService Counter(ThrottleSettings shared, ThrottleLimit limit)
    {
        var counter = new ThrottleService(_options, _time);
        counter.Configure(new ThrottleSettings
        {
            Enabled = shared.Enabled,
            TimeScale = shared.TimeScale,
            Buckets = new(StringComparer.OrdinalIgnoreCase) { [Bucket] = limit },
        });
        return counter;
    }
}

public static class DefenderRateLimitEndpoints
{
    /// <summary>Counts every call of the endpoint against <paramref name="call"/>'s limits for the authenticated app and tenant.</summary>
    public static TBuilder Limited<TBuilder>(this TBuilder builder, string call) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (ctx, next) =>
        {
            var caller = ctx.HttpContext.Caller();
            ctx.HttpContext.RequestServices.GetRequiredService<DefenderRateLimits>().Enter(caller.Tenant.Id, caller.AppId, call);
            return await next(ctx);
        });
}
