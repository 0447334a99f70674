using GraphSecurity.Emulator.Control;
using GraphSecurity.Emulator.Hosting;
using GraphSecurity.Emulator.Identity;

namespace GraphSecurity.Emulator.Sentinel;

/// <summary>
/// The upload APIs' limit: requests per caller (user or app, not app + tenant as Graph's buckets) in a
/// fixed window. Follows the emulator's throttling switch and time scale (<see cref="ThrottleService.Settings"/>),
/// so it is off unless throttling is enabled, like every other limit.
/// </summary>
public sealed class UploadRateLimiter
{
    private readonly TimeProvider _time;
    private readonly ThrottleService _throttling;
    private readonly Dictionary<string, (DateTimeOffset Start, int Count)> _windows = new(StringComparer.OrdinalIgnoreCase);
    private ThrottleLimit _limit;

    public UploadRateLimiter(EmulatorOptions options, TimeProvider time, ThrottleService throttling)
    {
        _time = time;
        _throttling = throttling;
        Limit = options.SentinelUploadLimit;
    }

    /// <summary>Replacing the limit forgets every window.</summary>
    public ThrottleLimit Limit
    {
        get => _limit;
        set
        {
            SentinelSettings.ValidateLimit(value);
            lock (_windows)
            {
                _limit = value;
                _windows.Clear();
            }
        }
    }

    /// <summary>Counts one request; the seconds to wait when it is over the limit, else null.</summary>
    public int? Enter(CallerPrincipal caller)
    {
        var settings = _throttling.Settings;
        if (!settings.Enabled) return null;
        var who = $"{caller.Tenant.Id}|{(caller.IsDelegated ? caller.UserPrincipalName : caller.AppId)}";
        var now = _time.GetUtcNow();
        lock (_windows)
        {
            var length = TimeSpan.FromSeconds(_limit.WindowSeconds / settings.TimeScale);
            var (start, count) = _windows.TryGetValue(who, out var w) && now < w.Start + length ? w : (now, 0);
            _windows[who] = (start, ++count);
            return count > _limit.Requests ? Math.Max(1, (int)Math.Ceiling((start + length - now).TotalSeconds)) : null;
        }
    }
}
