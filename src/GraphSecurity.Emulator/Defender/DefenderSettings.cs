using GraphSecurity.Emulator.Control;

namespace GraphSecurity.Emulator.Defender;

/// <summary>
/// Defender for Endpoint settings (config file key <c>defender</c>): the tenant's indicator cap and the
/// rate limits of each indicators call, per app per tenant (successor-apis.md §1.4–§1.9). The limits
/// apply while throttling is enabled and follow its <c>timeScale</c>, like the Graph buckets.
/// </summary>
public sealed class DefenderSettings
{
    /// <summary>15,000 per tenant, increases not supported (§1.4).</summary>
    public const int DefaultIndicatorCap = 15_000;

    public int IndicatorCap { get; set; } = DefaultIndicatorCap;
    /// <summary>Per call (<see cref="Calls"/>), every window it must stay within; calls not named keep the defaults.</summary>
    public Dictionary<string, List<ThrottleLimit>> RateLimits { get; set; } = Defaults();

    /// <summary>The calls whose limits can be set.</summary>
    public static class Calls
    {
        public const string Submit = "submit";
        public const string List = "list";
        public const string Delete = "delete";
        public const string Import = "import";
        public const string BatchDelete = "batchDelete";
    }

    /// <summary>The documented limits: import 30/min (§1.7), BatchDelete 30/min and 1,500/h, the others 100/min and 1,500/h (§1.5, §1.6, §1.9).</summary>
    public static Dictionary<string, List<ThrottleLimit>> Defaults()
    {
        List<ThrottleLimit> Limits(int perMinute, int? perHour) =>
            new[] { new ThrottleLimit { Requests = perMinute } }
                .Concat(perHour is int h ? new[] { new ThrottleLimit { Requests = h, WindowSeconds = 3600 } } : Array.Empty<ThrottleLimit>()).ToList();
        return new(StringComparer.OrdinalIgnoreCase)
        {
            [Calls.Submit] = Limits(100, 1500),
            [Calls.List] = Limits(100, 1500),
            [Calls.Delete] = Limits(100, 1500),
            [Calls.Import] = Limits(30, null),
            [Calls.BatchDelete] = Limits(30, 1500),
        };
    }

    /// <summary>These settings with every call they do not name taken from <see cref="Defaults"/>; validated.</summary>
    public DefenderSettings MergedOverDefaults()
    {
        if (IndicatorCap <= 0) throw new ArgumentException("Config: 'defender.indicatorCap' must be a positive number.");
        var merged = Defaults();
        foreach (var (call, limits) in RateLimits ?? new())
        {
            if (!merged.ContainsKey(call))
                throw new ArgumentException($"Config: unknown defender.rateLimits call '{call}'. Known calls: {string.Join(", ", merged.Keys)}.");
            if (limits == null || limits.Any(l => l == null || l.Requests <= 0 || l.WindowSeconds <= 0 || l.Concurrency != null))
                throw new ArgumentException($"Config: defender.rateLimits '{call}' needs positive 'requests' and 'windowSeconds' (no 'concurrency').");
            merged[call] = limits;
        }
        return new DefenderSettings { IndicatorCap = IndicatorCap, RateLimits = merged };
    }
}
