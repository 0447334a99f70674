using GraphSecurity.Emulator.Control;
using GraphSecurity.Emulator.Defender.Machines;

namespace GraphSecurity.Emulator.Defender;

/// <summary>
/// Defender for Endpoint settings (config file key <c>defender</c>): the tenant's indicator cap, the timing of
/// machine actions, and the rate limits of each call, per app per tenant (successor-apis.md §1.4–§1.9, §2). The limits
/// apply while throttling is enabled and follow its <c>timeScale</c>, like the Graph buckets.
/// </summary>
public sealed class DefenderSettings
{
    /// <summary>15,000 per tenant, increases not supported (§1.4).</summary>
    public const int DefaultIndicatorCap = 15_000;

    public int IndicatorCap { get; set; } = DefaultIndicatorCap;
    /// <summary>"machineActions": {"pendingSeconds": 1, "inProgressSeconds": 2}</summary>
    public MachineActionTiming MachineActions { get; set; } = new();
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
        /// <summary>Machine list, get and findbyip.</summary>
        public const string Machines = "machines";
        /// <summary>Machine action list and get, and the live response result links.</summary>
        public const string MachineActions = "machineactions";
        /// <summary>Every action verb and cancel: one limit shared by all of them.</summary>
        public const string MachineAction = "machineAction";
        public const string PackageUri = "packageUri";
        public const string LiveResponse = "liveResponse";
    }

    /// <summary>
    /// The documented limits: import 30/min (§1.7), BatchDelete 30/min and 1,500/h, GetPackageUri 2/min and 120/h (§2.3),
    /// live response 10/min (§2.4), the others 100/min and 1,500/h (§1.5, §1.6, §1.9, §2.1, §2.7).
    /// </summary>
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
            [Calls.Machines] = Limits(100, 1500),
            [Calls.MachineActions] = Limits(100, 1500),
            [Calls.MachineAction] = Limits(100, 1500),
            [Calls.PackageUri] = Limits(2, 120),
            [Calls.LiveResponse] = Limits(10, null),
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
        try { (MachineActions ?? new()).Validated(); }
        catch (ArgumentException e) { throw new ArgumentException("Config: defender.machineActions: " + e.Message); }
        return new DefenderSettings { IndicatorCap = IndicatorCap, RateLimits = merged, MachineActions = MachineActions ?? new() };
    }
}
